// The Traffic screen's connection notices in main: the last lines the gateway logged about upstream connections
// rather than requests (an upstream's bytes after its answer), in memory only, each as main checked it
// (ConnectionLogLine in main/ipc/contract.ts): an origin and what happened, never a byte the upstream sent.
//
// A line that says again what the newest notice says (an upstream that sends bytes after every answer says so on
// every connection) is folded into it: one notice with how many times and since when, rather than a hundred
// identical rows that push every other notice out.

/** A notice as kept: the newest line, its id, how many lines it stands for and the time of the first. */
export type FoldedNotice<Line> = Line & { id: number; repeats: number; firstTime: string };

/** The last `max` notices, each with an id of its own (counted across clear). */
export class ConnectionNotices<Line extends { time: string }> {
  /** By id, oldest first (ids only grow; a fold takes its notice out and puts the new one last). */
  readonly #kept = new Map<number, FoldedNotice<Line>>();
  #nextId = 1;

  /** `sameAs` tells a line that says what a notice says, whatever its time. */
  constructor(
    private readonly max: number,
    private readonly sameAs: (line: Line, notice: Line) => boolean,
  ) {}

  /**
   * Keeps a line as the newest notice, folded into the newest one when it says the same (that notice is then gone,
   * the returned one replaces it under a new id), letting the oldest go beyond the maximum; returns the notice.
   */
  add(line: Line): FoldedNotice<Line> {
    // The newest notice is the last one added, unless Clear took it.
    const previous = this.#kept.get(this.#nextId - 1);
    const folds = previous !== undefined && this.sameAs(line, previous);
    if (folds) this.#kept.delete(previous.id);
    const notice: FoldedNotice<Line> = { ...line, id: this.#nextId++, repeats: folds ? previous.repeats + 1 : 1, firstTime: folds ? previous.firstTime : line.time };
    this.#kept.set(notice.id, notice);
    for (const id of this.#kept.keys()) {
      if (this.#kept.size <= this.max) break;
      this.#kept.delete(id);
    }
    return notice;
  }

  /** Whether a notice is still kept (not cleared, not let go, not folded into a newer one). */
  has(id: number): boolean {
    return this.#kept.has(id);
  }

  /** Newest first, as the screen lists them. */
  list(): FoldedNotice<Line>[] {
    return [...this.#kept.values()].reverse();
  }

  clear(): void {
    this.#kept.clear();
  }
}
