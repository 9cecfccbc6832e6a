/** Random-access bytes: a file region (positioned reads + block cache) or an in-memory buffer. */
export interface ByteSource { readonly size: number; read(offset: number, length: number): Uint8Array; }
/** The DWARF-relevant sections of one object, already decompressed and (for ET_REL) relocated. */
export interface DwarfSections { get(name: string): ByteSource | undefined; readonly littleEndian: boolean; readonly addressSize: 4 | 8; }
export interface SourceLocation { function: string; file: string; line: number; column?: number; }
