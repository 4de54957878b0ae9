/**
 * A tiny tokenizer and parser for the Python-literal strings RL Baselines3 Zoo writes in
 * `policy_kwargs`, such as "dict(net_arch=[64, 64], activation_fn=nn.ReLU, ortho_init=False)".
 *
 * It produces DATA and nothing else: the only call it accepts is `dict(key=value, ...)`, names
 * are kept as opaque references (`nn.ReLU`) for the caller to match against an allow-list, and
 * anything else (other calls, subscripts, operators, lambdas) is a parse error. Nothing is ever
 * evaluated. Hand-written because no maintained npm package parses this Python subset as data.
 */

/** A parsed value with its offsets in the source string (end exclusive). */
export type PyNode = { start: number; end: number } & (
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'none' }
  | { kind: 'name'; name: string }
  | { kind: 'list'; items: PyNode[] }
  | { kind: 'dict'; entries: PyDictEntry[] }
);

export interface PyDictEntry {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: PyNode;
}

export class PyParseError extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
  }
}

type Token =
  | { kind: 'name'; text: string; start: number; end: number }
  | { kind: 'number'; value: number; text: string; start: number; end: number }
  | { kind: 'string'; value: string; start: number; end: number }
  | { kind: 'punct'; text: string; start: number; end: number }
  | { kind: 'eof'; start: number; end: number };

/** Guards against pathological input; real policy_kwargs are a few dozen characters. */
const MAX_LENGTH = 10_000;
const MAX_DEPTH = 32;

/** '.' only appears alone in attribute access after a call or subscript, which the parser rejects. */
const PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',', '=', ':', '-', '+', '.', '*']);

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (/[A-Za-z_]/.test(c)) {
      // Dotted names (nn.ReLU, th.nn.Tanh) are one token: they are references, not attribute access.
      const m = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(src.slice(i));
      const text = m ? m[0] : c;
      i += text.length;
      tokens.push({ kind: 'name', text, start, end: i });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i));
      if (!m) throw new PyParseError(`unexpected character '${c}'`, start, start + 1);
      i += m[0].length;
      const value = Number(m[0].replace(/_/g, ''));
      if (!Number.isFinite(value)) throw new PyParseError(`not a number: '${m[0]}'`, start, i);
      tokens.push({ kind: 'number', value, text: m[0], start, end: i });
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let value = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\') {
          throw new PyParseError('escape sequences are not supported in policy_kwargs strings', j, j + 1);
        }
        value += src[j];
        j++;
      }
      if (j >= src.length) throw new PyParseError('unterminated string', start, src.length);
      i = j + 1;
      tokens.push({ kind: 'string', value, start, end: i });
      continue;
    }
    if (PUNCT.has(c)) {
      i++;
      tokens.push({ kind: 'punct', text: c, start, end: i });
      continue;
    }
    throw new PyParseError(`unexpected character '${c}'`, start, start + 1);
  }
  tokens.push({ kind: 'eof', start: src.length, end: src.length });
  return tokens;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos];
  }
  private next(): Token {
    return this.tokens[this.pos++];
  }
  private isPunct(text: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === text;
  }
  private expectPunct(text: string, what: string): Token {
    const t = this.next();
    if (t.kind !== 'punct' || t.text !== text) throw new PyParseError(`expected '${text}' ${what}, found ${describe(t)}`, t.start, t.end);
    return t;
  }

  parseTop(): PyNode {
    const value = this.value(0);
    const t = this.peek();
    if (t.kind !== 'eof') throw new PyParseError(`unexpected ${describe(t)} after the value`, t.start, t.end);
    return value;
  }

  private value(depth: number): PyNode {
    const t = this.next();
    if (depth > MAX_DEPTH) throw new PyParseError('nested too deeply', t.start, t.end);
    switch (t.kind) {
      case 'number':
        return { kind: 'number', value: t.value, start: t.start, end: t.end };
      case 'string':
        return { kind: 'string', value: t.value, start: t.start, end: t.end };
      case 'eof':
        throw new PyParseError('unexpected end of text, expected a value', t.start, t.end);
      case 'punct':
        return this.punctValue(t, depth);
      case 'name':
        return this.nameValue(t, depth);
    }
  }

  private punctValue(t: Token & { kind: 'punct' }, depth: number): PyNode {
    if (t.text === '-' || t.text === '+') {
      const operand = this.next();
      if (operand.kind !== 'number') throw new PyParseError(`'${t.text}' must be followed by a number`, t.start, operand.end);
      const value = t.text === '-' ? -operand.value : operand.value;
      return { kind: 'number', value, start: t.start, end: operand.end };
    }
    if (t.text === '[') return this.sequence(t.start, ']', depth);
    if (t.text === '(') return this.sequence(t.start, ')', depth); // a tuple reads as a list
    if (t.text === '{') return this.braceDict(t.start, depth);
    throw new PyParseError(`unexpected '${t.text}', expected a value`, t.start, t.end);
  }

  private nameValue(t: Token & { kind: 'name' }, depth: number): PyNode {
    if (t.text === 'True' || t.text === 'False') return { kind: 'bool', value: t.text === 'True', start: t.start, end: t.end };
    if (t.text === 'None') return { kind: 'none', start: t.start, end: t.end };
    if (this.isPunct('(')) {
      if (t.text !== 'dict') {
        throw new PyParseError(`calling '${t.text}(...)' is not allowed: policy_kwargs is read as data, only dict(...) is accepted`, t.start, t.end);
      }
      this.next();
      return this.dictCall(t.start, depth);
    }
    return { kind: 'name', name: t.text, start: t.start, end: t.end };
  }

  private sequence(start: number, close: string, depth: number): PyNode {
    const items: PyNode[] = [];
    while (!this.isPunct(close)) {
      items.push(this.value(depth + 1));
      if (this.isPunct(',')) this.next();
      else if (!this.isPunct(close)) {
        const t = this.peek();
        throw new PyParseError(`expected ',' or '${close}', found ${describe(t)}`, t.start, t.end);
      }
    }
    const end = this.next().end;
    return { kind: 'list', items, start, end };
  }

  /** `dict(a=1, b=[2])`: keyword arguments only. */
  private dictCall(start: number, depth: number): PyNode {
    const entries: PyDictEntry[] = [];
    while (!this.isPunct(')')) {
      const key = this.next();
      if (key.kind !== 'name' || key.text.includes('.')) {
        throw new PyParseError(`expected a keyword argument name in dict(...), found ${describe(key)}`, key.start, key.end);
      }
      this.expectPunct('=', `after '${key.text}'`);
      const value = this.value(depth + 1);
      pushEntry(entries, { key: key.text, keyStart: key.start, keyEnd: key.end, value });
      if (this.isPunct(',')) this.next();
      else if (!this.isPunct(')')) {
        const t = this.peek();
        throw new PyParseError(`expected ',' or ')', found ${describe(t)}`, t.start, t.end);
      }
    }
    const end = this.next().end;
    return { kind: 'dict', entries, start, end };
  }

  /** `{'a': 1}`: string keys only. */
  private braceDict(start: number, depth: number): PyNode {
    const entries: PyDictEntry[] = [];
    while (!this.isPunct('}')) {
      const key = this.next();
      if (key.kind !== 'string') throw new PyParseError(`expected a quoted key, found ${describe(key)}`, key.start, key.end);
      this.expectPunct(':', `after the key '${key.value}'`);
      const value = this.value(depth + 1);
      pushEntry(entries, { key: key.value, keyStart: key.start, keyEnd: key.end, value });
      if (this.isPunct(',')) this.next();
      else if (!this.isPunct('}')) {
        const t = this.peek();
        throw new PyParseError(`expected ',' or '}', found ${describe(t)}`, t.start, t.end);
      }
    }
    const end = this.next().end;
    return { kind: 'dict', entries, start, end };
  }
}

function pushEntry(entries: PyDictEntry[], entry: PyDictEntry): void {
  if (entries.some((e) => e.key === entry.key)) {
    throw new PyParseError(`'${entry.key}' is given twice`, entry.keyStart, entry.keyEnd);
  }
  entries.push(entry);
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'the end of the text';
    case 'string':
      return `the string '${t.value}'`;
    case 'number':
      return `the number ${t.text}`;
    default:
      return `'${t.text}'`;
  }
}

/** Parses a Python literal (dict(...), {...}, [...], numbers, strings, True/False/None, names). */
export function parsePyLiteral(src: string): PyNode {
  if (src.length > MAX_LENGTH) throw new PyParseError(`too long (${src.length} characters)`, 0, src.length);
  return new Parser(tokenize(src)).parseTop();
}
