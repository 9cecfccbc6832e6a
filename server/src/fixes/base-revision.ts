// The crashing kernel as a revision of the clone: exact stable tag, mainline fallback, syzbot commit,
// or only a build date; plus the stable line's tags, which tell what a later release fixed.
import { kernelRevision, stableNumber } from './kernel-version';
import { git, revParse, type Run } from './run';
import type { FixQuery } from './types';

export interface Base {
  name?: string;
  sha?: string;
  /** Stable line tag prefix (`v6.1.`) and its tags present in the clone, ascending. */
  prefix?: string;
  lineTags: string[];
  mainline?: string;
  exact: boolean;
  distro?: string;
  since?: string;
  /** Committer date of the base, ISO. */
  date?: string;
}

export async function resolveBase(run: Run, q: FixQuery): Promise<Base> {
  // An explicit `v6.1.3` base names its stable line as well as a release would.
  const tagged = !q.kernel && q.baseRef ? /^v(\d+\.\d+(?:\.\d+)*(?:-rc\d+)?)$/.exec(q.baseRef.trim()) : null;
  const rev = kernelRevision(tagged ? { release: tagged[1] } : q.kernel);
  const base: Base = { lineTags: [], exact: false, distro: rev?.distro, mainline: rev?.mainline, prefix: rev?.stablePrefix };
  if (rev?.stablePrefix || rev?.mainline) {
    const refs = [rev.mainline && `refs/tags/${rev.mainline}`, rev.stablePrefix && `refs/tags/${rev.stablePrefix}*`].filter(Boolean) as string[];
    const out = await git(run, ['for-each-ref', '--format=%(refname:short)', ...refs]);
    const tags = out.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
    if (rev.stablePrefix) base.lineTags = tags.filter((t) => stableNumber(t, rev.stablePrefix!) >= 0).sort((a, b) => stableNumber(a, rev.stablePrefix!) - stableNumber(b, rev.stablePrefix!));
    if (rev.mainline && tags.includes(rev.mainline)) base.mainline = rev.mainline;
    else if (rev.mainline) base.mainline = (await revParse(run, rev.mainline)) ? rev.mainline : undefined;
  }
  if (q.baseRef) {
    base.sha = await revParse(run, q.baseRef);
    if (!base.sha) throw new Error(`the clone has no revision ${q.baseRef}`);
    base.name = q.baseRef;
    base.exact = true;
    return base;
  }
  if (rev?.commit) {
    const sha = await revParse(run, rev.commit).catch(() => undefined);
    if (sha) return { ...base, name: rev.commit, sha, exact: true };
  }
  for (const tag of rev?.tags ?? []) {
    const sha = await revParse(run, tag);
    if (!sha) continue;
    base.name = tag;
    base.sha = sha;
    base.exact = tag === rev!.tags[0];
    if (!base.exact)
      run.notes.push(`The clone has no tag ${rev!.tags[0]}; searching after ${tag}. Fetch the stable tags to tell which fixes ${rev!.tags[0]} already has.`);
    return base;
  }
  if (rev?.buildDate) {
    base.since = rev.buildDate;
    run.notes.push(`No tag for ${q.kernel?.release ?? 'the crashing kernel'} in the clone; searching commits after its build date ${rev.buildDate}.`);
    return base;
  }
  throw new Error(
    q.kernel?.release
      ? `cannot find the crashing version ${q.kernel.release} in the clone (no tag ${rev?.tags.join(' / ') || '?'}); set the base revision or fetch tags`
      : 'the report does not say which kernel version crashed; set the base revision',
  );
}
