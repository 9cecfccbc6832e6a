// Text from a log shown inside generated Markdown (hovers): every character that could start
// emphasis, a link, an autolink, raw HTML or a code span is backslash-escaped, so a hostile log
// line can neither inject a `command:` link nor break out of the surrounding formatting.
export function mdText(s: string): string {
  return s.replace(/[\\`*_{}[\]()<>#|!~@]/g, (c) => '\\' + c);
}
