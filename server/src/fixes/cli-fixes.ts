// `oops-lens fixes`: the fix finder from the command line, on the first (or chosen) report of a log.
import type { CrashLog, Report } from '../model/types';
import { syzbotAddresses } from './commit-message';
import { findFixes } from './finder';
import { sourceFunction } from './function-locator';
import { kernelRevision } from './kernel-version';
import { renderFixReport } from './render';
import { searchLinks } from './web-search';

export const FIXES_USAGE = `  oops-lens fixes [--repo DIR] [--function F] [--file PATH] [--base REV] [--upstream REV]
                  [--report N] [--json] FILE|-
                                      upstream commits that changed/fixed the crashing function
                                      after the crashing version (search links without --repo)
`;

export interface FixesCliDeps {
  parse(text: string): CrashLog;
  readInput(file: string | undefined): string;
  write(text: string): void;
  commitUrl: string;
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value`);
  args.splice(i, 2);
  return v;
}

function headerFile(r: Report): string | undefined {
  return / at ((?:[\w.+-]+\/)+[\w.+-]+\.[chS]):\d+/.exec(r.headerText)?.[1];
}

export async function runFixes(argv: string[], deps: FixesCliDeps): Promise<number> {
  const args = [...argv];
  const json = args.includes('--json');
  if (json) args.splice(args.indexOf('--json'), 1);
  const repo = option(args, '--repo');
  const fnArg = option(args, '--function');
  const fileArg = option(args, '--file');
  const base = option(args, '--base');
  const upstream = option(args, '--upstream');
  const index = Number(option(args, '--report') ?? '1') - 1;
  const text = deps.readInput(args[0]);
  const log = deps.parse(text);
  const report = log.reports[index];
  const guilty = report?.guilty ?? report?.frames.find((f) => f.function === report.guiltyFrame);
  const symbol = fnArg ?? report?.guiltyFrame;
  if (!symbol) throw new Error('no report with a guilty function in the input; pass --function');
  const fn = sourceFunction(symbol);
  if (!fn) throw new Error(`not a C function name: ${symbol}`);
  // The header's `at f.c:N` is the file of the function that trapped (RIP/pc), not of a guilty caller.
  const trapped = report?.frames.find((f) => f.source === 'rip' || f.source === 'pc');
  const file = fileArg ?? (fnArg ? undefined : guilty?.file ?? (report && trapped && trapped.function === symbol ? headerFile(report) : undefined));
  const kernel = report?.kernel.release ? report.kernel : log.banner;
  const title = report && !report.corrupted && !fnArg ? report.title : undefined;
  const syz = syzbotAddresses(text);

  if (!repo) {
    const line = /^v(\d+\.\d+)\.$/.exec(kernelRevision(kernel)?.stablePrefix ?? '')?.[1];
    const links = searchLinks({ function: fn.syscall ? undefined : fn.name, file, title, syzbotAddresses: syz, stableLine: line });
    deps.write(json ? JSON.stringify({ links }, null, 2) + '\n' : links.map((l) => `${l.title}\n  ${l.url}\n`).join(''));
    return 0;
  }
  const result = await findFixes({
    repo,
    function: fn.symbol,
    file,
    module: guilty?.module,
    title,
    kernel,
    baseRef: base,
    upstreamRef: upstream,
    syzbotAddresses: syz,
  });
  deps.write(json ? JSON.stringify(result, null, 2) + '\n' : renderFixReport(result, deps.commitUrl) + '\n');
  return 0;
}
