import { ApiError, statuses } from './status';

type Requirement =
  | { op: 'exists' | 'notExists'; key: string }
  | { op: 'in' | 'notIn'; key: string; values: string[] };

export type Selector = (labels: Readonly<Record<string, string>>) => boolean;

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function parseRequirement(text: string): Requirement {
  let m = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(text);
  if (m) return { op: m[2] === 'in' ? 'in' : 'notIn', key: m[1]!, values: m[3]!.split(',').map((v) => v.trim()) };
  m = /^(\S+?)\s*(==|!=|=)\s*(\S*)$/.exec(text);
  if (m) return { op: m[2] === '!=' ? 'notIn' : 'in', key: m[1]!, values: [m[3]!] };
  m = /^!\s*(\S+)$/.exec(text);
  if (m) return { op: 'notExists', key: m[1]! };
  if (/^\S+$/.test(text)) return { op: 'exists', key: text };
  throw new ApiError(statuses.badRequest(`unable to parse requirement: ${JSON.stringify(text)}`));
}

/** The label selector grammar of `?labelSelector=`: `a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (x,y)`, `a notin (x)`. */
export function parseLabelSelector(text: string | null): Selector {
  if (!text) return () => true;
  const requirements = splitTopLevel(text).map(parseRequirement);
  return (labels) =>
    requirements.every((r) => {
      const has = Object.hasOwn(labels, r.key);
      switch (r.op) {
        case 'exists':
          return has;
        case 'notExists':
          return !has;
        case 'in':
          return has && r.values.includes(labels[r.key]!);
        case 'notIn':
          return !has || !r.values.includes(labels[r.key]!);
      }
    });
}

/** `?fieldSelector=` for the fields every kind supports: metadata.name and metadata.namespace. */
export function parseFieldSelector(text: string | null): (name: string, namespace: string | undefined) => boolean {
  if (!text) return () => true;
  const checks = splitTopLevel(text).map((part) => {
    const m = /^(metadata\.name|metadata\.namespace)\s*(==|!=|=)\s*(\S*)$/.exec(part);
    if (!m) throw new ApiError(statuses.badRequest(`"${part.split(/[=!]/)[0]}" is not a known field selector: only "metadata.name", "metadata.namespace"`));
    return { field: m[1]!, negate: m[2] === '!=', value: m[3]! };
  });
  return (name, namespace) =>
    checks.every((c) => {
      const actual = c.field === 'metadata.name' ? name : (namespace ?? '');
      return c.negate ? actual !== c.value : actual === c.value;
    });
}
