/**
 * Collects items and hands them over together, in the order they came, once per turn of the event loop (in a
 * setImmediate). Under load many requests end in one turn: one write to stdout or one message to the app for all
 * of them costs about what one did, where one per request cost a syscall or a message each.
 */
export function batchPerTurn<T>(deliver: (items: T[]) => void): (item: T) => void {
  let pending: T[] = [];
  const flush = () => {
    const items = pending;
    pending = [];
    deliver(items);
  };
  return (item) => {
    if (pending.length === 0) setImmediate(flush);
    pending.push(item);
  };
}
