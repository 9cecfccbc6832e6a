// Optional external symbolizers behind one interface (the built-in DWARF index is the default).
import type { SourceLocation } from '../bytes';
import type { DebugObject } from '../debug-object';

export interface BackendAnswer {
  inlines: SourceLocation[];
  error?: string;
  /** Set when this backend cannot answer for this object (the caller falls back to the built-in engine). */
  unsupported?: string;
}

export interface SourceBackend {
  readonly name: string;
  /** Inline chain at `address` of `object`; `section` is the symbol's section (for relocatable objects). */
  lookup(object: DebugObject, address: bigint, section?: string): Promise<BackendAnswer>;
  dispose(): void;
}
