// A finder result as Markdown, for the read-only summary document and the CLI.
import type { FixCommit, FixResult } from './types';
import { commitUrl } from './web-search';

export function shortSha(sha: string): string {
  return sha.slice(0, 12);
}

export function containmentLabel(c: FixCommit): string {
  const k = c.contained;
  if (k.state === 'contained') return `already in ${k.via}${k.backport ? ` (stable backport ${shortSha(k.backport)})` : ''}`;
  if (k.state === 'unknown') return `maybe already in the crashing kernel: ${k.reason}`;
  return k.laterIn ? `missing; backported in ${k.laterIn}` : 'missing from the crashing kernel';
}

export function renderFixReport(r: FixResult, commitUrlTemplate?: string): string {
  const out: string[] = [];
  out.push(`# Upstream commits for ${r.function}()`, '');
  const where = r.file ? (r.tipFile && r.tipFile !== r.file ? `${r.file} (now ${r.tipFile})` : r.file) : 'file unknown';
  out.push(`- function: \`${r.function}\` in ${where}`);
  out.push(`- crashing version: ${r.base ?? 'unknown'}${r.baseSha ? ` (${shortSha(r.baseSha)})` : ''}`);
  out.push(`- searched up to: ${r.upstream} (${shortSha(r.upstreamSha)}), ${r.total} candidate(s), ${r.elapsedMs} ms`);
  for (const n of r.notes) out.push(`- note: ${n}`);
  out.push('');
  if (!r.commits.length) out.push('No commit after the crashing version changed, fixed or mentions this function.');
  r.commits.forEach((c, i) => {
    const url = commitUrlTemplate ? commitUrl(commitUrlTemplate, c.sha) : undefined;
    out.push(`## ${i + 1}. ${shortSha(c.sha)} ${c.subject}`, '');
    out.push(`- ${containmentLabel(c)}`);
    out.push(`- ${c.date.slice(0, 10)}, ${c.author}`);
    for (const why of c.reasons) out.push(`- ${why}`);
    for (const t of c.trailers.filter((t) => /^(Fixes|Cc|Reported-by|Reported-and-tested-by|Link|Closes)$/i.test(t.key))) out.push(`- \`${t.key}: ${t.value}\``);
    if (url) out.push(`- ${url}`);
    out.push('');
  });
  return out.join('\n');
}
