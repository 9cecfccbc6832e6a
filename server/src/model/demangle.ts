// Readable names for mangled C++ (Itanium `_Z...`) and Rust v0 (`_R...`) symbols in kernel
// stack traces, without parameter lists (`_Z8fakeNameiii` -> `fakeName`,
// `_RNvNtCs1_4core9panicking9panic_fmt` -> `core::panicking::panic_fmt`).
// Anything this small decoder does not understand is returned unchanged.

export function demangle(name: string): string {
  if (name.length < 3 || name.charCodeAt(0) !== 95 /* _ */) return name;
  try {
    if (name.startsWith('_Z')) return itanium(name) ?? name;
    if (name.startsWith('_R')) return new RustV0(name).run() ?? name;
  } catch {
    // malformed: keep the symbol as printed
  }
  return name;
}

// ---- Itanium: plain and nested source names, constructors/destructors ----
function itanium(s: string): string | undefined {
  let i = 2;
  const sourceName = (): string | undefined => {
    let n = 0;
    const start = i;
    while (i < s.length && s[i] >= '0' && s[i] <= '9') n = n * 10 + (s.charCodeAt(i++) - 48);
    if (i === start || n === 0 || i + n > s.length) return undefined;
    const id = s.slice(i, i + n);
    i += n;
    return id;
  };
  if (s[i] === 'L') i++; // internal linkage
  if (s[i] !== 'N') return sourceName();
  i++;
  while (s[i] === 'r' || s[i] === 'V' || s[i] === 'K' || s[i] === 'R' || s[i] === 'O') i++;
  const parts: string[] = [];
  while (i < s.length && s[i] !== 'E') {
    if (s.startsWith('St', i) && parts.length === 0) {
      parts.push('std');
      i += 2;
    } else if (s[i] === 'C' && /[123]/.test(s[i + 1] ?? '')) {
      parts.push(parts[parts.length - 1] ?? '');
      i += 2;
    } else if (s[i] === 'D' && /[012]/.test(s[i + 1] ?? '')) {
      parts.push('~' + (parts[parts.length - 1] ?? ''));
      i += 2;
    } else {
      const id = sourceName();
      if (id === undefined) return undefined; // templates, substitutions: not supported
      parts.push(id);
    }
  }
  return s[i] === 'E' && parts.length ? parts.join('::') : undefined;
}

// ---- Rust v0 (RFC 2603) paths ----
class RustV0 {
  private i = 2;
  private depth = 0;
  constructor(private readonly s: string) {}

  run(): string | undefined {
    // optional encoding version (decimal)
    while (this.s[this.i] >= '0' && this.s[this.i] <= '9') this.i++;
    return this.path();
  }

  private peek(): string {
    return this.s[this.i] ?? '';
  }

  private base62(): number {
    // `_` = 0, otherwise digits then `_` meaning value + 1
    if (this.peek() === '_') {
      this.i++;
      return 0;
    }
    let n = 0;
    while (this.i < this.s.length && this.peek() !== '_') {
      const c = this.s.charCodeAt(this.i++);
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 122 ? c - 87 : c >= 65 && c <= 90 ? c - 29 : -1;
      if (d < 0) throw new Error('base62');
      n = n * 62 + d;
    }
    this.i++;
    return n + 1;
  }

  private disambiguator(): void {
    if (this.peek() === 's') {
      this.i++;
      this.base62();
    }
  }

  private ident(): string {
    this.disambiguator();
    if (this.peek() === 'u') throw new Error('punycode');
    let n = 0;
    const start = this.i;
    while (this.peek() >= '0' && this.peek() <= '9') n = n * 10 + (this.s.charCodeAt(this.i++) - 48);
    if (this.i === start) throw new Error('ident');
    if (this.peek() === '_') this.i++;
    const id = this.s.slice(this.i, this.i + n);
    this.i += n;
    return id;
  }

  private backref<T>(f: () => T): T {
    this.i++;
    const target = this.base62() + 2;
    if (target >= this.i || ++this.depth > 50) throw new Error('backref');
    const save = this.i;
    this.i = target;
    const v = f();
    this.i = save;
    this.depth--;
    return v;
  }

  private path(): string {
    const c = this.peek();
    switch (c) {
      case 'C': {
        this.i++;
        return this.ident();
      }
      case 'M': {
        this.i++;
        this.disambiguator();
        this.path();
        return `<${this.type()}>`;
      }
      case 'X': {
        this.i++;
        this.disambiguator();
        this.path();
        const self = this.type();
        const trait = this.path();
        return `<${self} as ${trait}>`;
      }
      case 'Y': {
        this.i++;
        const self = this.type();
        const trait = this.path();
        return `<${self} as ${trait}>`;
      }
      case 'N': {
        this.i++;
        const ns = this.s[this.i++];
        const parent = this.path();
        const id = this.ident();
        if (ns === 'C') return `${parent}::{closure${id ? `:${id}` : ''}}`;
        if (ns >= 'A' && ns <= 'Z') return `${parent}::{${ns === 'S' ? 'shim' : ns}${id ? `:${id}` : ''}}`;
        return id ? `${parent}::${id}` : parent;
      }
      case 'I': {
        this.i++;
        const p = this.path();
        const args: string[] = [];
        while (this.peek() !== 'E') args.push(this.genericArg());
        this.i++;
        return `${p}::<${args.join(', ')}>`;
      }
      case 'B':
        return this.backref(() => this.path());
      default:
        throw new Error('path');
    }
  }

  private genericArg(): string {
    if (this.peek() === 'L') {
      this.i++;
      this.base62();
      return "'_";
    }
    if (this.peek() === 'K') {
      this.i++;
      return this.constValue();
    }
    return this.type();
  }

  private constValue(): string {
    if (this.peek() === 'p') {
      this.i++;
      return '_';
    }
    if (this.peek() === 'B') return this.backref(() => this.constValue());
    this.type();
    let neg = false;
    if (this.peek() === 'n') {
      neg = true;
      this.i++;
    }
    const start = this.i;
    while (this.peek() !== '_' && this.i < this.s.length) this.i++;
    const hex = this.s.slice(start, this.i);
    this.i++;
    return (neg ? '-' : '') + (hex ? BigInt('0x' + hex).toString() : '0');
  }

  private static readonly BASIC: Record<string, string> = {
    a: 'i8', b: 'bool', c: 'char', d: 'f64', e: 'str', f: 'f32', h: 'u8', i: 'isize', j: 'usize',
    l: 'i32', m: 'u32', n: 'i128', o: 'u128', s: 'i16', t: 'u16', u: '()', v: '...', x: 'i64',
    y: 'u64', z: '!', p: '_',
  };

  private type(): string {
    const c = this.peek();
    const basic = RustV0.BASIC[c];
    if (basic) {
      this.i++;
      return basic;
    }
    switch (c) {
      case 'R':
      case 'Q': {
        this.i++;
        if (this.peek() === 'L') {
          this.i++;
          this.base62();
        }
        return `&${c === 'Q' ? 'mut ' : ''}${this.type()}`;
      }
      case 'P':
      case 'O':
        this.i++;
        return `*${c === 'P' ? 'const' : 'mut'} ${this.type()}`;
      case 'A': {
        this.i++;
        const t = this.type();
        return `[${t}; ${this.constValue()}]`;
      }
      case 'S':
        this.i++;
        return `[${this.type()}]`;
      case 'T': {
        this.i++;
        const ts: string[] = [];
        while (this.peek() !== 'E') ts.push(this.type());
        this.i++;
        return `(${ts.join(', ')}${ts.length === 1 ? ',' : ''})`;
      }
      case 'B':
        return this.backref(() => this.type());
      case 'F':
      case 'D':
        throw new Error('fn/dyn types');
      default:
        return this.path();
    }
  }
}
