// Definitions in assembler sources (.S): SYM_FUNC_START(name), SYM_CODE_START(name),
// SYM_INNER_LABEL(name, ...), ENTRY(name), GLOBAL(name), or a `name:` label at the start of a line.
import type { DefinitionHit } from './c-functions';

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function findAsmDefinitions(text: string, name: string): DefinitionHit[] {
  const n = escapeRe(name);
  const re = new RegExp(`^[ \\t]*(?:(?:SYM_[A-Z_]+|ENTRY|GLOBAL|WEAK|ENTRY_CFI)\\(\\s*(${n})\\s*[,)]|(${n}):)`, 'gm');
  const out: DefinitionHit[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const line = m[0];
    if (/\bSYM_\w*END\w*\(|\bEND\(/.test(line)) continue;
    const row = text.slice(0, m.index).split('\n').length - 1;
    const column = m[0].lastIndexOf(name);
    out.push({ startRow: row, endRow: row, bodyRow: row, signature: line.trim(), name, row, column, kind: 'asm' });
  }
  return out;
}
