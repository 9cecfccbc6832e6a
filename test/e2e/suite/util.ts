// Helpers for the extension-host suite: open example documents, wait for the language server,
// read hover text the way a user sees it, and ask binutils for the truth the hovers must match.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'oops-lens.oops-lens';

/** The examples/ workspace folder the driver opened. */
export function workspaceDir(): string {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'no workspace folder open (the driver opens examples/)');
  return f.uri.fsPath;
}

export function examplePath(rel: string): string {
  return path.join(workspaceDir(), rel);
}

export async function activateExtension(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed`);
  await ext.activate();
  return ext;
}

/** Open (and show) an example document; activation follows from its `oops` language. */
export async function openExample(rel: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(examplePath(rel)));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

/**
 * Poll `probe` until it returns a value accepted by `ok`, within `timeoutMs`. For results the
 * language server produces asynchronously (it starts after the client, and parses on open).
 */
export async function until<T>(what: string, probe: () => Thenable<T> | T, ok: (v: T) => boolean, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    try {
      last = await probe();
      if (ok(last)) return last;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, delay));
  }
  const seen = lastError ? `error ${String(lastError)}` : `last value ${JSON.stringify(last)?.slice(0, 600)}`;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${seen}`);
}

/** Position of the `occurrence`-th `needle` on the first line containing `lineNeedle` (default: needle). */
export function positionOf(doc: vscode.TextDocument, needle: string, lineNeedle = needle, offsetInNeedle = 1): vscode.Position {
  for (let i = 0; i < doc.lineCount; i++) {
    const text = doc.lineAt(i).text;
    if (!text.includes(lineNeedle)) continue;
    const k = text.indexOf(needle);
    if (k >= 0) return new vscode.Position(i, k + offsetInNeedle);
  }
  throw new Error(`"${needle}" (on a line with "${lineNeedle}") not found in ${doc.uri.fsPath}`);
}

export function lineOf(doc: vscode.TextDocument, needle: string): number {
  for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text.includes(needle)) return i;
  throw new Error(`"${needle}" not found in ${doc.uri.fsPath}`);
}

/** Hover contents as plain text: markdown strings joined, `&nbsp;` and backslash escapes undone. */
export function hoverText(hovers: vscode.Hover[] | undefined): string {
  const parts: string[] = [];
  for (const h of hovers ?? []) {
    for (const c of h.contents) {
      const v = typeof c === 'string' ? c : 'value' in c ? c.value : '';
      parts.push(v);
    }
  }
  return parts.join('\n').replace(/&nbsp;/g, ' ').replace(/\\([\\`*_{}[\]()#+\-.!<>|])/g, '$1');
}

export async function hoverAt(doc: vscode.TextDocument, pos: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos);
  return hoverText(hovers);
}

/** Symbol start address and size from `nm -S` (binutils: the anchor, not our reader). */
export function nmSymbol(elf: string, name: string): { addr: bigint; size: number } {
  const out = execFileSync('nm', ['-S', elf], { encoding: 'utf8' });
  const m = out.split('\n').map((l) => l.split(' ')).find((f) => f.length === 4 && f[3] === name);
  assert.ok(m, `nm found no ${name} in ${elf}`);
  return { addr: BigInt(`0x${m[0]}`), size: Number.parseInt(m[1], 16) };
}

/** addr2line -f -i: innermost first, `{ fn, file, line }` with file as printed in DWARF. */
export function addr2line(elf: string, addr: bigint): { fn: string; file: string; line: number }[] {
  const out = execFileSync('addr2line', ['-f', '-i', '-e', elf, `0x${addr.toString(16)}`], { encoding: 'utf8' }).trim().split('\n');
  const chain: { fn: string; file: string; line: number }[] = [];
  for (let i = 0; i + 1 < out.length; i += 2) {
    const m = out[i + 1].match(/^(.*):(\d+)(?: \(discriminator \d+\))?$/);
    assert.ok(m, `unexpected addr2line output ${out[i + 1]}`);
    chain.push({ fn: out[i], file: m[1], line: Number(m[2]) });
  }
  return chain;
}

/** The fixture kernel the example settings point at (built by examples/fixture/build.mjs). */
export function fixtureVmlinux(): string {
  const p = examplePath('fixture/vmlinux');
  assert.ok(fs.existsSync(p), `${p} missing: run node examples/fixture/build.mjs`);
  return p;
}

/** Where a `func+0xoff/0xsize` frame resolves per binutils: exact PC or call site (return address - 1). */
export function fixtureFrameTruth(frameText: string, exact: boolean) {
  const m = frameText.match(/^(\w+)\+0x([0-9a-f]+)\/0x([0-9a-f]+)$/);
  assert.ok(m, `not a frame: ${frameText}`);
  const sym = nmSymbol(fixtureVmlinux(), m[1]);
  assert.equal(sym.size, Number.parseInt(m[3], 16), `report size of ${m[1]} differs from the ELF`);
  const addr = sym.addr + BigInt(`0x${m[2]}`) - (exact ? 0n : 1n);
  return addr2line(fixtureVmlinux(), addr);
}
