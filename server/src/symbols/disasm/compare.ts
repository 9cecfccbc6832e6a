// "Compare with vmlinux": the dumped bytes next to the same range read from the debug file. Equal
// bytes mean the report matches this build; differences at relocation sites of a module, at function
// entries (ftrace `call __fentry__` vs the runtime nop) or at alternatives/static keys are runtime
// patching; differences everywhere mean a different build.

export interface ReferenceBytes {
  /** Bytes of the debug file covering dump[start .. start + bytes.length) (the section may end before the dump). */
  bytes: Uint8Array;
  start: number;
  /** Offsets (relative to the dump start) patched by module relocations at load time. */
  relocated: ReadonlySet<number>;
  /** Where they came from, for the heading: `vmlinux`, `evalcrash.ko`, `.text+0x1234`. */
  source: string;
}

export interface ByteComparison {
  compared: number;
  equal: number;
  /** Differences not explained by relocations. */
  differing: number[];
  /** Differences at relocation sites (expected). */
  relocatedDiffering: number[];
  verdict: 'match' | 'patched' | 'different-build' | 'no-bytes';
}

export function compareBytes(dumped: Uint8Array, ref: ReferenceBytes): ByteComparison {
  const end = Math.min(dumped.length, ref.start + ref.bytes.length);
  const n = Math.max(0, end - ref.start);
  const differing: number[] = [];
  const relocatedDiffering: number[] = [];
  let equal = 0;
  for (let i = ref.start; i < end; i++) {
    if (dumped[i] === ref.bytes[i - ref.start]) equal++;
    else if (ref.relocated.has(i)) relocatedDiffering.push(i);
    else differing.push(i);
  }
  const verdict: ByteComparison['verdict'] = n === 0 ? 'no-bytes'
    : differing.length === 0 ? 'match'
      : differing.length <= Math.max(8, n / 8) ? 'patched' : 'different-build';
  return { compared: n, equal, differing, relocatedDiffering, verdict };
}

const hx = (b: number) => b.toString(16).padStart(2, '0');

/** Markdown: verdict, then both byte rows in 16-byte chunks with `^^` under differences. */
export function renderComparison(dumped: Uint8Array, trapOffset: number, ref: ReferenceBytes, cmp: ByteComparison): string {
  const verdicts: Record<ByteComparison['verdict'], string> = {
    match: `**The dump matches ${ref.source}**: ${cmp.equal} of ${cmp.compared} bytes equal${cmp.relocatedDiffering.length ? ` (the other ${cmp.relocatedDiffering.length} are module relocations filled in at load time)` : ''}. This debug file is the right build for the report.`,
    patched: `**Mostly equal** (${cmp.equal}/${cmp.compared} bytes): ${cmp.differing.length} byte(s) differ outside relocations — runtime code patching (ftrace \`call __fentry__\` ↔ \`nop\`, alternatives, static keys/jump labels, paravirt) rather than another build.`,
    'different-build': `**The bytes differ** (${cmp.equal}/${cmp.compared} equal): ${ref.source} is probably not the build that crashed (different version, config or compiler), so its symbols and lines may not apply.`,
    'no-bytes': `**No bytes to compare**: ${ref.source} holds nothing at these addresses.`,
  };
  const rows: string[] = [];
  const fileByte = (i: number) => (i >= ref.start && i < ref.start + ref.bytes.length ? ref.bytes[i - ref.start] : undefined);
  for (let start = 0; start < dumped.length; start += 16) {
    const end = Math.min(dumped.length, start + 16);
    const cell = (v: number | undefined, i: number) => (v === undefined ? ' .. ' : i === trapOffset ? `<${hx(v)}>` : ` ${hx(v)} `);
    let a = 'dump   ';
    let b = 'file   ';
    let m = '       ';
    for (let i = start; i < end; i++) {
      const f = fileByte(i);
      a += cell(dumped[i], i);
      b += cell(f, i);
      m += f === undefined || dumped[i] === f ? '    ' : ref.relocated.has(i) ? ' rr ' : ' ^^ ';
    }
    rows.push(a.trimEnd(), b.trimEnd());
    if (m.trim()) rows.push(m.trimEnd());
    rows.push('');
  }
  const legend = '`^^` differs, `rr` differs at a relocation site, `<..>` trapping byte, `..` outside the section in the file';
  return [`**Compare with ${ref.source}**`, '', verdicts[cmp.verdict], '', '```', ...rows.slice(0, -1), '```', legend].join('\n');
}
