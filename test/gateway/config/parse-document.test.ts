// Workspace and secrets documents: JSON or YAML. yaml is the reference for what a document means; JSON.parse answers
// first for plain JSON (parse-document.ts), so every answer here is checked against yaml's own.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { REPO_ROOT } from '../../support/spawn-cli';
import fc from 'fast-check';
import * as yaml from 'yaml';
import { DocumentSyntaxError, MAX_DOCUMENT_DEPTH, parseJsonOrYaml, readJsonOrYaml, utf8Text, yamlErrorDetail } from '../../../gateway/config/parse-document';

/** What yaml alone makes of a document, as parse-document.ts asks it. */
function yamlValue(text: string): unknown {
  const doc = yaml.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  expect(doc.errors).toEqual([]);
  return doc.toJS();
}

/** Both entry points' answer, checked to agree. */
async function parsed(text: string, source = 'doc.json'): Promise<unknown> {
  const value = await readJsonOrYaml(text, source);
  expect(parseJsonOrYaml(text, source, yaml)).toEqual(value);
  return value;
}

async function syntaxError(text: string, source = 'doc.json'): Promise<DocumentSyntaxError> {
  expect(() => parseJsonOrYaml(text, source, yaml)).toThrow(DocumentSyntaxError);
  const error = await readJsonOrYaml(text, source).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(DocumentSyntaxError);
  return error as DocumentSyntaxError;
}

describe('JSON or YAML documents', () => {
  it('reads JSON and YAML', async () => {
    expect(await parsed('{"a": 1}')).toEqual({ a: 1 });
    expect(await parsed('a: 1\nb: [x]\n', 'x.yaml')).toEqual({ a: 1, b: ['x'] });
    // YAML's flow style is not JSON, and is read all the same.
    expect(await parsed('{a: 1, b: [x, "y"]}', 'x.yaml')).toEqual({ a: 1, b: ['x', 'y'] });
  });

  it('reports the line and column of a syntax error', async () => {
    const error = await syntaxError('{\n  "a": 1,\n  "b": [1, 2\n}', 'ws.json');
    expect(error.line).toBeGreaterThanOrEqual(3);
    expect(error.message).toMatch(/^ws\.json:\d+:\d+: /);
  });

  it('refuses a key repeated in one object, with its line, where JSON.parse would keep the last', async () => {
    const top = await syntaxError('{\n  "name": "a",\n  "name": "b"\n}');
    expect(top.line).toBe(3);
    expect(top.message).toMatch(/unique/i);
    const nested = await syntaxError('{\n  "services": [\n    {"name": "a", "upstream": {"url": "x", "url": "y"}}\n  ]\n}');
    expect(nested.line).toBe(3);
    // Escapes spell the same key differently: still the same key.
    await syntaxError('{"a": 1, "\\u0061": 2}');
  });

  it('never repeats what it could not read: a secret value in an alias, a tag or a block header stays out of the message', async () => {
    // Also an escape a password's backslash makes in a double-quoted string (yaml quotes up to eight characters after it).
    for (const text of ['alex:\n  password: *Hunter2pw\n', 'alex:\n  password: |Hunter2pw\n    x\n', 'alex:\n  password: !Hunter2pw x\n  other: *Hunter2pw\n', 'alex:\n  password: "pw\\UHunter2pw"\n', '{"alex": {"password": "pw\\xHunter2"}}']) {
      const error = await syntaxError(text, 'secrets.yaml');
      expect(error.message).toMatch(/^secrets\.yaml(:\d+:\d+)?: \S/);
      expect(error.message).not.toContain('Hunter2');
    }
  });

  // Every yaml error code a document can provoke, each with a secret-looking value where yaml's own message would
  // quote it (or near it): the message is made from the code alone, so none of it may appear.
  const SECRET = 'Zq8-SecretPassw0rd';
  it.each([
    ['ALIAS_PROPS', `alex:\n  password: !!str *${SECRET}\n`],
    ['BAD_COLLECTION_TYPE', `alex: !!set [${SECRET}]\n`],
    ['BAD_DIRECTIVE', `%YAML 9.${SECRET}\n---\nalex: 1\n`],
    ['BAD_DIRECTIVE', `%YAML 1.2 ${SECRET}\n---\nalex: 1\n`],
    ['BAD_DQ_ESCAPE', `alex:\n  password: "x\\q${SECRET}"\n`],
    ['BAD_INDENT', `alex:\n  password: [${SECRET},\n${SECRET}]\n`],
    ['BAD_SCALAR_START', `alex:\n  password: @${SECRET}\n`],
    ['BLOCK_AS_IMPLICIT_KEY', `alex:\n  password: ${SECRET}: x\n`],
    ['BLOCK_IN_FLOW', `{alex: [\n  - ${SECRET}\n]}\n`],
    ['DUPLICATE_KEY', `alex:\n  password: ${SECRET}\n  password: ${SECRET}\n`],
    ['KEY_OVER_1024_CHARS', `alex:\n  ${SECRET.repeat(60)}: x\n`],
    ['MISSING_CHAR', `alex:\n  password: "${SECRET}\n`],
    ['MISSING_CHAR', `alex:\n  password: '${SECRET}\n`],
    ['MULTILINE_IMPLICIT_KEY', `alex:\n  "${SECRET}\n  x": y\n`],
    ['MULTIPLE_ANCHORS', `alex:\n  password: &a &${SECRET} x\n`],
    ['MULTIPLE_DOCS', `alex: ${SECRET}\n---\nbo: ${SECRET}\n`],
    ['MULTIPLE_TAGS', `alex:\n  password: !!str !${SECRET} x\n`],
    ['TAB_AS_INDENT', `alex:\n\tpassword: ${SECRET}\n`],
    // yaml's messages for these quote the tag with no colon before it ("The !… tag has no suffix").
    ['TAG_RESOLVE_FAILED', `alex:\n  password: !${SECRET}!\n`],
    ['TAG_RESOLVE_FAILED', `alex:\n  password: !${SECRET}!x y\n`],
    ['TAG_RESOLVE_FAILED', `alex:\n  password: !<${SECRET}\n`],
    ['TAG_RESOLVE_FAILED', 'alex:\n  password: !<!!>\n'],
    // yaml only warns about these, and reads the value without its tag (`!<x>` as an empty password).
    ['TAG_RESOLVE_FAILED', `alex:\n  password: !<${SECRET}>\n`],
    ['TAG_RESOLVE_FAILED', `alex:\n  password: !${SECRET} x\n`],
    ['TAG_RESOLVE_FAILED', `alex:\n  password: !!int ${SECRET}\n`],
    ['UNEXPECTED_TOKEN', `alex:\n  password: |${SECRET}\n    x\n`],
    ['UNEXPECTED_TOKEN', `alex:\n  password: "${SECRET}" ${SECRET}\n`],
    ['UNEXPECTED_TOKEN', `alex: [${SECRET},,]\n`],
    ['UNEXPECTED_TOKEN', `alex: {password: ${SECRET}}}\n`],
  ])('says %s by its code and position, never with the text it failed on: %j', async (code, text) => {
    const doc = yaml.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    const first = doc.errors[0] ?? doc.warnings[0];
    expect(first?.code).toBe(code);
    const error = await syntaxError(text, 'secrets.yaml');
    expect(error.message).toBe(`secrets.yaml:${first!.linePos![0].line}:${first!.linePos![0].col}: ${yamlErrorDetail(code)}`);
    expect(error.message).not.toContain('Zq8');
  });

  it('says a yaml error code it does not know in general words', () => {
    expect(yamlErrorDetail('SOME_LATER_CODE')).toBe('not valid YAML here');
    expect(yamlErrorDetail(undefined)).toBe('not valid YAML here');
    expect(yamlErrorDetail('toString')).toBe('not valid YAML here');
  });

  it('refuses an unknown tag on a value, naming its line, where yaml would read the value without it', async () => {
    // `password: !<x>` read as '' (an empty password served) and `!custom text` as 'text'.
    for (const text of ['alex:\n  password: !<x>\n', 'alex:\n  password: !custom Hunter2pw\n']) {
      const error = await syntaxError(text, 'secrets.yaml');
      expect(error.line).toBe(2);
      expect(error.message).not.toContain('Hunter2');
    }
    // Tags yaml knows still read as written.
    expect(await parsed('alex:\n  password: !!str 123\n', 'secrets.yaml')).toEqual({ alex: { password: '123' } });
    expect(await parsed('alex:\n  password: ! 123\n', 'secrets.yaml')).toEqual({ alex: { password: '123' } });
  });

  it('reports an alias without an anchor before it, and an alias bomb, as syntax errors, not crashes', async () => {
    expect((await syntaxError('services: *nope\n', 'ws.yaml')).message).toBe('ws.yaml: Unresolved alias (the anchor must be set before the alias)');
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
    expect((await syntaxError(bomb, 'ws.yaml')).message).toMatch(/^ws\.yaml: /);
  });

  it.each([
    ['JSON 65 levels deep', `{"services": ${'['.repeat(64)}${']'.repeat(64)}}`, 'ws.json'],
    ['JSON nested past any stack', `{"services": ${'['.repeat(200_000)}${']'.repeat(200_000)}}`, 'ws.json'],
    ['YAML 65 levels deep', `services: ${'['.repeat(64)}${']'.repeat(64)}\n`, 'ws.yaml'],
    ['YAML nested past any stack', `services: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`, 'ws.yaml'],
  ])('refuses a document nested deeper than any it reads, naming the file: %s', async (_name, text, source) => {
    // Past the stack, JSON.stringify of the value (the headless gateway's first look at it) or yaml's parser
    // overflowed, and the message named neither the file nor the cause. Twice: after yaml had caught one overflow,
    // the next deep text in the same process aborted V8 (a reload, a second import), which no test survives.
    for (let round = 0; round < 2; round++) {
      const error = await syntaxError(text, source);
      expect(error.message).toMatch(new RegExp(`^${source.replace('.', '\\.')}(:\\d+:\\d+)?: nested more than ${MAX_DOCUMENT_DEPTH} levels deep`));
    }
  });

  it.each([
    ['block sequences in one line', `${'- '.repeat(100_000)}x\n`],
    ['block maps indented a level a line', `${Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} v\n`],
    ['a flow sequence after a block scalar holding a quote', `note: |\n  "unclosed\nlist: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`],
  ])('reads the depth of YAML as yaml does, block scalars and compact entries included: %s', async (_name, text) => {
    for (let round = 0; round < 2; round++) expect((await syntaxError(text, 'ws.yaml')).message).toContain(`nested more than ${MAX_DOCUMENT_DEPTH} levels deep`);
  });

  it('survives deep documents read again and again in one process: config, import and the Import screen', async () => {
    const child = spawn(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['test/fixtures/deep-documents-twice.ts'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    const tooDeep = `nested more than ${MAX_DOCUMENT_DEPTH} levels deep (a workspace goes about a dozen levels deep)`;
    const round = [`config: ws.yaml: ${tooDeep}`, `import: import.yaml: ${tooDeep}`, 'shape: {"kymaApplication":false,"secretData":false}'];
    expect({ code, signal, output }).toEqual({ code: 0, signal: null, output: [...round, ...round, ''].join('\n') });
  }, 120_000);

  it('reads a document nested as deep as it allows', async () => {
    const text = `{"a": ${'['.repeat(MAX_DOCUMENT_DEPTH - 1)}${']'.repeat(MAX_DOCUMENT_DEPTH - 1)}}`;
    expect(await parsed(text)).toEqual(yamlValue(text));
    expect(await parsed(text.replace('{"a": ', 'a: ').slice(0, -1), 'x.yaml')).toEqual(yamlValue(text));
  });

  it('takes a file\'s bytes as UTF-8 (a BOM dropped), and refuses bytes that are not', () => {
    expect(utf8Text(Buffer.from('\ufeff{"a": "jürgen"}'), 'ws.json')).toBe('{"a": "jürgen"}');
    expect(() => utf8Text(Buffer.from([0x7b, 0x22, 0xfc, 0x22, 0x7d]), 'secrets.json')).toThrow('secrets.json: not UTF-8 text; save the file as UTF-8');
  });

  it('merges `<<` keys as kubectl does, a key of its own winning over the merged one', async () => {
    const text = 'defaults: &d\n  url: http://a.test\n  connectMs: 5\nservice:\n  <<: *d\n  connectMs: 9\n';
    expect(await readJsonOrYaml(text, 'ws.yaml')).toEqual({ defaults: { url: 'http://a.test', connectMs: 5 }, service: { url: 'http://a.test', connectMs: 9 } });
  });

  it('keeps equal keys that belong to different objects', async () => {
    expect(await parsed('[{"k": 1}, {"k": 2}]')).toEqual([{ k: 1 }, { k: 2 }]);
    expect(await parsed('{"a": {"a": {"a": 1}}}')).toEqual({ a: { a: { a: 1 } } });
  });

  it('is not misled by colons, quotes and backslashes inside strings', async () => {
    const text = '{"url": "http://h:1/p?q=a:b", "quote\\":": "\\"x:\\"", "back\\\\": "c:\\\\", "k": ":"}';
    expect(await parsed(text)).toEqual(yamlValue(text));
    expect(await parsed(text)).toEqual({ url: 'http://h:1/p?q=a:b', 'quote":': '"x:"', 'back\\': 'c:\\', k: ':' });
  });

  it('reads any JSON text as yaml does (property, against yaml)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const text = JSON.stringify(value, null, 1);
        expect(await parsed(text)).toEqual(yamlValue(text));
      }),
      { numRuns: 300 },
    );
  });
});
