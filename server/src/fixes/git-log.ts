// One machine-readable `git log` record format and its parser.

/** Record separator \x1e, field separator \x1f: neither occurs in commit metadata. */
export const LOG_FORMAT = '--format=%x1e%H%x1f%P%x1f%aN%x1f%aI%x1f%s%x1f%B';
/** Same without the body, for the big searches where only identity matters. */
export const LOG_FORMAT_SHORT = '--format=%x1e%H%x1f%P%x1f%aN%x1f%aI%x1f%s%x1f';

export interface LogEntry {
  sha: string;
  parents: string[];
  author: string;
  /** Author date, ISO 8601. */
  date: string;
  subject: string;
  /** Full message (subject + body); empty for LOG_FORMAT_SHORT. */
  message: string;
}

export function parseLog(out: string): LogEntry[] {
  const entries: LogEntry[] = [];
  for (const rec of out.split('\x1e')) {
    if (!rec.trim()) continue;
    const f = rec.split('\x1f');
    if (f.length < 6 || !/^[0-9a-f]{40}/.test(f[0])) continue;
    entries.push({
      sha: f[0].trim(),
      parents: f[1].trim() ? f[1].trim().split(' ') : [],
      author: f[2],
      date: f[3],
      subject: f[4],
      message: f.slice(5).join('\x1f').replace(/\n+$/, ''),
    });
  }
  return entries;
}
