// Counts in messages read as English ("1 service", "2 routes", "0 secrets"), in every process: the app, the CLI
// and the gateway say them the same way.

/** "1 service", "3 services"; `many` for nouns whose plural is not the noun plus "s". */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
