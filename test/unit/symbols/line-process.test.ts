import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineProcess } from '../../../server/src/symbols/backends/line-process';

test('answers are matched to questions in order; a dead process restarts on the next question', async () => {
  // `cat` echoes each line: a stand-in for a tool answering one line per request.
  const p = new LineProcess('cat', []);
  try {
    const answers = await Promise.all(['a', 'b', 'c'].map((q) => p.ask(q, () => true)));
    assert.deepEqual(answers, [['a'], ['b'], ['c']]);
    const two = await p.ask('x\ny', (line) => line === 'y');
    assert.deepEqual(two, ['x', 'y']);
    p.dispose();
    assert.deepEqual(await p.ask('again', () => true), ['again']);
  } finally {
    p.dispose();
  }
});

test('a tool that is not installed fails every question with its name, at once', async () => {
  const p = new LineProcess('oops-lens-no-such-tool', []);
  await assert.rejects(p.ask('1', () => true), /oops-lens-no-such-tool: .*ENOENT/);
  await assert.rejects(p.ask('2', () => true), /oops-lens-no-such-tool/);
  p.dispose();
});
