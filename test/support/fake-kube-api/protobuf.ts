// kubectl sends some built-in kinds as protobuf (application/vnd.kubernetes.protobuf): `kubectl auth can-i` posts
// its SelfSubjectAccessReview that way. This decodes the envelope (runtime.Unknown behind the "k8s\0" magic)
// and that one message into the JSON the handlers take; answers stay JSON, which client-go also accepts.

type Fields = Map<number, Buffer[]>;

function readVarint(buf: Buffer, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  let pos = at;
  for (;;) {
    const byte = buf[pos++];
    if (byte === undefined) throw new Error('truncated varint');
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [value, pos];
    shift += 7;
  }
}

/** Length-delimited fields by number; varints are skipped (none of the fields read here is one). */
function fields(buf: Buffer): Fields {
  const out: Fields = new Map();
  let pos = 0;
  while (pos < buf.length) {
    const [tag, next] = readVarint(buf, pos);
    pos = next;
    const wire = tag & 7;
    const field = Math.floor(tag / 8);
    if (wire === 0) [, pos] = readVarint(buf, pos);
    else if (wire === 2) {
      const [length, start] = readVarint(buf, pos);
      const list = out.get(field) ?? [];
      list.push(buf.subarray(start, start + length));
      out.set(field, list);
      pos = start + length;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

const str = (f: Fields, n: number) => f.get(n)?.[0]?.toString('utf8');

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export function isProtobuf(contentType: string): boolean {
  return contentType.split(';')[0]!.trim() === 'application/vnd.kubernetes.protobuf';
}

/** The SelfSubjectAccessReview in a protobuf body, as its JSON form. */
export function decodeSelfSubjectAccessReview(body: Buffer): Record<string, unknown> {
  if (!body.subarray(0, 4).equals(MAGIC)) throw new Error('missing protobuf magic');
  const unknown = fields(body.subarray(4));
  const typeMeta = fields(unknown.get(1)?.[0] ?? Buffer.alloc(0));
  const review = fields(unknown.get(2)?.[0] ?? Buffer.alloc(0));
  const spec = fields(review.get(2)?.[0] ?? Buffer.alloc(0));
  const result: Record<string, unknown> = { apiVersion: str(typeMeta, 1), kind: str(typeMeta, 2) };
  const resource = spec.get(1)?.[0];
  const nonResource = spec.get(2)?.[0];
  if (resource) {
    const r = fields(resource);
    const names = ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'];
    result.spec = { resourceAttributes: Object.fromEntries(names.map((name, i) => [name, str(r, i + 1)]).filter(([, v]) => v !== undefined)) };
  } else if (nonResource) {
    const r = fields(nonResource);
    result.spec = { nonResourceAttributes: { path: str(r, 1), verb: str(r, 2) } };
  } else result.spec = {};
  return result;
}
