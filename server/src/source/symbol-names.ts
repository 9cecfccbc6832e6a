// From a symbol as printed in a trace to the name its definition carries in C source.

/** What to look for in the tree for one printed symbol. */
export interface NameQuery {
  /** The symbol without compiler suffixes (`.isra.0`, `.constprop.0`, `.part.0`, `.cold`, `.llvm.123`). */
  name: string;
  /** For syscall wrappers (`__x64_sys_close`): the `SYSCALL_DEFINEn(close` name and whether it is COMPAT. */
  syscall?: { name: string; compat: boolean };
}

/** `foo.isra.0` -> `foo`; `foo.cold` -> `foo`. GCC/LLVM clone suffixes always start at the first dot. */
export function stripCloneSuffix(symbol: string): string {
  const dot = symbol.indexOf('.');
  return dot > 0 ? symbol.slice(0, dot) : symbol;
}

// __do_sys_X, __se_sys_X, __x64_sys_X, __ia32_sys_X, __arm64_sys_X, __riscv_sys_X, __s390x_sys_X,
// __powerpc_sys_X and their compat_ forms; plain sys_X / compat_sys_X on older kernels.
const SYSCALL_WRAPPER = /^(?:__(?:do|se|x64|ia32|x32|arm64|riscv|s390x|s390|powerpc|loongarch|mips)_)?(compat_)?sys_(\w+)$/;

export function nameQuery(symbol: string): NameQuery {
  const name = stripCloneSuffix(symbol.trim());
  const m = SYSCALL_WRAPPER.exec(name);
  if (m && m[2]) return { name, syscall: { name: m[2], compat: !!m[1] } };
  return { name };
}

/** True for a C identifier (what can be looked up at all). */
export function isIdentifier(s: string): boolean {
  return /^[A-Za-z_]\w*$/.test(s);
}
