/**
 * Where things are in a JSON text, so the validation report can name a line. JSON.parse does the
 * parsing; this scanner walks the same text once more to note the line each value starts on
 * (`steps[3].ownerTeam` -> 42), and to say where a syntax error is when JSON.parse refuses the
 * text (its messages do not reliably give a position).
 */

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly character: number,
  ) {
    super(message);
  }
}

export interface JsonLocations {
  /** Line of the value at `path`, or of its nearest ancestor that was recorded. */
  lineOf(path: readonly (string | number)[]): number;
}

const MAX_NESTING = 64;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function pathKey(path: readonly (string | number)[]): string {
  let key = '';
  for (const segment of path) key += typeof segment === 'number' ? `[${segment}]` : key === '' ? segment : `.${segment}`;
  return key;
}

class Scanner {
  private at = 0;
  private line = 1;
  private lineStart = 0;

  constructor(
    private readonly text: string,
    private readonly lines: Map<string, number>,
    private readonly recordDepth: number,
  ) {}

  run(): void {
    this.value([], 0);
    this.space();
    if (this.at < this.text.length) this.fail('Unexpected text after the end of the JSON document');
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(message, this.line, this.at - this.lineStart + 1);
  }

  private space(): void {
    const text = this.text;
    while (this.at < text.length) {
      const code = text.charCodeAt(this.at);
      if (code === 10) {
        this.at++;
        this.line++;
        this.lineStart = this.at;
      } else if (code === 32 || code === 9 || code === 13) {
        this.at++;
      } else {
        return;
      }
    }
  }

  private value(path: (string | number)[], depth: number): void {
    this.space();
    if (depth > MAX_NESTING) this.fail('The document is nested too deeply');
    if (depth <= this.recordDepth) this.lines.set(pathKey(path), this.line);
    const char = this.text[this.at];
    if (char === '{') this.object(path, depth);
    else if (char === '[') this.array(path, depth);
    else if (char === '"') this.string();
    else if (char === 't') this.literal('true');
    else if (char === 'f') this.literal('false');
    else if (char === 'n') this.literal('null');
    else if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) this.number();
    else if (char === undefined) this.fail('The document ends too early');
    else this.fail(`Unexpected character ${JSON.stringify(char)}`);
  }

  private object(path: (string | number)[], depth: number): void {
    this.at++;
    this.space();
    if (this.text[this.at] === '}') {
      this.at++;
      return;
    }
    for (;;) {
      this.space();
      if (this.text[this.at] !== '"') this.fail('Expected a property name in double quotes');
      const start = this.at;
      this.string();
      const key = JSON.parse(this.text.slice(start, this.at)) as string;
      this.space();
      if (this.text[this.at] !== ':') this.fail('Expected ":" after the property name');
      this.at++;
      this.value([...path, key], depth + 1);
      this.space();
      const next = this.text[this.at];
      if (next === ',') {
        this.at++;
      } else if (next === '}') {
        this.at++;
        return;
      } else {
        this.fail('Expected "," or "}" after a property value');
      }
    }
  }

  private array(path: (string | number)[], depth: number): void {
    this.at++;
    this.space();
    if (this.text[this.at] === ']') {
      this.at++;
      return;
    }
    for (let index = 0; ; index++) {
      this.value([...path, index], depth + 1);
      this.space();
      const next = this.text[this.at];
      if (next === ',') {
        this.at++;
      } else if (next === ']') {
        this.at++;
        return;
      } else {
        this.fail('Expected "," or "]" after an array element');
      }
    }
  }

  private string(): void {
    const text = this.text;
    this.at++;
    while (this.at < text.length) {
      const code = text.charCodeAt(this.at);
      if (code === 34) {
        this.at++;
        return;
      }
      if (code === 92) {
        const escape = text[this.at + 1];
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(this.at + 2, this.at + 6))) this.fail('Bad \\u escape in a string');
          this.at += 6;
        } else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) {
          this.at += 2;
        } else {
          this.fail('Bad escape in a string');
        }
        continue;
      }
      if (code < 32) this.fail('A string contains a line break or control character; write it as \\n');
      this.at++;
    }
    this.fail('A string is never closed');
  }

  private literal(word: string): void {
    if (this.text.startsWith(word, this.at)) this.at += word.length;
    else this.fail('Unexpected word; values are strings in double quotes, numbers, true, false or null');
  }

  private number(): void {
    NUMBER.lastIndex = this.at;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail('Bad number');
    this.at += match[0].length;
  }
}

/** Lines of every value down to `recordDepth` levels. Throws JsonSyntaxError on invalid JSON. */
export function locateJsonValues(text: string, recordDepth = 5): JsonLocations {
  const lines = new Map<string, number>();
  new Scanner(text, lines, recordDepth).run();
  return {
    lineOf(path) {
      for (let length = path.length; length >= 0; length--) {
        const line = lines.get(pathKey(path.slice(0, length)));
        if (line !== undefined) return line;
      }
      return 1;
    },
  };
}

/** Where JSON.parse gave up, for the report. */
export function locateJsonSyntaxError(text: string): JsonSyntaxError | null {
  try {
    new Scanner(text, new Map(), -1).run();
    return null;
  } catch (error) {
    if (error instanceof JsonSyntaxError) return error;
    throw error;
  }
}
