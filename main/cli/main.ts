// `npm run gateway`: the headless gateway with the app's services around it — secrets from the OS
// keychain (besides --secrets and $GATEHOUSE_SECRETS), the `import`/`export` commands and the cluster workflow
// (`plan`, `push`, `prune`).
import { exitWhenDone, runGatewayCli } from '../../gateway/cli/gateway-cli';
import { COMMAND_USAGE } from './command-usage';
import { keychainSources } from './keychain-sources';

const argv = process.argv.slice(2);
const command = argv[0];
// import/export and the cluster commands load the store and @kubernetes/client-node: only when asked for, so
// serving starts light.
if (command === 'import') exitWhenDone(import('./import-command').then((m) => m.runImportCommand(argv.slice(1))));
else if (command === 'export') exitWhenDone(import('./export-command').then((m) => m.runExportCommand(argv.slice(1))));
else if (command === 'plan' || command === 'push' || command === 'prune') exitWhenDone(import('./cluster-command').then((m) => m.runClusterCommand(command, argv.slice(1))));
else exitWhenDone(runGatewayCli(argv, { extraSecretSources: keychainSources, extraSecretSourcesName: 'the OS keychain', usage: COMMAND_USAGE }));
