// A preview's field changes as a tree: `spec.services[0].entries[0].credentials.secretName` becomes nested
// fields (spec → services[0] → entries[0] → credentials → secretName), so an object's diff reads as the object.
import type { ClusterFieldChange } from '../../../main/ipc/contract';

export interface ChangeNode {
  /** A field name, with its list index when it is a list item (`services[0]`). */
  label: string;
  children: ChangeNode[];
  change?: ClusterFieldChange;
}

/** The fields of a path as main's diff writes it: names, `[0]` indexes, `["quoted keys"]`. */
export function pathSegments(path: string): string[] {
  const segments: string[] = [];
  const token = /\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/gy;
  for (let at = 0; at < path.length; at = token.lastIndex) {
    token.lastIndex = at;
    const match = token.exec(path);
    // A path this does not read is shown whole rather than cut apart wrongly.
    if (!match) return [path];
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) {
      if (segments.length === 0) segments.push(`[${match[2]}]`);
      else segments[segments.length - 1] += `[${match[2]}]`;
    } else segments.push(JSON.parse(match[3]!) as string);
  }
  return segments;
}

export function changeTree(changes: readonly ClusterFieldChange[]): ChangeNode[] {
  const root: ChangeNode = { label: '', children: [] };
  for (const change of changes) {
    let node = root;
    for (const segment of pathSegments(change.path)) {
      let child = node.children.find((n) => n.label === segment && !n.change);
      if (!child) {
        child = { label: segment, children: [] };
        node.children.push(child);
      }
      node = child;
    }
    node.change = change;
  }
  return root.children;
}
