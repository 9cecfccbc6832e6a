// The symbolizer service: chooses debug files from settings or by kernel release, keeps them open,
// and resolves model frames to symbol + inline chain. Never throws: every problem becomes an
// `error` or `warnings` entry of the resolution.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { CrashLog, Frame, Report } from '../model/types';
import type { Settings } from '../settings';
import type { SourceLocation } from './bytes';
import { DebugObject } from './debug-object';
import { UNKNOWN } from './dwarf/index';
import { discoverVmlinux, existingDirs, isPlausibleRelease, moduleDirCandidates, vmlinuxCandidates } from './discovery';
import { EM_AARCH64, EM_ARM, EM_X86_64, EM_386, machineName } from './elf';
import { parseBanner } from './elf-info';
import type { ElfSymbol } from './elf-symbols';
import { ModuleDirectory, isCompressedModule, normalizeModuleName, readCompressedModule } from './module-files';
import { contextOf, FrameResolution, hex, parseHex, ResolveContext, ResolvedFrame } from './resolution';
import type { SourceBackend } from './backends/backend';
import { createBackend } from './backends/create';
import { placeSessionFrame } from './session-addresses';

export interface SymbolServiceOptions {
  /** Workspace trust: when false, paths from settings are ignored (only standard places are used). */
  trusted?: () => boolean;
  /** Filesystem root for discovery (tests point it at a fake tree). */
  root?: string;
  log?: (message: string) => void;
  /** Shown while a debug file is read for the first time (symbol table, DWARF index). */
  progress?: (title: string) => { done(): void };
}

export interface SymbolStatus {
  state: 'none' | 'ok' | 'mismatch' | 'error';
  vmlinux?: string;
  text: string;
  tooltip?: string;
}

export interface Cancellation {
  readonly isCancellationRequested: boolean;
}

interface Opened {
  object?: DebugObject;
  error?: string;
  mtimeMs: number;
  size: number;
  /** When the file was last stat()ed: hovers within STAT_INTERVAL reuse the answer. */
  checkedAt?: number;
}

/** How long a stat() of a debug file (replaced? deleted?) or a directory listing is trusted. */
const STAT_INTERVAL_MS = 2000;
/** Resolutions kept for repeated hovers / decodes of the same frames. */
const RESOLUTION_CACHE = 20_000;

const machineArch: Record<number, string> = { [EM_X86_64]: 'x86_64', [EM_386]: 'i386', [EM_AARCH64]: 'arm64', [EM_ARM]: 'arm' };

export class SymbolService {
  private readonly objects = new Map<string, Opened>();
  private readonly moduleObjects = new Map<string, Promise<{ object?: DebugObject; error?: string }>>();
  private readonly dirs = new Map<string, ModuleDirectory>();
  private readonly verified = new Map<string, string[]>();
  private readonly resolutions = new Map<string, FrameResolution>();
  private readonly dirCache = new Map<string, { dirs: string[]; at: number }>();
  private readonly objectIds = new WeakMap<DebugObject, number>();
  private readonly warmed = new WeakSet<DebugObject>();
  private readonly separate = new WeakMap<DebugObject, DebugObject>();
  private nextObjectId = 1;
  private backend?: SourceBackend;
  private backendKind?: string;
  private lastStatus: SymbolStatus = { state: 'none', text: 'vmlinux: none' };

  constructor(private readonly settings: () => Settings, private readonly options: SymbolServiceOptions = {}) {}

  get status(): SymbolStatus { return this.lastStatus; }

  /** Resolve every frame of a report (in order); stops early when cancelled. */
  async resolveReport(report: Report, log?: CrashLog, token?: Cancellation): Promise<ResolvedFrame[]> {
    const ctx = contextOf(report, log);
    const out: ResolvedFrame[] = [];
    for (const frame of report.frames) {
      if (token?.isCancellationRequested) break;
      out.push({ frame, resolution: await this.resolveFrame(frame, ctx) });
    }
    return out;
  }

  async resolveFrame(frame: Frame, context: ResolveContext | Report = {}): Promise<FrameResolution> {
    const ctx: ResolveContext = 'frames' in context ? contextOf(context) : context;
    const returnAddress = !frame.exact;
    try {
      return await this.resolve(frame, ctx, returnAddress);
    } catch (e) {
      // ElfError/OutOfBoundsError already name the file and the problem; anything else is a corrupt file we did not foresee.
      const err = e as Error;
      const known = err.name === 'ElfError' || err.name === 'NotAFileError' || err.name === 'OutOfBoundsError' || err.name === 'DwarfError';
      return { returnAddress, inlines: [], warnings: [], error: known ? err.message : `corrupt or unsupported debug file: ${err.message}` };
    }
  }

  /** The vmlinux that would be used for a kernel release (settings first, then standard places). */
  vmlinuxPath(release?: string): string | undefined {
    const configured = this.trusted() ? this.settings().vmlinux.trim() : '';
    if (configured) return configured;
    return release ? discoverVmlinux(release, this.options.root) : undefined;
  }

  /** Open (or reuse) the vmlinux for a release, checking it against the report's banner; `status` says so for the status bar. */
  vmlinux(ctx: ResolveContext): { object?: DebugObject; error?: string; warnings: string[]; status: SymbolStatus } {
    const path = this.vmlinuxPath(ctx.release);
    if (!path) {
      // Untrusted: VS Code withholds the workspace's oopsLens.vmlinux (restrictedConfigurations), so
      // its absence here says nothing; the reason the user must hear is the trust.
      const error = !this.trusted()
        ? `the workspace is not trusted, so a vmlinux from its settings (oopsLens.vmlinux) is not used${ctx.release ? ` and none was found for ${ctx.release} in the standard places` : ''}; trust the workspace to use it`
        : ctx.release && !isPlausibleRelease(ctx.release)
        ? `no vmlinux configured (oopsLens.vmlinux), and the report's release ${JSON.stringify(ctx.release.slice(0, 80))} is not a kernel release name, so no standard place is searched`
        : ctx.release
        ? `no vmlinux configured (oopsLens.vmlinux) and none found for ${ctx.release} in ${vmlinuxCandidates(ctx.release, this.options.root).join(', ')}`
        : 'no vmlinux configured (oopsLens.vmlinux) and the report does not say its kernel release';
      return { error, warnings: [], status: this.setStatus({ state: 'none', text: 'vmlinux: none', tooltip: error }) };
    }
    const found = this.open(path);
    if (!found.object) {
      return { error: found.error, warnings: [], status: this.setStatus({ state: 'error', vmlinux: path, text: 'vmlinux: error', tooltip: found.error }) };
    }
    const object = this.withSeparateDebug(found.object);
    const warnings = this.verifyVmlinux(object, ctx);
    const status = this.setStatus(
      warnings.length
        ? { state: 'mismatch', vmlinux: path, text: 'vmlinux: mismatch', tooltip: `${path}\n${warnings.join('\n')}` }
        : { state: 'ok', vmlinux: path, text: `vmlinux: ${shortName(path)}`, tooltip: `${path}${object.banner ? '\n' + object.banner : ''}` },
    );
    return { object, warnings, status };
  }

  /** Find and open the debug file of a module; prefers files with DWARF. */
  module(name: string, ctx: ResolveContext): Promise<{ object?: DebugObject; error?: string }> {
    const key = `${normalizeModuleName(name)}\0${ctx.release ?? ''}\0${this.moduleDirs(ctx.release).join('\0')}`;
    let p = this.moduleObjects.get(key);
    if (!p) {
      p = this.findModule(name, ctx);
      this.moduleObjects.set(key, p);
    }
    return p;
  }

  /** Drop cached files (settings changed, files replaced). */
  reset(): void {
    for (const o of this.objects.values()) o.object?.close();
    this.objects.clear();
    this.moduleObjects.clear();
    this.dirs.clear();
    this.verified.clear();
    this.resolutions.clear();
    this.dirCache.clear();
    this.backend?.dispose();
    this.backend = undefined;
    this.backendKind = undefined;
  }

  dispose(): void {
    this.reset();
  }

  private trusted(): boolean {
    return this.options.trusted ? this.options.trusted() : true;
  }

  private setStatus(s: SymbolStatus): SymbolStatus {
    return (this.lastStatus = s);
  }

  private async resolve(frame: Frame, ctx: ResolveContext, returnAddress: boolean): Promise<FrameResolution> {
    const warnings: string[] = [];
    let object: DebugObject | undefined;
    if (frame.module) {
      const m = await this.module(frame.module, ctx);
      if (!m.object) return { module: frame.module, returnAddress, inlines: [], warnings, error: m.error };
      object = m.object;
      warnings.push(...this.verifyModule(object, frame.module, ctx));
    } else {
      const v = this.vmlinux(ctx);
      if (!v.object) return { returnAddress, inlines: [], warnings, error: v.error };
      object = v.object;
      warnings.push(...v.warnings);
    }
    if (!this.warmed.has(object)) {
      // The first lookup in a file reads its symbol table and DWARF unit index: say so.
      this.warmed.add(object);
      const p = this.options.progress?.(`Oops Lens: indexing ${object.path.split('/').pop()}`);
      try {
        return await this.resolve(frame, ctx, returnAddress);
      } finally {
        p?.done();
      }
    }
    const key = frame.source === 'crash-bt' ? undefined : this.cacheKey(object, frame, ctx);
    const hit = key !== undefined ? this.resolutions.get(key) : undefined;
    if (hit) return { ...hit, inlines: [...hit.inlines], warnings: [...hit.warnings] };
    const done = (r: FrameResolution): FrameResolution => {
      if (key === undefined) return r;
      if (this.resolutions.size >= RESOLUTION_CACHE) this.resolutions.delete(this.resolutions.keys().next().value as string);
      this.resolutions.set(key, { ...r, inlines: [...r.inlines], warnings: [...r.warnings] });
      return r;
    };
    let derivation: string | undefined;
    if (frame.source === 'crash-bt' && frame.offset === undefined && ctx.log) {
      const placed = placeSessionFrame(frame, ctx.log, object);
      if ('error' in placed) return { object: object.path, module: frame.module, returnAddress, inlines: [], warnings, error: placed.error };
      frame = placed.frame;
      derivation = placed.how;
    }
    if (frame.buildId && object.buildId && frame.buildId.toLowerCase() !== object.buildId)
      warnings.push(`build ID ${frame.buildId} printed, ${object.path} has ${object.buildId}: wrong debug file`);

    let sym: ElfSymbol | undefined;
    let duplicates = 0;
    let address: bigint | undefined;
    const fn = frame.function && !/^0x[0-9a-f]+$/i.test(frame.function) ? frame.function : '';
    if (fn) {
      const choice = object.symbols.choose(fn, frame.size, frame.offset);
      warnings.push(...choice.warnings.filter((w) => !w.startsWith('symbol ')));
      duplicates = choice.candidates.length;
      sym = choice.symbol;
      if (sym) address = sym.address + BigInt(frame.offset ?? 0);
    }
    if (address === undefined && frame.address && !object.relocatable) {
      const raw = parseHex(frame.address);
      if (raw !== undefined) {
        address = raw - (ctx.kernelOffset ?? 0n);
        sym = object.symbols.at(address);
        duplicates = sym ? object.symbols.byName(sym.name).length : 0;
        if (sym && fn && sym.name !== fn) warnings.push(`address ${frame.address} is in ${sym.name}, the report says ${fn}`);
      }
    }
    if (address === undefined) {
      const error = fn
        ? `${fn} not found in ${object.path}${object.symbols.size === 0 ? ' (no symbol table: stripped?)' : ''}`
        : 'frame has neither a known symbol nor an address';
      return done({ object: object.path, module: frame.module, returnAddress, inlines: [], warnings, error });
    }
    // Even at offset 0: arm64 prints return addresses with %pS, so a call to a noreturn function at the
    // very end of one function shows as `next_function+0x0` and the call site is in the previous one.
    const back = returnAddress ? returnDelta(object) : 0n;
    const lookupAddress = address - back;
    const looked = await this.lookupSource(object, lookupAddress, sym?.section);
    if (looked.warning) warnings.push(looked.warning);
    if (!looked.error) looked.inlines = nameUnknownFunction(looked.inlines, object.symbols.at(lookupAddress));
    const resolution: FrameResolution = {
      object: object.path,
      module: frame.module,
      address,
      lookupAddress,
      returnAddress,
      inlines: looked.inlines,
      warnings,
      error: looked.error,
      derivation,
    };
    if (sym) {
      resolution.symbol = {
        name: sym.name, section: sym.section, address: sym.address, value: sym.value,
        kallsymsSize: sym.kallsymsSize, elfSize: sym.elfSize, duplicates,
      };
      if (object.relocatable) resolution.sectionOffset = address - object.layout.base(sym.sectionIndex);
    }
    return looked.transient ? resolution : done(resolution);
  }

  /** Everything a resolution depends on besides the object's contents. */
  private cacheKey(object: DebugObject, frame: Frame, ctx: ResolveContext): string {
    let id = this.objectIds.get(object);
    if (id === undefined) this.objectIds.set(object, (id = this.nextObjectId++));
    return [
      id, this.settings().symbolizer, frame.function, frame.offset, frame.size, frame.exact, frame.address, frame.buildId, frame.module,
      ctx.kernelOffset, ctx.release, ctx.version, ctx.arch,
    ].join('\0');
  }

  private async lookupSource(object: DebugObject, address: bigint, section?: string): Promise<{ inlines: SourceLocation[]; error?: string; warning?: string; transient?: boolean }> {
    const backend = this.externalBackend();
    if (backend) {
      const r = await backend.lookup(object, address, section);
      // A tool that failed (not installed, crashed) may work after a settings change: do not cache that.
      if (r.error) return { ...r, transient: true };
      if (!r.unsupported) return r;
      const builtin = object.lookup(address);
      return { ...builtin, warning: r.unsupported };
    }
    return object.lookup(address);
  }

  private externalBackend(): SourceBackend | undefined {
    const kind = this.settings().symbolizer;
    if (kind === 'builtin' || !this.trusted()) return undefined;
    if (this.backendKind !== kind) {
      this.backend?.dispose();
      this.backend = createBackend(kind);
      this.backendKind = kind;
    }
    return this.backend;
  }

  private open(path: string): Opened {
    const cached0 = this.objects.get(path);
    if (cached0?.checkedAt !== undefined && Date.now() - cached0.checkedAt < STAT_INTERVAL_MS) return cached0;
    let st;
    try {
      st = statSync(path);
    } catch (e) {
      return { error: `${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, mtimeMs: 0, size: 0 };
    }
    if (!st.isFile()) return { error: `${path} is not a file`, mtimeMs: 0, size: 0 };
    const cached = this.objects.get(path);
    if (cached && cached.mtimeMs === st.mtimeMs && cached.size === st.size) {
      cached.checkedAt = Date.now();
      return cached;
    }
    cached?.object?.close();
    let opened: Opened;
    try {
      opened = { object: DebugObject.open(path), mtimeMs: st.mtimeMs, size: st.size, checkedAt: Date.now() };
      this.options.log?.(`opened ${path}`);
    } catch (e) {
      opened = { error: (e as Error).message, mtimeMs: st.mtimeMs, size: st.size };
    }
    this.objects.set(path, opened);
    return opened;
  }

  /**
   * A stripped file (no DWARF) whose build ID has a separate debug file in the standard place,
   * `/usr/lib/debug/.build-id/ab/cdef….debug`: that file instead (it has the symbols too).
   */
  private withSeparateDebug(object: DebugObject): DebugObject {
    if (this.separate.has(object)) return this.separate.get(object)!;
    let chosen = object;
    const id = safe(() => (object.sections.hasDwarf ? undefined : object.buildId));
    if (id && id.length > 2) {
      const path = join(this.options.root ?? '/', 'usr/lib/debug/.build-id', id.slice(0, 2), `${id.slice(2)}.debug`);
      const o = this.open(path).object;
      if (o && o.buildId === id && safe(() => o.sections.hasDwarf)) chosen = o;
    }
    this.separate.set(object, chosen);
    return chosen;
  }

  private moduleDirs(release?: string): string[] {
    const configured = this.trusted() ? this.settings().modulePaths.map((p) => p.trim()).filter(Boolean) : [];
    const key = release ?? '';
    let std = this.dirCache.get(key);
    if (!std || Date.now() - std.at > STAT_INTERVAL_MS) {
      std = { dirs: existingDirs(release ? moduleDirCandidates(release, this.options.root) : []), at: Date.now() };
      this.dirCache.set(key, std);
    }
    return [...configured, ...std.dirs];
  }

  private directory(root: string): ModuleDirectory {
    let d = this.dirs.get(root);
    if (!d) this.dirs.set(root, (d = new ModuleDirectory(root)));
    return d;
  }

  private async findModule(name: string, ctx: ResolveContext): Promise<{ object?: DebugObject; error?: string }> {
    const dirs = this.moduleDirs(ctx.release);
    if (dirs.length === 0) return { error: `module ${name}: no module directories (set oopsLens.modulePaths)` };
    const files = (await Promise.all(dirs.map((d) => this.directory(d).find(name)))).flat();
    const problems: string[] = [];
    let symbolsOnly: DebugObject | undefined;
    const tryFile = async (file: string): Promise<DebugObject | undefined> => {
      const o = await this.openModuleFile(file);
      if (!o.object) {
        problems.push(o.error ?? file);
        return undefined;
      }
      if (o.object.sections.hasDwarf) return o.object;
      symbolsOnly ??= o.object;
      return undefined;
    };
    for (const f of files) {
      const o = await tryFile(f);
      if (o) return { object: o };
    }
    if (!symbolsOnly) {
      // Renamed files: fall back to the `name=` of each module's .modinfo. Only in the user's own
      // directories: distribution trees name files after their modules, and reading thousands
      // of .modinfo sections there on every unknown module would stall the hover.
      const own = this.trusted() ? this.settings().modulePaths.map((p) => p.trim()) : [];
      for (const d of dirs.filter((x) => own.includes(x)))
        for (const p of await this.directory(d).findByModinfo(name)) {
          if (files.includes(p)) continue;
          const r = await tryFile(p);
          if (r) return { object: r };
        }
    }
    if (symbolsOnly) return { object: this.withSeparateDebug(symbolsOnly) };
    return { error: `module ${name}: no debug file found in ${dirs.join(', ')}${problems.length ? ` (${problems.join('; ')})` : ''}` };
  }

  private async openModuleFile(path: string): Promise<{ object?: DebugObject; error?: string }> {
    if (!isCompressedModule(path)) {
      const o = this.open(path);
      return o;
    }
    const cached = this.objects.get(path);
    if (cached) return cached;
    let opened: Opened;
    try {
      const data = await readCompressedModule(path);
      opened = { object: DebugObject.fromBuffer(path, data), mtimeMs: 0, size: data.length };
    } catch (e) {
      opened = { error: `${path}: ${(e as Error).message}`, mtimeMs: 0, size: 0 };
    }
    this.objects.set(path, opened);
    return opened;
  }

  private verifyVmlinux(object: DebugObject, ctx: ResolveContext): string[] {
    const key = `${object.path}\0${ctx.release ?? ''}\0${ctx.version ?? ''}\0${ctx.arch ?? ''}`;
    let w = this.verified.get(key);
    if (!w) {
      w = [];
      const arch = machineArch[object.elf.machine];
      if (ctx.arch && ctx.arch !== 'unknown' && arch && ctx.arch !== arch)
        w.push(`${object.path} is ${machineName(object.elf.machine)}, the report is ${ctx.arch}`);
      const banner = safe(() => object.banner);
      const parsed = banner ? parseBanner(banner) : undefined;
      if (parsed && ctx.release && parsed.release !== ctx.release)
        w.push(`${object.path} is ${parsed.release}, the report is ${ctx.release}: wrong vmlinux`);
      else if (parsed?.version && ctx.version && !versionMatches(ctx.version, parsed.version))
        w.push(`${object.path} is ${parsed.release} ${parsed.version}, the report is ${ctx.version}: different build`);
      if (object.sections.hasDwarf === false) w.push(`${object.path} has no DWARF: only symbols can be shown`);
      this.verified.set(key, w);
    }
    return w;
  }

  private verifyModule(object: DebugObject, name: string, ctx: ResolveContext): string[] {
    const key = `${object.path}\0${ctx.release ?? ''}`;
    let w = this.verified.get(key);
    if (!w) {
      w = [];
      const vermagic = safe(() => object.modinfo.vermagic);
      const release = vermagic?.split(/\s+/)[0];
      if (release && ctx.release && release !== ctx.release) w.push(`module ${name}: ${object.path} was built for ${release}, the report is ${ctx.release}`);
      this.verified.set(key, w);
    }
    return w;
  }
}

/**
 * Where DWARF knows no function (assembler code, alignment padding after a function) addr2line
 * names the ELF symbol containing the address, with `??:0` when there is no line either; so do we.
 */
export function nameUnknownFunction(chain: SourceLocation[], sym: ElfSymbol | undefined): SourceLocation[] {
  if (!sym) return chain;
  if (chain.length === 0) return [{ function: sym.name, file: UNKNOWN, line: 0 }];
  const outer = chain[chain.length - 1];
  if (outer.function !== UNKNOWN && outer.function) return chain;
  return [...chain.slice(0, -1), { ...outer, function: sym.name }];
}

/** Return addresses are looked up inside the call instruction. */
function returnDelta(object: DebugObject): bigint {
  return object.elf.machine === EM_AARCH64 || object.elf.machine === EM_ARM ? 4n : 1n;
}

/**
 * The report prints `#1 Debian 6.1.192-2` (or the whole utsname version); the banner has
 * `#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2025-10-31)`. Every word of the report must be in it.
 */
export function versionMatches(report: string, banner: string): boolean {
  const words = new Set(banner.replace(/[()]/g, ' ').split(/\s+/).filter(Boolean));
  return report
    .replace(/\([^)]*\)/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => words.has(w));
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

function shortName(path: string): string {
  return path.split('/').pop() ?? path;
}

export { hex };
