// Usage lines of the app CLI's own commands, kept apart so printing help loads neither command.
export const IMPORT_LINES = `
  npm run gateway -- import FILE... [--workspace WS] [--name NAME] [--namespace NS] [--var KEY=VALUE]...
                                   APK endpointConfig/serviceInfo/APK Conf, Kyma Application YAML with its
                                   Secrets, APISIX consumer/route JSON -> the workspace WS (default
                                   workspace.json in $XDG_CONFIG_HOME/gatehouse); secret values -> OS keychain;
                                   --plain-secret-data takes a Secret's data values as written, not base64`;

export const EXPORT_LINES = `
  npm run gateway -- export [--workspace WS] [--namespace NS] [--with-secret-values] [--secrets FILE] [-o FILE]
                                   the workspace as kubectl-apply-ready YAML; secret values only when asked, read
                                   as plan reads them: --secrets FILE, then GATEHOUSE_SECRETS, then the OS keychain.
                                   Items left out (whole or in part) are named on stderr with why, as plan names
                                   them. Exit 0 written; 1 nothing to export (no item becomes a cluster object:
                                   nothing written) or a failure; 2 bad arguments`;

export const CLUSTER_LINES = `
  npm run gateway -- plan|push|prune [--workspace WS] [--kubeconfig FILE] [--context NAME] [--namespace NS]
                                   [--secrets FILE] [-o, --output table|json]  (table: the default)
                                   the app's cluster workflow: plan = server-side dry run and diff (exit 0 no
                                   change, 1 changes, 2 error); push = server-side apply as field manager
                                   gatehouse [--force-conflicts]; prune = list this workspace's objects gone
                                   from it, delete them only with --yes. Kubeconfig read as kubectl reads it`;

export const COMMAND_USAGE = IMPORT_LINES + EXPORT_LINES + CLUSTER_LINES;
