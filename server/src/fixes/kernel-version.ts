// Which git revision a crashing kernel was built from, as far as its release string tells.
// The strings are parsed by source/kernel-version.ts; this module turns the facts into git revisions.
import type { KernelInfo } from '../model/types';
import { backportingDistro, buildDate, debianUpstream, describedCommit, laterRc, parseUpstream, upstreamTag } from '../source/kernel-version';

export interface KernelRevision {
  /** Tags to try, most specific first: `v6.1.192`, then `v6.1`. */
  tags: string[];
  /** The mainline release the stable line branched from: `v6.1`, `v6.2-rc3`, `v2.6.32`. */
  mainline?: string;
  /** Stable line tags look like `${stablePrefix}N` (`v6.1.`); absent for -rc kernels. */
  stablePrefix?: string;
  /** Exact commit from a `-g<sha>` release suffix (syzbot, `make` with LOCALVERSION_AUTO). */
  commit?: string;
  /** Distribution kernels carry backports no tag shows (el7, Ubuntu): containment is only a hint. */
  distro?: string;
  /** Build date from the `#1 SMP ... 2015` version string, ISO `YYYY-MM-DD`. */
  buildDate?: string;
}

/** `6.1.0-56-amd64` + `#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2025-03-01)` -> v6.1.192, v6.1. */
export function kernelRevision(info: KernelInfo | undefined): KernelRevision | undefined {
  const release = info?.release?.trim();
  if (!release) return undefined;
  const parsed = parseUpstream(release);
  if (!parsed) return undefined;
  const { major, minor, sub: fourth } = parsed.u;
  let patch = parsed.u.patch;
  const rc = parsed.u.rc ?? laterRc(parsed.rest);
  const version = info?.version ?? '';
  const out: KernelRevision = { tags: [] };

  // Debian and derivatives print the upstream stable version in the version string.
  const deb = debianUpstream(version)?.u;
  if (deb && deb.major === major && deb.minor === minor) patch = Math.max(patch, deb.patch);

  const commit = describedCommit(parsed.rest)?.commit;
  if (commit) out.commit = commit;
  const distro = backportingDistro(release, version);
  if (distro) out.distro = distro;

  if (major === 2 && minor === 6) {
    // 2.6.x era: v2.6.32 is the mainline release, v2.6.32.27 the stable one.
    out.mainline = upstreamTag({ major, minor, patch, rc });
    if (rc === undefined) {
      out.stablePrefix = `v2.6.${patch}.`;
      if (fourth) out.tags.push(upstreamTag({ major, minor, patch, sub: fourth }));
    }
    out.tags.push(out.mainline);
  } else if (rc !== undefined && patch === 0) {
    out.mainline = upstreamTag({ major, minor, patch, rc });
    out.tags.push(out.mainline);
  } else {
    out.mainline = upstreamTag({ major, minor, patch: 0 });
    out.stablePrefix = `${out.mainline}.`;
    if (patch > 0) out.tags.push(upstreamTag({ major, minor, patch }));
    out.tags.push(out.mainline);
  }

  const date = buildDate(version);
  if (date) out.buildDate = date;
  return out;
}

/** Numeric sort key of a stable tag inside its line (`v6.1.192` -> 192), or -1. */
export function stableNumber(tag: string, prefix: string): number {
  if (!tag.startsWith(prefix)) return -1;
  const rest = tag.slice(prefix.length);
  return /^\d+$/.test(rest) ? Number(rest) : -1;
}
