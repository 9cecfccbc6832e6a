// What a kernel's release (`uname -r`: 6.1.0-56-amd64) and version (`#1 SMP ... Debian 6.1.192-2`)
// strings say, as plain facts. Pure. The callers decide what the facts mean: version.ts picks the tag a
// web source browser shows, fixes/kernel-version.ts the git revisions the fix finder walks.

export interface Upstream {
  major: number;
  minor: number;
  patch: number;
  /** 4th component of 2.6.x.y stable releases. */
  sub?: number;
  rc?: number;
}

/** `v6.1`, `v6.1.76`, `v6.8-rc3`, `v2.6.32.71`: the upstream tag naming (x.y.0 has no `.0`). */
export function upstreamTag(u: Upstream): string {
  let t = `v${u.major}.${u.minor}`;
  if (u.major === 2 && u.minor === 6) {
    t += `.${u.patch}`;
    if (u.sub) t += `.${u.sub}`;
  } else if (u.patch > 0 && u.rc === undefined) t += `.${u.patch}`;
  if (u.rc !== undefined) t += `-rc${u.rc}`;
  return t;
}

/** The leading `X.Y[.Z[.W]][-rcN]` of a release or version; `rest` is what follows (`-56-amd64`). */
export function parseUpstream(s: string): { u: Upstream; rest: string } | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-rc(\d+))?/.exec(s);
  if (!m) return undefined;
  const u: Upstream = { major: +m[1], minor: +m[2], patch: m[3] ? +m[3] : 0 };
  if (m[4]) u.sub = +m[4];
  if (m[5]) u.rc = +m[5];
  return { u, rest: s.slice(m[0].length) };
}

/** A `-rcN` later in a release suffix (`-foo-rc3`), when the numbers did not carry it. */
export function laterRc(rest: string): number | undefined {
  const m = /-rc(\d+)/.exec(rest);
  return m ? Number(m[1]) : undefined;
}

/** Debian prints the upstream version of its package: `#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)`. */
export function debianUpstream(version: string): { text: string; u: Upstream } | undefined {
  const m = /\bDebian (\d+\.\d+(?:\.\d+)?(?:-rc\d+)?)[-~+ )]/.exec(version + ' ');
  return m ? { text: m[1], u: parseUpstream(m[1])!.u } : undefined;
}

/** Ubuntu's version_signature: `Ubuntu 5.15.0-91.101-generic 5.15.131` names the stable base last. */
export function ubuntuUpstream(version: string): { text: string; u: Upstream } | undefined {
  const m = /\bUbuntu \d+\.\d+\.\d+-\S+ (\d+\.\d+\.\d+)\b/.exec(version);
  return m ? { text: m[1], u: parseUpstream(m[1])!.u } : undefined;
}

/** A `git describe` suffix: `-00123-gdeadbeef1234` (commits after the tag as printed, commit), or a bare `-g<sha>`. */
export function describedCommit(rest: string): { commit: string; after?: string } | undefined {
  const m = /-(?:(\d+)-)?g([0-9a-f]{7,40})\b/.exec(rest);
  if (!m) return undefined;
  return m[1] !== undefined ? { commit: m[2], after: m[1] } : { commit: m[2] };
}

/**
 * Distribution kernels that carry backports no upstream tag shows: `el7` (RHEL and clones), `ubuntu`,
 * or `vendor` (Fedora, Amazon, Oracle, SUSE, cloud flavours); undefined for upstream-looking releases.
 */
export function backportingDistro(release: string, version = ''): string | undefined {
  if (!/\.el\d|\.fc\d|-Ubuntu|-generic|-azure|-aws|-gcp|\.amzn|-oracle|\.uek|-suse|-default$/.test(release + ' ' + version)) return undefined;
  return /\.el(\d+)/.exec(release)?.[0].slice(1) ?? (/Ubuntu|-generic/.test(release + version) ? 'ubuntu' : 'vendor');
}

const MONTHS: Record<string, string> = {
  Jan: '01', Feb: '02', Mar: '03', Apr: '04', May: '05', Jun: '06',
  Jul: '07', Aug: '08', Sep: '09', Oct: '10', Nov: '11', Dec: '12',
};

/** Build date, ISO `YYYY-MM-DD`, from `... (2025-03-01)` or `#1 SMP Thu Nov 19 22:10:57 UTC 2015`. */
export function buildDate(version: string): string | undefined {
  const iso = /\((\d{4}-\d{2}-\d{2})\)/.exec(version);
  if (iso) return iso[1];
  const classic = /\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+(\d{1,2})\s+[\d:]+\s+(?:[A-Z]{2,5}\s+)?(\d{4})\b/.exec(version);
  return classic ? `${classic[3]}-${MONTHS[classic[1]]}-${classic[2].padStart(2, '0')}` : undefined;
}
