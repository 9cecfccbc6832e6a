// Without a clone: links that search where kernel fixes are discussed and merged.
// Nothing is fetched here; the user's browser opens a link when they click it.
import { expandTemplate } from '../source/web-url';

export interface SearchLink {
  title: string;
  url: string;
}

export interface SearchInput {
  /** Function as it appears in source (already stripped of .isra/.cold). */
  function?: string;
  /** Tree-relative path of the function's file. */
  file?: string;
  /** Report title. */
  title?: string;
  /** syzbot+<hash>@syzkaller.appspotmail.com addresses printed with the report. */
  syzbotAddresses?: string[];
  /** Stable line of the crashing kernel (`6.1`), for the stable tree log. */
  stableLine?: string;
}

const LORE = 'https://lore.kernel.org/all/?q=';
const TORVALDS = 'https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git';
const STABLE = 'https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git';

const q = encodeURIComponent;
const ident = (s: string | undefined) => (s && /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? s : undefined);
const path = (s: string | undefined) => (s && /^[A-Za-z0-9_][A-Za-z0-9_./+-]*$/.test(s) && !s.includes('..') ? s : undefined);
/** lore (Xapian) phrase: quotes inside the title would end the phrase. */
const phrase = (s: string) => `"${s.replace(/"/g, ' ').replace(/\s+/g, ' ').trim()}"`;

export function searchLinks(input: SearchInput): SearchLink[] {
  const links: SearchLink[] = [];
  const fn = ident(input.function);
  const file = path(input.file);
  const title = input.title?.trim();
  if (fn) links.push({ title: `lore: patches changing ${fn}()`, url: `${LORE}${q(`dfhh:${fn}`)}` });
  if (fn && file) links.push({ title: `lore: patches to ${file} changing ${fn}()`, url: `${LORE}${q(`dfn:${file} AND dfhh:${fn}`)}` });
  else if (file) links.push({ title: `lore: patches to ${file}`, url: `${LORE}${q(`dfn:${file}`)}` });
  if (title) links.push({ title: `lore: discussions of "${title}"`, url: `${LORE}${q(phrase(title))}` });
  for (const a of input.syzbotAddresses ?? []) {
    const m = /^syzbot\+([0-9a-f]+)@/i.exec(a);
    if (m) links.push({ title: `syzbot: bug ${m[1]}`, url: `https://syzkaller.appspot.com/bug?extid=${m[1].toLowerCase()}` });
  }
  // The dashboard has no search; its reports are archived on lore's syzkaller-bugs list, by subject.
  if (title) links.push({ title: `syzbot reports titled "${title}"`, url: `https://lore.kernel.org/syzkaller-bugs/?q=${q(`s:${phrase(title)}`)}` });
  if (fn) links.push({ title: `git.kernel.org: mainline commits naming ${fn}`, url: `${TORVALDS}/log/?qt=grep&q=${q(fn)}` });
  if (file) links.push({ title: `git.kernel.org: mainline history of ${file}`, url: `${TORVALDS}/log/${file.split('/').map(q).join('/')}` });
  const line = input.stableLine && /^\d+\.\d+$/.test(input.stableLine) ? input.stableLine : undefined;
  if (fn && line) links.push({ title: `git.kernel.org: linux-${line}.y commits naming ${fn}`, url: `${STABLE}/log/?h=linux-${line}.y&qt=grep&q=${q(fn)}` });
  return links;
}

/** The commit page from the `oopsLens.web.commitUrl` template (`${sha}`). */
export function commitUrl(template: string, sha: string): string | undefined {
  if (!/^[0-9a-f]{7,40}$/i.test(sha)) return undefined;
  const url = expandTemplate(template, { sha });
  return url && /^https?:\/\//.test(url) ? url : undefined;
}
