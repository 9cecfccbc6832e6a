// llvm-symbolizer as a persistent process per debug file, JSON output.
import type { SourceLocation } from '../bytes';
import type { DebugObject } from '../debug-object';
import type { BackendAnswer, SourceBackend } from './backend';
import { LineProcess, unsafeArgument } from './line-process';

interface JsonFrame { FunctionName?: string; FileName?: string; Line?: number; Column?: number }

export class LlvmSymbolizerBackend implements SourceBackend {
  readonly name = 'llvm-symbolizer';
  private readonly processes = new Map<string, LineProcess>();

  constructor(private readonly command = 'llvm-symbolizer') {}

  async lookup(object: DebugObject, address: bigint): Promise<BackendAnswer> {
    if (object.relocatable)
      return { inlines: [], unsupported: `llvm-symbolizer cannot resolve section-relative addresses of ${object.path}; used the built-in engine` };
    const refused = unsafeArgument(object.path, 'debug file path');
    if (refused) return { inlines: [], error: refused };
    let p = this.processes.get(object.path);
    if (!p) {
      p = new LineProcess(this.command, ['--inlining', '--functions=linkage', '--output-style=JSON', `--obj=${object.path}`]);
      this.processes.set(object.path, p);
    }
    try {
      const [line] = await p.ask('0x' + address.toString(16), () => true);
      return { inlines: parseLlvmJson(line) };
    } catch (e) {
      return { inlines: [], error: (e as Error).message };
    }
  }

  dispose(): void {
    for (const p of this.processes.values()) p.dispose();
    this.processes.clear();
  }
}

export function parseLlvmJson(line: string): SourceLocation[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return [];
  }
  const entry = Array.isArray(parsed) ? parsed[0] : parsed;
  const frames = (entry as { Symbol?: JsonFrame[] } | undefined)?.Symbol ?? [];
  const out: SourceLocation[] = [];
  for (const f of frames) {
    if (!f.FunctionName || f.FunctionName === '??' || !f.FileName) continue;
    const loc: SourceLocation = { function: f.FunctionName, file: f.FileName, line: f.Line ?? 0 };
    if (f.Column) loc.column = f.Column;
    out.push(loc);
  }
  return out;
}
