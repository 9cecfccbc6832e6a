// Which git revision a crashing kernel was built from, as far as its release string tells.
// Private to fixes/ until the shared mapping in source/ exists (see the issue-6 report).
import type { KernelInfo } from '../model/types';

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

const MONTHS: Record<string, string> = {
  Jan: '01', Feb: '02', Mar: '03', Apr: '04', May: '05', Jun: '06',
  Jul: '07', Aug: '08', Sep: '09', Oct: '10', Nov: '11', Dec: '12',
};

/** `6.1.0-56-amd64` + `#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2025-03-01)` -> v6.1.192, v6.1. */
export function kernelRevision(info: KernelInfo | undefined): KernelRevision | undefined {
  const release = info?.release?.trim();
  if (!release) return undefined;
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-rc(\d+))?/.exec(release);
  if (!m) return undefined;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  let patch = m[3] !== undefined ? Number(m[3]) : 0;
  const fourth = m[4] !== undefined ? Number(m[4]) : undefined;
  const rc = m[5] !== undefined ? Number(m[5]) : /-rc(\d+)/.exec(release) ? Number(/-rc(\d+)/.exec(release)![1]) : undefined;
  const version = info?.version ?? '';
  const out: KernelRevision = { tags: [] };

  // Debian and derivatives print the upstream stable version in the version string.
  const deb = /\bDebian (\d+)\.(\d+)\.(\d+)/.exec(version);
  if (deb && Number(deb[1]) === major && Number(deb[2]) === minor) patch = Math.max(patch, Number(deb[3]));

  const sha = /-g([0-9a-f]{7,40})\b/.exec(release);
  if (sha) out.commit = sha[1];

  if (/\.el\d|\.fc\d|-Ubuntu|-generic|-azure|-aws|-gcp|\.amzn|-oracle|\.uek|-suse|-default$/.test(release + ' ' + version))
    out.distro = /\.el(\d+)/.exec(release)?.[0].slice(1) ?? (/Ubuntu|-generic/.test(release + version) ? 'ubuntu' : 'vendor');

  if (major === 2 && minor === 6) {
    // 2.6.x era: v2.6.32 is the mainline release, v2.6.32.27 the stable one.
    out.mainline = `v2.6.${patch}`;
    if (rc !== undefined) out.mainline += `-rc${rc}`;
    else {
      out.stablePrefix = `v2.6.${patch}.`;
      if (fourth) out.tags.push(`v2.6.${patch}.${fourth}`);
    }
    out.tags.push(out.mainline);
  } else if (rc !== undefined && patch === 0) {
    out.mainline = `v${major}.${minor}-rc${rc}`;
    out.tags.push(out.mainline);
  } else {
    out.mainline = `v${major}.${minor}`;
    out.stablePrefix = `v${major}.${minor}.`;
    if (patch > 0) out.tags.push(`v${major}.${minor}.${patch}`);
    out.tags.push(out.mainline);
  }

  const iso = /\((\d{4}-\d{2}-\d{2})\)/.exec(version);
  const classic = /\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+(\d{1,2})\s+[\d:]+\s+(?:[A-Z]{2,5}\s+)?(\d{4})\b/.exec(version);
  if (iso) out.buildDate = iso[1];
  else if (classic) out.buildDate = `${classic[3]}-${MONTHS[classic[1]]}-${classic[2].padStart(2, '0')}`;
  return out;
}

/** Numeric sort key of a stable tag inside its line (`v6.1.192` -> 192), or -1. */
export function stableNumber(tag: string, prefix: string): number {
  if (!tag.startsWith(prefix)) return -1;
  const rest = tag.slice(prefix.length);
  return /^\d+$/.test(rest) ? Number(rest) : -1;
}
