// The workspace file is JSON, and people edit it by hand. JSON.parse does not say where a file is
// broken on every runtime (and its messages quote file content), and it silently keeps the last of
// duplicate keys; this scanner finds the first fault's position and describes it without content.
import { DocumentSyntaxError } from '../../../gateway/config/parse-document';

export interface JsonSyntaxFault {
  /** UTF-16 offset into the text. */
  offset: number;
  message: string;
}

const MAX_DEPTH = 512;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Fault extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

class Scanner {
  i = 0;
  constructor(readonly text: string) {}

  fail(message: string, at = this.i): never {
    throw new Fault(at, message);
  }

  found(): string {
    const c = this.text[this.i];
    if (c === undefined) return 'the end of the file';
    if (c === '\n' || c === '\r') return 'a line break';
    return JSON.stringify(c);
  }

  ws(): void {
    for (let c = this.text[this.i]; c === ' ' || c === '\t' || c === '\n' || c === '\r'; c = this.text[++this.i]);
  }

  document(): void {
    this.ws();
    if (this.i >= this.text.length) this.fail('the file is empty');
    this.value(0);
    this.ws();
    if (this.i < this.text.length) this.fail(`unexpected ${this.found()} after the end of the JSON document`);
  }

  value(depth: number): void {
    if (depth > MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH} levels`);
    this.ws();
    const c = this.text[this.i];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return void this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const literal of ['true', 'false', 'null']) {
      if (this.text.startsWith(literal, this.i)) {
        this.i += literal.length;
        return;
      }
    }
    if (c !== undefined && /[A-Za-z']/.test(c)) this.fail('expected a value: strings need double quotes, literals are true, false and null');
    this.fail(`expected a value, found ${this.found()}`);
  }

  object(depth: number): void {
    this.i++;
    this.ws();
    if (this.text[this.i] === '}') return void this.i++;
    const keys = new Set<string>();
    for (;;) {
      this.ws();
      if (this.text[this.i] === '}') this.fail('trailing comma before "}"');
      if (this.text[this.i] !== '"') this.fail(`expected a double-quoted property name, found ${this.found()}`);
      const at = this.i;
      const key = this.string();
      if (keys.has(key)) this.fail(`duplicate key ${JSON.stringify(key.slice(0, 60))}`, at);
      keys.add(key);
      this.ws();
      if (this.text[this.i] !== ':') this.fail(`expected ":" after the property name, found ${this.found()}`);
      this.i++;
      this.value(depth + 1);
      this.ws();
      const c = this.text[this.i];
      if (c === ',') this.i++;
      else if (c === '}') return void this.i++;
      else this.fail(`expected "," or "}" after the property value, found ${this.found()}`);
    }
  }

  array(depth: number): void {
    this.i++;
    this.ws();
    if (this.text[this.i] === ']') return void this.i++;
    for (;;) {
      this.ws();
      if (this.text[this.i] === ']') this.fail('trailing comma before "]"');
      this.value(depth + 1);
      this.ws();
      const c = this.text[this.i];
      if (c === ',') this.i++;
      else if (c === ']') return void this.i++;
      else this.fail(`expected "," or "]" after the array element, found ${this.found()}`);
    }
  }

  string(): string {
    const start = this.i++;
    for (;;) {
      const c = this.text[this.i];
      if (c === undefined) this.fail('unterminated string', start);
      if (c === '"') break;
      if (c === '\\') {
        const e = this.text[this.i + 1];
        if (e !== undefined && '"\\/bfnrt'.includes(e)) this.i += 2;
        else if (e === 'u' && /^[0-9A-Fa-f]{4}$/.test(this.text.slice(this.i + 2, this.i + 6))) this.i += 6;
        else this.fail('invalid escape sequence in a string');
        continue;
      }
      if (c < ' ') this.fail('control character (such as a line break) inside a string');
      this.i++;
    }
    this.i++;
    return JSON.parse(this.text.slice(start, this.i)) as string;
  }

  number(): void {
    NUMBER.lastIndex = this.i;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail('invalid number');
    this.i += match[0].length;
  }
}

export function findJsonSyntaxFault(text: string): JsonSyntaxFault | undefined {
  try {
    new Scanner(text).document();
    return undefined;
  } catch (error) {
    if (error instanceof Fault) return { offset: error.offset, message: error.message };
    throw error;
  }
}

/** 1-based line and column of a UTF-16 offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** Parses strict JSON (a leading BOM is allowed); throws DocumentSyntaxError with line and column. */
export function parseStrictJson(text: string, source: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const fault = findJsonSyntaxFault(body);
  if (fault) {
    const { line, column } = lineAndColumn(body, fault.offset);
    throw new DocumentSyntaxError(source, line, column, fault.message);
  }
  return JSON.parse(body);
}
