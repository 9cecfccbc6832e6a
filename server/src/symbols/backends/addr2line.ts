// GNU addr2line as a persistent process per (debug file, section). For relocatable modules
// `-j SECTION` makes addresses section offsets, which is how binutils reads a .ko.
import type { SourceLocation } from '../bytes';
import type { DebugObject } from '../debug-object';
import type { BackendAnswer, SourceBackend } from './backend';
import { LineProcess, unsafeArgument } from './line-process';
import { EM_386, EM_AARCH64, EM_ARM, EM_X86_64 } from '../elf';

const HOST_MACHINE = ({ x64: EM_X86_64, ia32: EM_386, arm64: EM_AARCH64, arm: EM_ARM } as Record<string, number>)[process.arch] ?? -1;

/** An address no object maps: its answer marks the end of the previous one. */
const SENTINEL = '0xfffffffffffffff0';

export class Addr2lineBackend implements SourceBackend {
  readonly name = 'addr2line';
  private readonly processes = new Map<string, LineProcess>();

  constructor(private readonly command = 'addr2line') {}

  async lookup(object: DebugObject, address: bigint, section?: string): Promise<BackendAnswer> {
    let query = address;
    const args = ['-a', '-f', '-i', '-p', '-e', object.path];
    if (object.relocatable) {
      // A host addr2line applies only its own architecture's relocations (an arm64 .ko on x86 comes out wrong).
      if (object.elf.machine !== HOST_MACHINE)
        return { inlines: [], unsupported: `addr2line cannot relocate ${object.elf.machineName} module ${object.path} on this ${process.arch} host; used the built-in engine` };
      const at = object.layout.sectionAt(address);
      if (!at) return { inlines: [], error: `0x${address.toString(16)} is in no section of ${object.path}` };
      args.push('-j', at.section.name);
      query = at.offset;
      section = at.section.name;
    }
    const refused = unsafeArgument(object.path, 'debug file path') ?? (object.relocatable && section ? unsafeArgument(section, 'section name') : undefined);
    if (refused) return { inlines: [], error: refused };
    const key = `${object.path}\0${object.relocatable ? section : ''}`;
    let p = this.processes.get(key);
    if (!p) this.processes.set(key, (p = new LineProcess(this.command, args)));
    try {
      const lines = await p.ask(`0x${query.toString(16)}\n${SENTINEL}`, (line) => line.startsWith(SENTINEL) || line.startsWith('0x' + SENTINEL.slice(2).padStart(16, '0')));
      return { inlines: parseAddr2linePretty(lines.slice(0, -1)) };
    } catch (e) {
      return { inlines: [], error: (e as Error).message };
    }
  }

  dispose(): void {
    for (const p of this.processes.values()) p.dispose();
    this.processes.clear();
  }
}

/** `0x...: f at a.c:12 (discriminator 1)` / ` (inlined by) g at b.c:3` -> chain, innermost first. */
export function parseAddr2linePretty(lines: string[]): SourceLocation[] {
  const out: SourceLocation[] = [];
  for (const raw of lines) {
    const line = raw.replace(/^0x[0-9a-f]+: /i, '').replace(/^\s*\(inlined by\)\s*/, '');
    const m = /^(.*) at (.*):(\d+|\?)(?: \(discriminator \d+\))?$/.exec(line.trim());
    if (!m || (m[1] === '??' && m[2] === '??')) continue;
    out.push({ function: m[1], file: m[2], line: m[3] === '?' ? 0 : Number(m[3]) });
  }
  return out;
}
