// What a kernel commit message says about itself: trailers, the commits it fixes,
// and — for stable backports — which upstream commit it is a copy of.

export interface Trailer {
  key: string;
  value: string;
}

export interface FixesRef {
  /** Abbreviated or full sha as written. */
  sha: string;
  /** `("subject")` as written, if any. */
  subject?: string;
}

export interface MessageFacts {
  trailers: Trailer[];
  fixes: FixesRef[];
  /** `Cc: stable@vger.kernel.org` (any form). */
  stable: boolean;
  /** `Reported-by: syzbot...` / `Reported-and-tested-by: syzbot...`. */
  syzbot: boolean;
  /** Full shas this commit says it was copied from (`commit X upstream`, cherry-pick lines). */
  upstream: string[];
}

const TRAILER = /^([A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*):[ \t]+(\S.*)$/;
const KNOWN_TRAILERS = new Set([
  'fixes', 'cc', 'reported-by', 'reported-and-tested-by', 'tested-by', 'reviewed-by', 'acked-by',
  'signed-off-by', 'suggested-by', 'co-developed-by', 'link', 'closes', 'stable-dep-of', 'bisected-by',
]);
const UPSTREAM_PATTERNS = [
  /\bcommit ([0-9a-f]{40}) upstream\b/gi,
  /\[\s*Upstream commit ([0-9a-f]{40})\s*\]/gi,
  /\(cherry picked from commit ([0-9a-f]{40})\)/gi,
  /^\s*Upstream commit:? ([0-9a-f]{40})\b/gim,
];

export function parseMessage(message: string): MessageFacts {
  const trailers: Trailer[] = [];
  const fixes: FixesRef[] = [];
  let stable = false;
  let syzbot = false;
  for (const raw of message.split('\n')) {
    const line = raw.trim();
    const m = TRAILER.exec(line);
    if (!m || !KNOWN_TRAILERS.has(m[1].toLowerCase())) continue;
    const key = m[1];
    const value = m[2].trim();
    trailers.push({ key, value });
    const k = key.toLowerCase();
    if (k === 'fixes') {
      const f = /^([0-9a-f]{7,40})\b\s*(?:\(\s*"(.*)"\s*\)|\((.*)\))?/i.exec(value);
      if (f) fixes.push({ sha: f[1].toLowerCase(), subject: f[2] || f[3] || undefined });
    } else if (k === 'cc' && /\bstable@(?:vger\.)?kernel\.org\b/i.test(value)) stable = true;
    else if ((k === 'reported-by' || k === 'reported-and-tested-by') && /syzbot|syzkaller/i.test(value)) syzbot = true;
  }
  const upstream = new Set<string>();
  for (const re of UPSTREAM_PATTERNS) for (const m of message.matchAll(re)) upstream.add(m[1].toLowerCase());
  return { trailers, fixes, stable, syzbot, upstream: [...upstream] };
}

/** syzbot dedup addresses `syzbot+0fb18a8d3ef8c4f2c2a4@syzkaller.appspotmail.com` in a text. */
/** Also from dashboard links (`syzkaller.appspot.com/bug?extid=<hash>`), which name the same bug. */
export function syzbotAddresses(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/\bsyzbot\+([0-9a-f]{8,40})@syzkaller\.appspotmail\.com\b/gi)) out.add(m[0].toLowerCase());
  for (const m of text.matchAll(/\bsyzkaller\.appspot\.com\/bug\?extid=([0-9a-f]{8,40})\b/gi)) out.add(`syzbot+${m[1].toLowerCase()}@syzkaller.appspotmail.com`);
  return [...out];
}

/** The bug hash of a syzbot address: commits cite it as `syzbot+<hash>@` or in a `bug?extid=<hash>` link. */
export function syzbotHash(address: string): string | undefined {
  return /^syzbot\+([0-9a-f]{8,40})@/i.exec(address)?.[1].toLowerCase();
}

/** The message without its trailer lines: what the author wrote, not what `Fixes: ("subject")` quotes. */
export function prose(message: string): string {
  return message
    .split('\n')
    .filter((l) => {
      const m = TRAILER.exec(l.trim());
      return !(m && KNOWN_TRAILERS.has(m[1].toLowerCase()));
    })
    .join('\n');
}
