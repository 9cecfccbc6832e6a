// Text from a log shown inside generated Markdown (hovers): every character that could start
// emphasis, a link, an autolink, raw HTML or a code span is backslash-escaped, so a hostile log
// line can neither inject a `command:` link nor break out of the surrounding formatting.
export function mdText(s: string): string {
  return s.replace(/[\\`*_{}[\]()<>#|!~@]/g, (c) => '\\' + c);
}

/** An inline code span holding `s` verbatim: the fence is longer than any backtick run inside. */
export function mdCode(s: string): string {
  const flat = s.replace(/[\r\n]+/g, ' ');
  const ticks = flat.match(/`+/g);
  const fence = '`'.repeat(ticks ? Math.max(...ticks.map((t) => t.length)) + 1 : 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}
