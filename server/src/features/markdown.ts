// Markdown for hovers built from untrusted log text: escape prose, fence code spans safely.

/** Escape text that is shown as Markdown prose (never inside a code span). */
export function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]<>#|!~@]/g, (c) => '\\' + c); // `@`: no e-mail autolink (mailto:)
}

/** An inline code span holding `s` verbatim (backslashes are literal inside code spans). */
export function code(s: string): string {
  const flat = s.replace(/[\r\n]+/g, ' ');
  const ticks = flat.match(/`+/g);
  const fence = '`'.repeat(ticks ? Math.max(...ticks.map((t) => t.length)) + 1 : 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}
