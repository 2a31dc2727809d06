// `-o=json`, `-n=team`: kubectl (pflag) reads a short option's value after `=`, and the cluster commands take the
// same options as kubectl; node:util's parseArgs would read the value as "=json". Rewritten to `-o json`.
const SHORT_WITH_EQUALS = /^-([A-Za-z])=(.*)$/s;

export function splitShortOptionValues(argv: readonly string[]): string[] {
  return argv.flatMap((arg) => {
    const m = SHORT_WITH_EQUALS.exec(arg);
    return m ? [`-${m[1]}`, m[2]!] : [arg];
  });
}
