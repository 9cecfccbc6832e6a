// Loads syntaxes/oops.tmLanguage.json into vscode-textmate (the engine VS Code uses) so tests
// can look at the scopes of real lines. vscode-textmate and vscode-oniguruma come with
// vscode-tmgrammar-test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

export const REPO = join(__dirname, '..', '..', '..');
export const GRAMMAR_PATH = join(REPO, 'syntaxes', 'oops.tmLanguage.json');

export interface Token {
  text: string;
  start: number;
  scopes: string[];
}

let grammarPromise: Promise<vsctm.IGrammar> | undefined;

export function loadGrammar(): Promise<vsctm.IGrammar> {
  grammarPromise ??= (async () => {
    const wasm = readFileSync(join(REPO, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s: string) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName: string) =>
        scopeName === 'source.oops' ? vsctm.parseRawGrammar(readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH) : null,
    });
    const grammar = await registry.loadGrammar('source.oops');
    if (!grammar) throw new Error('grammar source.oops did not load');
    return grammar;
  })();
  return grammarPromise;
}

/** Tokenizes `text` line by line, carrying the rule stack like the editor does. */
export function tokenizeLines(grammar: vsctm.IGrammar, lines: string[]): Token[][] {
  let stack = vsctm.INITIAL;
  return lines.map((line) => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), start: t.startIndex, scopes: t.scopes }));
  });
}

/** The scopes of the token covering `column` of a tokenized line. */
export function scopesAt(tokens: Token[], column: number): string[] {
  const t = tokens.find((x) => column >= x.start && column < x.start + x.text.length);
  return t ? t.scopes : [];
}
