// What the crashing kernel already has: Fixes: targets it carries, and stable backports
// (`commit X upstream`, cherry-pick lines) of candidate commits before or after its release.
import { parseMessage, type MessageFacts } from './commit-message';
import { wordPattern, type SourceFunction } from './function-locator';
import { LOG_FORMAT, parseLog, type LogEntry } from './git-log';
import { stableNumber } from './kernel-version';
import type { Base } from './base-revision';
import { git, revParse, type Run } from './run';
import type { FixCommit, FixesTarget } from './types';

/** What resolveTargets needs of a candidate: the Fixes: lines of its message. */
export interface WithFacts {
  facts?: MessageFacts;
}

export /** Full sha, whether it changed the function, and whether the crashing kernel has it — per Fixes: target. */
async function resolveTargets(
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

export /** Marks commits the crashing kernel already has through stable backports, and where the others landed in its line. */
async function containment(run: Run, commits: FixCommit[], base: Base): Promise<void> {
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
  const scan = async (range: string): Promise<LogEntry[]> => {
    const out: LogEntry[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      const greps = ids.slice(i, i + 100).map((s) => `--grep=${s.slice(0, 12)}`);
      const r = await git(run, ['log', '-F', ...greps, LOG_FORMAT, range], { maxBytes: 16 * 1024 * 1024 });
      out.push(...parseLog(r.stdout));
    }
    return out;
  };
  const copiesOf = (e: LogEntry): string[] => {
    const facts = parseMessage(e.message);
    const found = new Set(facts.upstream);
    // Some backports cite the upstream commit abbreviated: `commit 0123456789ab upstream`.
    for (const m of e.message.matchAll(/\b(?:commit|cherry picked from commit)\s+([0-9a-f]{12,40})\b/gi))
      for (const id of ids) if (id.startsWith(m[1].toLowerCase())) found.add(id);
    return [...found].filter((id) => byUpstream.has(id));
  };
  // In the crashing kernel: stable commits between the mainline release and the crashing tag.
  if (base.exact && base.name !== base.mainline) {
    for (const e of await scan(`${base.mainline}..${base.sha}`))
      for (const id of copiesOf(e)) byUpstream.get(id)!.contained = { state: 'contained', via: base.name!, backport: e.sha };
  }
  // After it: the release of the line that got the fix (upgrade advice).
  const laterBackports = new Map<string, string>();
  if (lineTip !== base.name) {
    for (const e of await scan(`${base.sha}..${lineTip}`))
      for (const id of copiesOf(e)) if (byUpstream.get(id)!.contained.state !== 'contained') laterBackports.set(id, e.sha);
  }
  for (const c of commits) if (c.upstreamOf && c.contained.state !== 'contained') laterBackports.set(c.upstreamOf, c.sha);
  for (const [id, bp] of laterBackports) {
    const c = byUpstream.get(id)!;
    const d = await git(run, ['describe', '--contains', `--match=${base.prefix}*`, bp], { okCodes: [128] });
    const tag = d.code === 0 ? d.stdout.trim().replace(/[~^].*$/, '') : undefined;
    if (c.contained.state === 'unknown') continue;
    c.contained = { state: 'missing', backport: bp, laterIn: tag && stableNumber(tag, base.prefix) >= 0 ? tag : undefined };
  }
}
