/** Malformed, unsupported or hostile DWARF. Lookups catch nothing: callers decide how to report it. */
export class DwarfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DwarfError';
  }
}
