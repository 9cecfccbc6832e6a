// Browser-level test: what a user sees in the workbench. The .vsix is installed into a fresh
// code-server, the examples/ workspace is opened in headless Chromium, and the checks read the
// DOM: grammar scopes (token inspector) and colours, the hover widget over a frame, the Outline
// view, a click on a `kernel BUG at file:line` link, the code-action lightbulb.
// Screenshots: test/e2e/.run/screenshots/*.png. Waits on selectors and on the extension's
// readiness line, never on fixed sleeps; the only retries re-trigger a hover, which the workbench
// shows asynchronously. Run through `npm run test:e2e` (it passes OOPS_E2E_VSIX).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { READY_LINE, ROOT, RUNS, clock, installVsix, launchBrowser, makeRun, remoteUri, startCodeServer, workbenchUrl } from './lib/harness.mjs';

const VSIX = process.env.OOPS_E2E_VSIX || path.join(RUNS, 'oops-lens.vsix');
const EXAMPLES = path.join(ROOT, 'examples');
const SHOTS = path.join(RUNS, 'screenshots');
const FIXTURE = 'reports/demo-fixture.oops';
const t = clock();
let run; let server; let browser; let page;
let ready; // resolves when the extension logs READY_LINE
const consoleErrors = [];

const editorSel = (file) => `.monaco-editor[data-uri$="/${file}"]`;
const shot = async (name) => {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), animations: 'disabled' });
};

before(async () => {
  assert.ok(fs.existsSync(VSIX), `no ${VSIX}: run npm run test:e2e (it packages first)`);
  run = makeRun('workbench', { userSettings: { 'outline.collapseItems': 'alwaysCollapse' } });
  installVsix(run, VSIX);
  t.mark('vsix installed');
  server = await startCodeServer(run, { folder: EXAMPLES });
  t.mark(`code-server listening at ${server.base}`);
  browser = await launchBrowser(run);
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  ready = new Promise((resolve) => {
    page.on('console', (m) => {
      const text = m.text();
      if (text.includes(READY_LINE)) { t.mark('readiness line seen'); resolve(); }
      if (m.type() === 'error' && !/ENOTFOUND|Failed to load resource|vsda/.test(text)) consoleErrors.push(text.slice(0, 300));
    });
  });
  const file = path.join(EXAMPLES, FIXTURE);
  await page.goto(workbenchUrl(server, EXAMPLES, [['openFile', remoteUri(server, file)]]));
  await page.waitForSelector(`${editorSel('demo-fixture.oops')} .view-lines >> text=demo_ioctl`, { timeout: 60000 });
  t.mark('demo-fixture.oops rendered');
}, { timeout: 120000 });

after(async () => {
  if (page && process.env.OOPS_E2E_DEBUG) await shot('last');
  try { await browser?.close(); } catch { /* gone */ }
  server?.stop();
  if (consoleErrors.length) console.log(`workbench console errors (${consoleErrors.length}):\n  ${consoleErrors.slice(0, 8).join('\n  ')}`);
  console.log(`run dir ${run?.dir}; screenshots in ${SHOTS}; timings ${JSON.stringify(t.marks)}`);
});

/** Screen box of `word` inside the `lineIdx`-th rendered line containing `lineText` (a DOM Range, not the token span). */
async function wordBox(file, lineText, word) {
  const box = await page.evaluate(([sel, lt, w]) => {
    const lines = [...document.querySelectorAll(`${sel} .view-lines .view-line`)];
    const norm = (s) => s.replace(/\u00a0/g, ' ');
    const line = lines.find((l) => norm(l.textContent).includes(lt));
    if (!line) return null;
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    let acc = '';
    const nodes = [];
    for (let n; (n = walker.nextNode());) { nodes.push([n, acc.length]); acc += norm(n.textContent); }
    const k = acc.indexOf(w);
    if (k < 0) return null;
    const at = (pos) => { for (let i = nodes.length - 1; i >= 0; i--) if (nodes[i][1] <= pos) return [nodes[i][0], pos - nodes[i][1]]; return null; };
    const r = document.createRange();
    const [sn, so] = at(k); const [en, eo] = at(k + w.length - 1);
    r.setStart(sn, so); r.setEnd(en, eo + 1);
    const b = r.getBoundingClientRect();
    return { x: b.x, y: b.y, width: b.width, height: b.height };
  }, [editorSel(file), lineText, word]);
  assert.ok(box, `"${word}" not rendered on a line with "${lineText}" in ${file}`);
  return box;
}

/** node:test `test` that saves FAILED-<name>.png when the body throws. */
function check(name, opts, body) {
  test(name, opts, async (ctx) => {
    try {
      await body(ctx);
    } catch (e) {
      await shot(`FAILED-${name.replace(/[^\w]+/g, '-').slice(0, 60)}`).catch(() => {});
      throw e;
    }
  });
}

async function runCommand(label) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${label}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** 1-based line and column of `word` on the first line of the example file containing `lineText`. */
function locate(file, lineText, word) {
  const lines = fs.readFileSync(path.join(EXAMPLES, file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(lineText));
  assert.ok(i >= 0 && lines[i].includes(word), `"${word}" on a line with "${lineText}" not in ${file}`);
  return { line: i + 1, column: lines[i].indexOf(word) + 1 };
}

/**
 * Put the cursor on `word` with Go to Line/Column (Ctrl+G): independent of the layout, which
 * shifts while code lenses and inlay hints arrive.
 */
async function placeCursor(file, lineText, word, into = 1) {
  const { line, column } = locate(file, lineText, word);
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`:${line}:${column + into}`);
  await page.keyboard.press('Enter');
  await page.locator('.statusbar-item[id="status.editor.selection"]', { hasText: `Ln ${line}, Col ${column + into}` }).waitFor();
}

/** Token inspector on `word`: its text (scopes, colours). */
async function inspectToken(file, lineText, word) {
  await page.keyboard.press('Escape');
  await placeCursor(file, lineText, word);
  await runCommand('Developer: Inspect Editor Tokens and Scopes');
  const widget = page.locator('.token-inspect-widget');
  await widget.locator('text=textmate scopes').first().waitFor({ timeout: 15000 });
  const text = (await widget.innerText()).replace(/\s+/g, ' ');
  return text;
}

check('the extension starts its language client (readiness line)', { timeout: 60000 }, async () => {
  await ready;
  const lang = await page.locator('.statusbar-item[id="status.editor.mode"]').innerText();
  assert.equal(lang.trim(), 'Oops');
});

check('grammar: frames, modules and headers are scoped and coloured', { timeout: 60000 }, async () => {
  // Tokenization is asynchronous: wait until a frame's function name is coloured differently
  // from the editor's default foreground.
  await page.waitForFunction((sel) => {
    const spans = [...document.querySelectorAll(`${sel} .view-lines .view-line span span`)];
    const fn = spans.find((s) => s.textContent.trim() === 'demo_ioctl');
    const plain = getComputedStyle(document.querySelector(`${sel} .view-lines`)).color;
    return fn && getComputedStyle(fn).color !== plain;
  }, editorSel('demo-fixture.oops'), { timeout: 30000 });
  const fn = await inspectToken(FIXTURE, 'demo_ioctl+', 'demo_ioctl');
  assert.match(fn, /entity\.name\.function[\w.-]*\.oops/, `frame function scope: ${fn}`);
  await shot('grammar-token-inspector');
  const header = await inspectToken(FIXTURE, 'kernel BUG at', 'kernel BUG');
  assert.match(header, /textmate scopes\s+(?!source\.oops)[\w.-]+\.oops/, `report header scopes: ${header}`);
  await page.keyboard.press('Escape');
});

check('hover widget over a frame shows the frame and its source line', { timeout: 60000 }, async () => {
  await ready;
  await page.keyboard.press('Escape');
  // Truth from binutils: the call site (return address - 1) of demo_ioctl+0x.. in the fixture vmlinux.
  const frameText = fs.readFileSync(path.join(EXAMPLES, FIXTURE), 'utf8').match(/demo_ioctl\+0x([0-9a-f]+)\/0x[0-9a-f]+/);
  const vmlinux = path.join(EXAMPLES, 'fixture/vmlinux');
  const sym = execFileSync('nm', [vmlinux], { encoding: 'utf8' }).split('\n').find((l) => l.endsWith(' demo_ioctl')).split(' ')[0];
  const callsite = BigInt(`0x${sym}`) + BigInt(`0x${frameText[1]}`) - 1n;
  const line = execFileSync('addr2line', ['-e', vmlinux, `0x${callsite.toString(16)}`], { encoding: 'utf8' }).trim().match(/:(\d+)/)[1];
  const want = `demo.c:${line}`;
  const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'demo_ioctl' });
  const deadline = Date.now() + 15000;
  let text = '';
  for (let attempt = 1; Date.now() < deadline; attempt++) {
    // Measured per attempt: code lenses arrive asynchronously and shift the lines below them.
    const b = await wordBox('demo-fixture.oops', 'demo_ioctl+', 'demo_ioctl');
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 3 });
    try {
      await hover.first().waitFor({ state: 'visible', timeout: 3000 });
      text = (await hover.first().innerText()).replace(/\u00a0/g, ' ');
      await shot('hover-frame'); // while the widget is up
      if (text.includes(want)) break;
    } catch { /* not shown yet: move away and re-trigger */ }
    await page.keyboard.press('Escape');
    await page.mouse.move(5, 890);
  }
  assert.ok(text.includes('demo_ioctl'), `no hover over demo_ioctl (last text: ${JSON.stringify(text)})`);
  assert.ok(text.includes(want), `hover does not show the call site ${want}: ${JSON.stringify(text)}`);
  await page.keyboard.press('Escape');
  await page.mouse.move(5, 890);
});

check('outline view lists the reports by title', { timeout: 60000 }, async () => {
  await ready;
  await page.keyboard.press('Escape');
  await runCommand('Explorer: Focus on Outline View');
  // The Outline view's tree rows carry the document symbols' names.
  for (const title of ['BUG: unable to handle kernel NULL pointer dereference in demo_checksum', 'kernel BUG in demo_release']) {
    await page.locator('.monaco-list-row', { hasText: title }).first().waitFor({ timeout: 30000 });
  }
  await shot('outline');
});

check('clicking the `kernel BUG at drivers/demo/demo.c:NN` link opens that line', { timeout: 60000 }, async () => {
  await ready;
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+1'); // focus the editor group
  const lineText = fs.readFileSync(path.join(EXAMPLES, FIXTURE), 'utf8').match(/kernel BUG at (drivers\/demo\/demo\.c):(\d+)!/);
  // The link decoration appears once the link provider answered.
  await page.waitForSelector(`${editorSel('demo-fixture.oops')} .detected-link`, { timeout: 15000 });
  const b = await wordBox('demo-fixture.oops', 'kernel BUG at', lineText[1]);
  // Ctrl+click: the link arms while Ctrl is held over it, then the click opens it.
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
  await page.keyboard.down('Control');
  await page.mouse.move(b.x + b.width / 2 + 1, b.y + b.height / 2);
  await page.mouse.down();
  await page.mouse.up();
  await page.keyboard.up('Control');
  await page.waitForSelector(`${editorSel('demo.c')} .view-lines`, { timeout: 30000 });
  const sel = page.locator('.statusbar-item[id="status.editor.selection"]');
  await sel.filter({ hasText: `Ln ${lineText[2]},` }).waitFor({ timeout: 15000 });
  await shot('link-opened-source');
});

check('code actions on the guilty frame: the Quick Fix menu lists them (lightbulb reported)', { timeout: 90000 }, async () => {
  await ready;
  await page.keyboard.press('Escape');
  await page.locator('.tabs-container .tab', { hasText: 'demo-fixture.oops' }).first().click();
  await page.waitForSelector(`${editorSel('demo-fixture.oops')} .view-lines`);
  // Click like a user: on another line first, then on the guilty frame (the click gives the editor
  // the text focus the bulb needs); positions are measured right before each click, after Go to
  // Line revealed the line (code lenses shift lines when they arrive).
  await placeCursor(FIXTURE, 'RIP: 0010:demo_checksum', 'RIP');
  const other = await wordBox('demo-fixture.oops', 'Hardware name', 'Hardware');
  await page.mouse.click(other.x + 2, other.y + other.height / 2);
  const b = await wordBox('demo-fixture.oops', 'RIP: 0010:demo_checksum', 'demo_checksum');
  await page.mouse.click(b.x + b.width / 2, b.y + b.height / 2);
  await page.mouse.move(5, 890); // off the text: no hover may cover the bulb
  // 1.100 draws the bulb in the glyph margin when it fits there, else as a content widget (which
  // carries its codicon classes on .lightBulbWidget itself). On this loaded 2-core machine the
  // workbench sometimes does not draw it although the actions are there (see the report), so its
  // presence is reported, and the assertion is on the menu the bulb opens (Ctrl+.).
  const bulb = page.locator('[class*="codicon-gutter-lightbulb"], .lightBulbWidget[class*="codicon-"]').first();
  const bulbShown = await bulb.waitFor({ state: 'visible', timeout: 10000 }).then(() => true, () => false);
  console.log(`lightbulb drawn: ${bulbShown}`);
  if (bulbShown) await shot('code-action-lightbulb');
  await page.keyboard.press('Control+.');
  const menu = page.locator('.action-widget .monaco-list-row');
  await menu.first().waitFor({ state: 'visible', timeout: 15000 });
  const items = (await menu.allInnerTexts()).map((x) => x.trim()).filter((x) => x && x !== 'Quick Fix');
  await shot('code-actions');
  assert.ok(items.length > 0, 'the code action menu has no actions');
  assert.ok(items.some((x) => x.includes('demo_checksum')), `no action names the guilty function: ${items.join(' | ')}`);
  console.log(`code actions: ${items.join(' | ')}`);
  await page.keyboard.press('Escape');
});
