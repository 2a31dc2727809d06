// How kubectl reads a kubeconfig's text into its fields: YAML 1.1, as go-yaml v2 (behind sigs.k8s.io/yaml)
// resolves plain scalars, then into the typed fields of client-go's v1.Config (tools/clientcmd/api/v1/types.go),
// where a value of the wrong type stops the whole file ("json: cannot unmarshal bool into Go struct field
// AuthInfo.users.user.token of type string"). So an unquoted `insecure-skip-tls-verify: yes` (or on, y) is true,
// and an unquoted `token: yes` or `namespace: 0777` is refused, not taken as the string written. Fields kubectl
// does not know are left alone, as it leaves them; null is an unset field, as in Go.
import '../config/zod-jitless';
import * as z from 'zod';
import type { Tags } from 'yaml';
import type { YamlReading } from '../config/parse-document';
import { goBase64ErrorOffset } from './go-base64';

const GO_INT = 'tag:yaml.org,2002:int';

const BINARY = 'tag:yaml.org,2002:binary';

/** yaml's 1.1 tags go-yaml does not have (sexagesimal numbers, timestamps) or resolves otherwise (binary). */
const notGoYamls = (tag: Tags[number]): boolean =>
  typeof tag === 'string' ? !['intTime', 'floatTime', 'timestamp', 'binary'].includes(tag) : tag.format !== 'TIME' && tag.tag !== 'tag:yaml.org,2002:timestamp' && tag.tag !== BINARY;

/**
 * yaml's YAML 1.1 schema, brought to go-yaml v2's: no sexagesimal numbers (`1:20`) or timestamps (`2024-01-01`),
 * which go-yaml leaves as strings, as it does a lone `.`; Go's own integer prefixes (`0o17`, `0O17`, `0B1`, `0X1f`: it reads a plain
 * scalar with strconv.ParseInt base 0), which yaml's 1.1 schema leaves as strings; and `!!binary` as the text of
 * its bytes, not a Buffer. The real kubectl is compared with this in test/gateway/cluster/kubeconfig-fields.test.ts.
 */
export const KUBECONFIG_YAML: YamlReading = {
  version: '1.1',
  unknownTagsAsText: true,
  customTags: (tags: Tags): Tags => [
    // A lone dot: a float to yaml's 1.1 schema (NaN), a string to go-yaml.
    { tag: 'tag:yaml.org,2002:str', default: true, test: /^[-+]?\.$/, resolve: (dot: string) => dot },
    ...tags.filter(notGoYamls),
    { tag: BINARY, resolve: (base64: string) => Buffer.from(base64, 'base64').toString('utf8') },
    {
      tag: GO_INT,
      default: true,
      test: /^[-+]?0(?:[oO][0-7_]+|[bB][01_]+|[xX][0-9a-fA-F_]+)$/,
      resolve: (text: string) => {
        const sign = text.startsWith('-') ? -1 : 1;
        const digits = text.replace(/^[-+]?0/, '').replace(/_/g, '');
        const radix = { o: 8, b: 2, x: 16 }[digits[0]!.toLowerCase() as 'o' | 'b' | 'x'];
        return sign * parseInt(digits.slice(1), radix);
      },
    },
  ],
};

const text = z.string().nullish();
const flag = z.boolean().nullish();
/**
 * A []byte field: a string kubectl decodes as Go's base64.StdEncoding (go-base64.ts), refusing the whole file when
 * it cannot. The offset is all the message tells of the value (a key, or a certificate).
 */
const bytes = z
  .string()
  .nullish()
  .superRefine((value, ctx) => {
    const offset = typeof value === 'string' ? goBase64ErrorOffset(value) : undefined;
    if (offset === undefined) return;
    ctx.addIssue({
      code: 'custom',
      message: `not valid base64, which kubectl refuses ("illegal base64 data at input byte ${offset}"): write the file's contents base64-encoded, padded with = to a multiple of 4 characters (base64 -w0 FILE)`,
    });
  });
const texts = z.array(z.string().nullish()).nullish();
const extensions = z.array(z.looseObject({ name: text })).nullish();

/** client-go's v1.Config, field by field as its JSON tags name them ([]byte fields are base64 strings). */
const KubeconfigFields = z.looseObject({
  kind: text,
  apiVersion: text,
  preferences: z.looseObject({ colors: flag, extensions }).nullish(),
  clusters: z
    .array(
      z.looseObject({
        name: text,
        cluster: z
          .looseObject({
            server: text,
            'tls-server-name': text,
            'insecure-skip-tls-verify': flag,
            'certificate-authority': text,
            'certificate-authority-data': bytes,
            'proxy-url': text,
            'disable-compression': flag,
            extensions,
          })
          .nullish(),
      }),
    )
    .nullish(),
  users: z
    .array(
      z.looseObject({
        name: text,
        user: z
          .looseObject({
            'client-certificate': text,
            'client-certificate-data': bytes,
            'client-key': text,
            'client-key-data': bytes,
            token: text,
            tokenFile: text,
            as: text,
            'as-uid': text,
            'as-groups': texts,
            'as-user-extra': z.record(z.string(), texts).nullish(),
            username: text,
            password: text,
            'auth-provider': z.looseObject({ name: text, config: z.record(z.string(), text).nullish() }).nullish(),
            exec: z
              .looseObject({
                command: text,
                args: texts,
                env: z.array(z.looseObject({ name: text, value: text })).nullish(),
                apiVersion: text,
                installHint: text,
                provideClusterInfo: flag,
                interactiveMode: text,
              })
              .nullish(),
            extensions,
          })
          .nullish(),
      }),
    )
    .nullish(),
  contexts: z
    .array(z.looseObject({ name: text, context: z.looseObject({ cluster: text, user: text, namespace: text, extensions }).nullish() }))
    .nullish(),
  'current-context': text,
  extensions,
});

/** `users[0].user.token`, as the kubeconfig's other problems name a field. */
const fieldPath = (path: readonly PropertyKey[]): string => path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');

function kindOf(value: unknown): string {
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'string') return 'a string';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  return 'a mapping';
}

const EXPECTED: Record<string, string> = { string: 'a string', boolean: 'true or false', array: 'a list', object: 'a mapping' };

/** What to do about a value of the wrong type, where there is one thing to do. */
function advice(value: unknown, expected: string): string {
  if (expected === 'string' && typeof value === 'boolean') {
    return ': put it in quotes (unquoted, yes, no, on, off, y and n are booleans in YAML 1.1, which kubectl reads a kubeconfig as)';
  }
  if (expected === 'string' && typeof value === 'number') return ': put it in quotes';
  if (expected === 'boolean' && typeof value === 'string') return ': write true or false, without quotes';
  return '';
}

const valueAt = (document: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((value, key) => (typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined), document);

/** The name of the cluster, user or context entry a path is in, when it has one: `users[0] ("alice")`. */
function entryName(document: unknown, path: readonly PropertyKey[]): string {
  if (path.length < 3 || typeof path[1] !== 'number') return '';
  const name = (valueAt(document, path.slice(0, 2)) as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? ` (in ${String(path[0]).replace(/s$/, '')} "${name}")` : '';
}

/**
 * Each field of a parsed kubeconfig whose value kubectl would refuse for its type, named by its path and its
 * entry's name, what it is and what kubectl reads there; never the value, which may be a token or a key.
 */
export function kubeconfigTypeProblems(document: unknown): string[] {
  const result = KubeconfigFields.safeParse(document);
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const value = valueAt(document, issue.path);
    const where = `${fieldPath(issue.path) || 'the document'}${entryName(document, issue.path)}`;
    if (issue.code !== 'invalid_type') return `${where}: ${issue.message}`;
    const expected = EXPECTED[issue.expected] ?? issue.expected;
    return `${where} is ${kindOf(value)} where kubectl reads ${expected}${advice(value, issue.expected)}`;
  });
}
