// How deep a YAML (or JSON) text nests, read from yaml's concrete syntax tree. yaml's Parser builds that tree
// without recursion; its Composer (parseDocument, parseAllDocuments) recurses once a level, and on a text nested past
// the stack it catches the overflow, after which the next such text in the same process aborts V8 itself ("FATAL
// ERROR: RegExpCompiler Allocation failed", no exception to catch). So the depth is read first, and a text too deep
// never reaches the Composer. Imports nothing from Node: the renderer uses it too.
import type { Parser as YamlParser } from 'yaml';

/** The parts of a CST token walked here (yaml's own types, narrowed to what nests). */
interface CstNode {
  type?: string;
  value?: CstNode;
  items?: { key?: CstNode | null; value?: CstNode | null }[];
}

/**
 * How deep a document may nest. The deepest a workspace or an imported document goes is about a dozen levels; far
 * deeper ones (`[[[[…` a hundred thousand times) parse, then overflow the stack of whatever walks them recursively
 * (JSON.stringify, yaml's composer), which reported "Maximum call stack size exceeded" without naming the file.
 * Here rather than in parse-document.ts so the renderer can have it without that module's lazy load of yaml.
 */
export const MAX_DOCUMENT_DEPTH = 64;

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/** Whether any document in `text` nests collections (maps, sequences, flow or block) more than `max` deep. */
export function yamlNestsDeeperThan(text: string, Parser: typeof YamlParser, max: number): boolean {
  for (const token of new Parser().parse(text)) {
    const pending: [CstNode | null | undefined, number][] = [[token as CstNode, 0]];
    while (pending.length > 0) {
      const [node, depth] = pending.pop()!;
      if (!node || typeof node !== 'object') continue;
      const inner = COLLECTIONS.has(node.type ?? '') ? depth + 1 : depth;
      if (inner > max) return true;
      if (node.value && typeof node.value === 'object') pending.push([node.value, inner]);
      for (const item of node.items ?? []) pending.push([item.key, inner], [item.value, inner]);
    }
  }
  return false;
}
