// What the crashing kernel already has: Fixes: targets it carries, and stable backports
// (`commit X upstream`, cherry-pick lines) of candidate commits before or after its release.
import { parseMessage, type MessageFacts } from './commit-message';
import { wordPattern, type SourceFunction } from './function-locator';
import { stableNumber } from './kernel-version';
import type { Base } from './base-revision';
import { git, revParse, type Run } from './run';
import type { FixCommit, FixesTarget } from './types';

/** What resolveTargets needs of a candidate: the Fixes: lines of its message. */
export interface WithFacts {
  facts?: MessageFacts;
}

/** Full sha, whether it changed the function, and whether the crashing kernel has it — per Fixes: target. */
export async function resolveTargets(
  run: Run,
  cands: WithFacts[],
  fn: SourceFunction,
  before: Set<string>,
  after: Set<string>,
  baseRev: string,
  haveBase: boolean,
): Promise<Map<string, Omit<FixesTarget, 'sha' | 'subject'>>> {
  const out = new Map<string, Omit<FixesTarget, 'sha' | 'subject'>>();
  const abbrevs = [...new Set(cands.flatMap((c) => (c.facts?.fixes ?? []).map((f) => f.sha)))].slice(0, 80);
  const unknown: string[] = [];
  for (const a of abbrevs) {
    const known = [...before].find((s) => s.startsWith(a)) ?? [...after].find((s) => s.startsWith(a));
    if (known) out.set(a, { full: known, touchedFunction: true, inCrashingKernel: haveBase ? before.has(known) : undefined });
    else unknown.push(a);
  }
  const fulls = new Map<string, string>();
  for (const a of unknown) {
    const full = await revParse(run, a).catch(() => undefined);
    if (full) fulls.set(a, full);
  }
  if (fulls.size) {
    // Does the named commit change the function? Its hunk headers and changed lines say.
    const r = await git(run, ['show', '-U0', '--no-ext-diff', '--no-textconv', '--format=%x1e%H', ...new Set(fulls.values())], { maxBytes: 32 * 1024 * 1024 });
    const touched = new Set<string>();
    const word = new RegExp(fn.syscall ? `SYSCALL_DEFINE\\d\\(${fn.name}\\b` : wordPattern(fn.name));
    for (const rec of r.stdout.split('\x1e')) {
      const sha = rec.slice(0, 40);
      for (const line of rec.split('\n')) {
        const hunk = /^@@ [^@]*@@(.*)$/.exec(line);
        const changed = /^[+-](?![+-]{2} )/.test(line);
        if ((hunk && word.test(hunk[1])) || (changed && word.test(line.slice(1)))) {
          touched.add(sha);
          break;
        }
      }
    }
    for (const [a, full] of fulls) {
      let inKernel: boolean | undefined;
      if (haveBase) {
        const anc = await git(run, ['merge-base', '--is-ancestor', full, baseRev], { okCodes: [1] });
        inKernel = anc.code === 0;
      }
      out.set(a, { full, touchedFunction: touched.has(full), inCrashingKernel: inKernel });
    }
  }
  return out;
}

/** Marks commits the crashing kernel already has through stable backports, and where the others landed in its line. */
export async function containment(run: Run, commits: FixCommit[], base: Base): Promise<void> {
  if (!commits.length) return;
  if (base.distro) {
    for (const c of commits)
      c.contained = { state: 'unknown', reason: `a ${base.distro} kernel carries vendor backports the clone cannot see` };
    run.notes.push(`Distribution kernel (${base.distro}): fixes listed may already be backported by the vendor; check its changelog.`);
    return;
  }
  if (!base.sha) {
    for (const c of commits) c.contained = { state: 'unknown', reason: 'the clone has no tag for the crashing version' };
    return;
  }
  if (!base.exact) {
    for (const c of commits) c.contained = { state: 'unknown', reason: `the clone has no tag for the exact stable release; searched after ${base.name}` };
  }
  if (!base.prefix || !base.lineTags.length || !base.mainline) return;
  const lineTip = base.lineTags[base.lineTags.length - 1];
  const byUpstream = new Map<string, FixCommit>();
  for (const c of commits) byUpstream.set(c.upstreamOf ?? c.sha, c);
  const ids = [...byUpstream.keys()];
  const copiesOf = (message: string): string[] => {
    const found = new Set(parseMessage(message).upstream);
    // Some backports cite the upstream commit abbreviated: `commit 0123456789ab upstream`.
    for (const m of message.matchAll(/\b(?:commit|cherry picked from commit)\s+([0-9a-f]{12,40})\b/gi))
      for (const id of ids) if (id.startsWith(m[1].toLowerCase())) found.add(id);
    return [...found].filter((id) => byUpstream.has(id));
  };
  // In the crashing kernel: stable commits between the mainline release and the crashing tag.
  // One plain walk read in full is faster than asking git to grep it for every candidate.
  if (base.exact && base.name !== base.mainline) {
    for (const e of await stableWalk(run, `${base.mainline}..${base.sha}`))
      for (const id of copiesOf(e.message)) byUpstream.get(id)!.contained = { state: 'contained', via: base.name!, backport: e.sha };
  }
  // After it: the first release of the line with the fix (upgrade advice).
  const later = new Map<string, { sha: string; tag?: string }>();
  if (lineTip !== base.name) {
    for (const e of await stableWalk(run, `${base.sha}..${lineTip}`, base.prefix)) {
      for (const id of copiesOf(e.message)) if (byUpstream.get(id)!.contained.state !== 'contained' && !later.has(id)) later.set(id, e);
      const own = commits.find((c) => c.sha === e.sha);
      if (own?.upstreamOf && !later.has(own.upstreamOf)) later.set(own.upstreamOf, e);
    }
  }
  for (const [id, bp] of later) {
    const c = byUpstream.get(id)!;
    if (c.contained.state === 'unknown') continue;
    c.contained = { state: 'missing', backport: bp.sha, laterIn: bp.tag };
  }
}

/**
 * Commits of a stable range, oldest first, with their messages; with `tagPrefix`, each also gets the
 * first release tag of the line at or after it (stable branches are linear, tags sit on `Linux x.y.z`).
 */
async function stableWalk(run: Run, range: string, tagPrefix?: string): Promise<{ sha: string; message: string; tag?: string }[]> {
  const args = ['log', '--reverse', '--topo-order', '--format=%x1e%H%x1f%D%x1f%B', range];
  if (tagPrefix) args.splice(1, 0, `--decorate-refs=refs/tags/${tagPrefix}*`);
  const r = await git(run, args, { maxBytes: 256 * 1024 * 1024 });
  const out: { sha: string; message: string; tag?: string }[] = [];
  let pending: { sha: string; message: string; tag?: string }[] = [];
  for (const rec of r.stdout.split('\x1e')) {
    const [sha, deco, ...msg] = rec.split('\x1f');
    if (!/^[0-9a-f]{40}$/.test(sha ?? '')) continue;
    const e = { sha, message: msg.join('\x1f') };
    out.push(e);
    pending.push(e);
    const tags = (deco ?? '').split(', ').map((d) => d.replace(/^tag: /, '').trim()).filter((t) => tagPrefix && stableNumber(t, tagPrefix) >= 0);
    if (tags.length) {
      for (const p of pending) p.tag = tags[0];
      pending = [];
    }
  }
  return out;
}
