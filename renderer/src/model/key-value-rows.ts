/** One row of name/value pairs (request headers, a secret's keys), as KeyValueEditor edits them. */
export interface KeyValueRow {
  id: number;
  name: string;
  value: string;
  /** Shown as read-only: the name of a key already stored. */
  fixedName?: boolean;
}
