// Minimal model frames for symbolizer tests (the parser has its own tests).
import type { Frame } from '../../../server/src/model/types';

export function frame(fn: string, offset: number | undefined, size: number | undefined, opts: Partial<Frame> = {}): Frame {
  const span = { line: 0, start: 0, end: fn.length };
  return { span, nameSpan: span, function: fn, offset, size, unreliable: false, exact: false, source: 'trace', ...opts };
}

/** `evalcrash_write+0x76/0xc0 [evalcrash]` */
export function parseFrameText(text: string, exact: boolean): Frame {
  const m = /([\w.$]+)\+0x([0-9a-f]+)\/0x([0-9a-f]+)(?: \[(\w+)\])?/.exec(text);
  if (!m) throw new Error(`not a frame: ${text}`);
  return frame(m[1], parseInt(m[2], 16), parseInt(m[3], 16), { module: m[4], exact });
}
