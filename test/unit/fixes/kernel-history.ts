// Builds a small but real kernel-like git history in a temp dir: a mainline with tags v6.1 / v6.2,
// a 6.1.y stable line with cherry-picked backports (`commit X upstream`), a file rename, a function
// that moves between files, and Fixes: / Cc: stable / Reported-by: syzbot trailers.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export class Repo {
  readonly dir: string;
  private day = 0;
  constructor(prefix = 'oops-fixes-') {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
    this.git('init', '-q', '-b', 'master');
    this.git('config', 'user.name', 'Test Dev');
    this.git('config', 'user.email', 'dev@example.org');
    this.git('config', 'commit.gpgsign', 'false');
  }
  git(...args: string[]): string {
    const date = `2022-01-01T00:00:00Z`;
    const when = new Date(Date.parse(date) + this.day * 86400000).toISOString();
    return execFileSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when, GIT_CONFIG_NOSYSTEM: '1', HOME: this.dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }
  write(path: string, text: string): void {
    mkdirSync(dirname(join(this.dir, path)), { recursive: true });
    writeFileSync(join(this.dir, path), text);
  }
  read(path: string): string {
    return readFileSync(join(this.dir, path), 'utf8');
  }
  edit(path: string, from: string, to: string): void {
    const text = this.read(path);
    if (!text.includes(from)) throw new Error(`edit: ${JSON.stringify(from)} not in ${path}`);
    this.write(path, text.replace(from, to));
  }
  commit(message: string): string {
    this.day++;
    this.git('add', '-A');
    this.git('commit', '-q', '-m', message);
    return this.git('rev-parse', 'HEAD').trim();
  }
  tag(name: string): void {
    this.git('tag', name);
  }
  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const PAGELIST = `// SPDX-License-Identifier: GPL-2.0
#include "internal.h"

static void nfs_page_group_init(struct nfs_page *req)
{
	req->wb_head = req;
}

/*
 * nfs_unlock_request - Unlock request and wake up sleepers.
 */
static void
nfs_unlock_request(struct nfs_page *req)
{
	if (!NFS_WBACK_BUSY(req)) {
		printk(KERN_ERR "NFS: Invalid unlock attempted\\n");
		BUG();
	}
	clear_bit(PG_BUSY, &req->wb_flags);
	wake_up_bit(&req->wb_flags, PG_BUSY);
}

int nfs_lock_request(struct nfs_page *req)
{
	return !test_and_set_bit(PG_BUSY, &req->wb_flags);
}

void nfs_unlock_and_release_request(struct nfs_page *req)
{
	nfs_unlock_request(req);
	nfs_release_request(req);
}
`;

const WRITE = `// SPDX-License-Identifier: GPL-2.0
#include "internal.h"

static void nfs_end_page_writeback(struct nfs_page *req)
{
	nfs_unlock_request(req);
}

static void nfs_redirty_request(struct nfs_page *req)
{
	nfs_mark_request_dirty(req);
	nfs_end_page_writeback(req);
}
`;

export interface History {
  repo: Repo;
  /** Commit that introduced the bug (before v6.1). */
  introduced: string;
  /** Fix with Fixes: introduced + Cc: stable, backported to v6.1.1. */
  fixStable: string;
  /** Backport of fixStable in 6.1.y. */
  fixStableBackport: string;
  /** Caller-only commit that mentions the function in its message. */
  mentionOnly: string;
  /** Body change without trailers, backported later (v6.1.3). */
  refactor: string;
  refactorBackport: string;
  /** syzbot fix in another file, title in the message. */
  syzbotFix: string;
  /** pagelist.c -> page.c */
  rename: string;
  /** After the rename: body change, Fixes: refactor. */
  fixAfterRename: string;
  /** In write.c: Fixes: introduced (a commit that touched the function). */
  fixElsewhere: string;
  /** nfs_lock_request moves from page.c to write.c. */
  move: string;
  /** Unrelated change to the file (not a candidate). */
  unrelated: string;
}

export function buildHistory(): History {
  const r = new Repo();
  r.write('fs/nfs/pagelist.c', PAGELIST);
  r.write('fs/nfs/write.c', WRITE);
  r.write('fs/nfs/direct.c', 'int nfs_direct_io(void)\n{\n\treturn 0;\n}\n');
  r.write('Makefile', 'VERSION = 6\n');
  r.commit('NFS: page list helpers\n\nSigned-off-by: A <a@example.org>');
  r.edit('fs/nfs/pagelist.c', '\tclear_bit(PG_BUSY, &req->wb_flags);\n', '\tsmp_mb__before_atomic();\n\tclear_bit(PG_BUSY, &req->wb_flags);\n');
  const introduced = r.commit('NFS: relax barriers in nfs_unlock_request\n\nSigned-off-by: A <a@example.org>');
  r.tag('v6.1');

  // Stable line branches here; mainline continues.
  r.git('branch', 'linux-6.1.y');

  r.edit('fs/nfs/pagelist.c', '\tsmp_mb__before_atomic();\n\tclear_bit(PG_BUSY, &req->wb_flags);\n', '\tclear_bit_unlock(PG_BUSY, &req->wb_flags);\n\tsmp_mb__after_atomic();\n');
  const fixStable = r.commit(
    `NFS: fix the release barrier when unlocking a request\n\nThe page may be reused before PG_BUSY is seen clear.\n\nFixes: ${introduced.slice(0, 12)} ("NFS: relax barriers in nfs_unlock_request")\nCc: stable@vger.kernel.org\nSigned-off-by: B <b@example.org>`,
  );
  r.edit('fs/nfs/write.c', '\tnfs_mark_request_dirty(req);\n', '\tnfs_mark_request_dirty(req);\n\tset_bit(NFS_CONTEXT_RESEND_WRITES, &req->wb_flags);\n');
  const mentionOnly = r.commit('NFS: resend writes after redirty\n\nnfs_redirty_request() must not call nfs_unlock_request twice.\n\nSigned-off-by: C <c@example.org>');
  r.edit('fs/nfs/pagelist.c', '\treq->wb_head = req;\n', '\treq->wb_head = req;\n\treq->wb_this_page = req;\n');
  const unrelated = r.commit('NFS: init wb_this_page\n\nSigned-off-by: C <c@example.org>');
  r.edit('fs/nfs/pagelist.c', '\tif (!NFS_WBACK_BUSY(req)) {', '\tif (WARN_ON_ONCE(!NFS_WBACK_BUSY(req))) {');
  const refactor = r.commit('NFS: warn instead of BUG on an invalid unlock\n\nSigned-off-by: D <d@example.org>');
  r.edit('fs/nfs/direct.c', '\treturn 0;', '\treturn nfs_direct_check();');
  const syzbotFix = r.commit(
    'nfs: check direct requests before unlocking\n\nsyzbot reported:\nkernel BUG in nfs_unlock_request\n\nReported-by: syzbot+0fb18a8d3ef8c4f2c2a4@syzkaller.appspotmail.com\nSigned-off-by: E <e@example.org>',
  );
  r.tag('v6.2');
  r.git('mv', 'fs/nfs/pagelist.c', 'fs/nfs/page.c');
  const rename = r.commit('NFS: rename pagelist.c to page.c\n\nSigned-off-by: F <f@example.org>');
  r.edit('fs/nfs/page.c', '\tclear_bit_unlock(PG_BUSY, &req->wb_flags);\n', '\tclear_bit_unlock(PG_BUSY, &req->wb_flags);\n\t/* pairs with nfs_lock_request */\n');
  const fixAfterRename = r.commit(`NFS: document the unlock ordering\n\nFixes: ${refactor.slice(0, 12)} ("NFS: warn instead of BUG on an invalid unlock")\nSigned-off-by: G <g@example.org>`);
  r.edit('fs/nfs/write.c', '\tnfs_unlock_request(req);\n}', '\tif (req->wb_head == req)\n\t\tnfs_unlock_request(req);\n}');
  const fixElsewhere = r.commit(`NFS: only unlock the head request at writeback end\n\nFixes: ${introduced.slice(0, 12)} ("NFS: relax barriers in nfs_unlock_request")\nSigned-off-by: H <h@example.org>`);
  // nfs_lock_request moves to write.c.
  const page = r.read('fs/nfs/page.c');
  const lockFn = 'int nfs_lock_request(struct nfs_page *req)\n{\n\treturn !test_and_set_bit(PG_BUSY, &req->wb_flags);\n}\n\n';
  r.write('fs/nfs/page.c', page.replace(lockFn, ''));
  r.write('fs/nfs/write.c', r.read('fs/nfs/write.c') + '\n' + lockFn.trimEnd() + '\n');
  const move = r.commit('NFS: move nfs_lock_request to write.c\n\nSigned-off-by: I <i@example.org>');

  // The stable line: cherry-picks with `commit X upstream`.
  r.git('checkout', '-q', 'linux-6.1.y');
  r.git('cherry-pick', fixStable);
  r.git('commit', '-q', '--amend', '-m', `NFS: fix the release barrier when unlocking a request\n\ncommit ${fixStable} upstream.\n\nThe page may be reused before PG_BUSY is seen clear.\n\nFixes: ${introduced.slice(0, 12)} ("NFS: relax barriers in nfs_unlock_request")\nCc: stable@vger.kernel.org\nSigned-off-by: B <b@example.org>\nSigned-off-by: Greg <greg@example.org>`);
  const fixStableBackport = r.git('rev-parse', 'HEAD').trim();
  r.tag('v6.1.1');
  r.write('Makefile', 'VERSION = 6\nSUBLEVEL = 2\n');
  r.commit('Linux 6.1.2');
  r.tag('v6.1.2');
  r.git('cherry-pick', refactor);
  r.git('commit', '-q', '--amend', '-m', `NFS: warn instead of BUG on an invalid unlock\n\n[ Upstream commit ${refactor} ]\n\nSigned-off-by: D <d@example.org>\nSigned-off-by: Sasha <sasha@example.org>`);
  const refactorBackport = r.git('rev-parse', 'HEAD').trim();
  r.write('Makefile', 'VERSION = 6\nSUBLEVEL = 3\n');
  r.commit('Linux 6.1.3');
  r.tag('v6.1.3');
  r.git('checkout', '-q', 'master');
  return { repo: r, introduced, fixStable, fixStableBackport, mentionOnly, refactor, refactorBackport, syzbotFix, rename, fixAfterRename, fixElsewhere, move, unrelated };
}
