// The `oops-lens` command line over the same core as the language server.
import { readFileSync } from 'node:fs';
import { parseCrashLog } from './model/parser';
import type { Frame, Report } from './model/types';
import { runDecode } from './symbols/decode';
import { SymbolService } from './symbols/service';
import { defaultSettings, resolveSettingPaths } from './settings';
import { FIXES_USAGE, runFixes } from './fixes/cli-fixes';

const USAGE = `usage:
  oops-lens parse [--json] FILE|-     parse a kernel log / crash report / crash(8) session
  oops-lens decode [--json] --vmlinux V [--modules DIR]... FILE|-
                                      annotate every frame with file:line and inline chain
  oops-lens lsp --stdio               run the language server on stdin/stdout
${FIXES_USAGE}`;

function readInput(file: string | undefined): string {
  if (!file) throw new Error('missing FILE (use - for standard input)');
  return readFileSync(file === '-' ? 0 : file, 'utf8');
}

export function frameJson(f: Frame) {
  return {
    logLine: f.span.line + 1,
    function: f.function,
    offset: f.offset ?? null,
    size: f.size ?? null,
    module: f.module ?? null,
    buildId: f.buildId ?? null,
    unreliable: f.unreliable,
    exact: f.exact,
    source: f.source,
    address: f.address ?? null,
    file: f.file ?? null,
    line: f.fileLine ?? null,
    inline: f.inline ?? false,
  };
}

export function reportJson(r: Report) {
  return {
    title: r.title,
    altTitles: r.altTitles,
    type: r.type,
    kind: r.kind,
    guiltyFrame: r.guiltyFrame ?? null,
    corrupted: r.corrupted,
    corruptedReason: r.corruptedReason ?? null,
    headerLine: r.header.line + 1,
    startLine: r.startLine + 1,
    endLine: r.endLine + 1,
    arch: r.arch,
    cpu: r.cpu ?? null,
    pid: r.pid ?? null,
    comm: r.comm ?? null,
    kernel: { release: r.kernel.release ?? null, version: r.kernel.version ?? null },
    taint: r.taint?.letters ?? null,
    hardware: r.hardware ?? null,
    kernelOffset: r.kernelOffset ?? null,
    modules: r.modules?.names ?? [],
    registers: Object.fromEntries(r.registers.map((x) => [x.name, x.value])),
    code: r.code ? { bytes: r.code.bytes, trapIndex: r.code.trapIndex, unit: r.code.unit } : null,
    stacks: r.stacks.map((s) => ({ kind: s.kind, label: s.label, startLine: s.startLine + 1, frames: s.frames.length })),
    frames: r.frames.map(frameJson),
  };
}

function cmdParse(args: string[]): number {
  const json = args.includes('--json');
  const file = args.filter((a) => a !== '--json')[0];
  const log = parseCrashLog(readInput(file));
  if (json) {
    const out = {
      reports: log.reports.map(reportJson),
      dumps: log.dumps.map((d) => ({ title: d.title, startLine: d.startLine + 1, endLine: d.endLine + 1, frames: d.frames.map(frameJson) })),
      session: log.session ? { commands: log.session.commands.map((c) => ({ line: c.line + 1, command: c.command })) } : null,
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } else {
    if (log.reports.length === 0) process.stdout.write('no crash report found\n');
    for (const r of log.reports) {
      process.stdout.write(`${r.header.line + 1}: ${r.title}${r.corrupted ? ' (corrupted)' : ''}\n`);
      if (r.guiltyFrame) process.stdout.write(`    guilty: ${r.guiltyFrame}\n`);
    }
  }
  return 0;
}

/** Subcommands; other modules add theirs here (e.g. `decode`). */
export const commands: Record<string, (args: string[]) => number | Promise<number>> = {
  parse: cmdParse,
  decode: (args) =>
    runDecode(args, {
      parse: parseCrashLog, reportJson, frameJson, readInput, write: (t) => process.stdout.write(t),
      createService: (vmlinux, modulePaths) => {
        const settings = resolveSettingPaths({ ...defaultSettings, vmlinux, modulePaths }, undefined);
        return new SymbolService(() => settings);
      },
    }),
  fixes: (args) =>
    runFixes(args, { parse: parseCrashLog, readInput, write: (t) => process.stdout.write(t), commitUrl: defaultSettings.web.commitUrl }),
  lsp: () => {
    // createConnection() picks stdio from the `--stdio` argument.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createConnection, ProposedFeatures } = require('vscode-languageserver/node') as typeof import('vscode-languageserver/node');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { startServer } = require('./server') as typeof import('./server');
    startServer(createConnection(ProposedFeatures.all));
    return -1; // keep running
  },
};

async function main(argv: string[]): Promise<void> {
  const [cmd, ...args] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || !commands[cmd]) {
    process.stderr.write(USAGE);
    process.exitCode = cmd && cmd !== '--help' && cmd !== '-h' ? 2 : 0;
    return;
  }
  try {
    const code = await commands[cmd](args);
    if (code >= 0) process.exitCode = code;
  } catch (e) {
    process.stderr.write(`oops-lens ${cmd}: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) void main(process.argv.slice(2));
