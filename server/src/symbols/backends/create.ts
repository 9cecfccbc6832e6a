import type { SourceBackend } from './backend';
import { Addr2lineBackend } from './addr2line';
import { LlvmSymbolizerBackend } from './llvm-symbolizer';

export function createBackend(kind: 'llvm-symbolizer' | 'addr2line'): SourceBackend {
  return kind === 'addr2line' ? new Addr2lineBackend() : new LlvmSymbolizerBackend();
}
