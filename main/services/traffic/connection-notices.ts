// The Traffic screen's connection notices in main: the last lines the gateway logged about upstream connections
// rather than requests (an upstream's bytes after its answer), in memory only, each as main checked it
// (ConnectionLogLine in main/ipc/contract.ts): an origin and what happened, never a byte the upstream sent.

/** The last `max` lines, each with an id of its own (counted across clear). */
export class ConnectionNotices<Line extends object> {
  /** Oldest first. */
  #kept: (Line & { id: number })[] = [];
  #nextId = 1;

  constructor(private readonly max: number) {}

  /** Keeps a line as the newest notice, letting the oldest go beyond the maximum; returns the notice. */
  add(line: Line): Line & { id: number } {
    const notice = { ...line, id: this.#nextId++ };
    this.#kept.push(notice);
    if (this.#kept.length > this.max) this.#kept.splice(0, this.#kept.length - this.max);
    return notice;
  }

  /** Whether a notice is still kept (not cleared, not let go). Ids only grow, so the kept ones are a range. */
  has(id: number): boolean {
    return this.#kept.length > 0 && id >= this.#kept[0]!.id && id <= this.#kept.at(-1)!.id;
  }

  /** Newest first, as the screen lists them. */
  list(): (Line & { id: number })[] {
    return this.#kept.toReversed();
  }

  clear(): void {
    this.#kept = [];
  }
}
