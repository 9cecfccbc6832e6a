// crash(8) transcripts: commands and their output. (First slice: commands only.)
import type { CrashCommand, CrashSession, LogLine } from './types';

const PROMPT = /^((?:crash(?:-[\w.]+)?|gdb)> )(.*)$/;

export function isCrashTranscript(lines: LogLine[]): boolean {
  const limit = Math.min(lines.length, 5000);
  for (let i = 0; i < limit; i++) if (PROMPT.test(lines[i].raw)) return true;
  return false;
}

export function parseCrashSession(lines: LogLine[]): CrashSession {
  const commands: CrashCommand[] = [];
  for (const l of lines) {
    const m = PROMPT.exec(l.raw);
    if (!m) continue;
    const prev = commands[commands.length - 1];
    if (prev) prev.outputEnd = l.line - 1;
    commands.push({
      prompt: m[1],
      command: m[2].trim(),
      span: { line: l.line, start: m[1].length, end: l.raw.length },
      line: l.line,
      outputStart: l.line + 1,
      outputEnd: lines.length - 1,
    });
  }
  return { commands, sys: {}, frames: [], modules: {} };
}
