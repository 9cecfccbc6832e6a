// TEMPORARY stub by the lead so the parser builds; the titles helper replaces this file whole.
import type { LogLine } from './types';
import type { HeaderMatch } from './headers';

export interface TitleResult {
  type: string;
  title: string;
  altTitles: string[];
  guiltyFrame?: string;
  guiltyLine?: number;
  corrupted: boolean;
  corruptedReason?: string;
}

export function titleReport(lines: LogLine[], reportLines: number[], header: HeaderMatch, headerLine: number): TitleResult {
  void header;
  const title = lines[headerLine].text.trim().slice(0, 120);
  for (const n of reportLines) {
    const m = /^\s*(?:RIP: \w{4}:|pc : )?([A-Za-z_][\w.]*)\+0x/.exec(lines[n].text);
    if (m) return { type: 'UNKNOWN', title, altTitles: [], guiltyFrame: m[1], guiltyLine: n, corrupted: false };
  }
  return { type: 'UNKNOWN', title, altTitles: [], corrupted: false };
}
