// A long-lived tool process answering one request per written line; requests are queued so
// that answers are matched to questions in order. Spawned with an argument array, never a shell.
import { spawn, ChildProcessWithoutNullStreams } from 'node:child_process';

interface Pending {
  request: string;
  isLast: (line: string, lines: string[]) => boolean;
  resolve: (lines: string[]) => void;
  reject: (e: Error) => void;
}

/**
 * A value (a path from settings, a section name from a debug file) about to become a tool argument:
 * refused when the tool could read it as an option. Returns the reason, or undefined when it is safe.
 */
export function unsafeArgument(value: string, what: string): string | undefined {
  if (value.startsWith('-')) return `refusing ${what} that starts with '-' (${JSON.stringify(value)}): it would be read as an option`;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(value)) return `refusing ${what} with control characters`;
  return undefined;
}

export class LineProcess {
  private child?: ChildProcessWithoutNullStreams;
  private readonly queue: Pending[] = [];
  private buffer = '';
  private lines: string[] = [];
  private failed?: Error;

  constructor(private readonly command: string, private readonly args: string[]) {}

  /** Write `request` (newline added) and collect output lines until `isLast` says the answer is complete. */
  ask(request: string, isLast: (line: string, lines: string[]) => boolean): Promise<string[]> {
    return new Promise((resolve, reject) => {
      if (this.failed) return reject(this.failed);
      const child = this.start();
      this.queue.push({ request, isLast, resolve, reject });
      child.stdin.write(request + '\n');
    });
  }

  dispose(): void {
    this.child?.kill();
    this.child = undefined;
    this.buffer = '';
    this.lines = [];
    for (const p of this.queue.splice(0)) p.reject(new Error(`${this.command}: stopped`));
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn(this.command, this.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.onData(chunk));
    child.stderr.on('data', () => undefined);
    const fail = (e: Error, sticky: boolean) => {
      // Cannot start (not installed): fail fast from now on. Died later: the next question restarts it.
      if (sticky) this.failed = e;
      if (this.child !== child) return; // an old process (disposed, replaced): its questions are settled
      this.child = undefined;
      this.buffer = '';
      this.lines = [];
      for (const p of this.queue.splice(0)) p.reject(e);
    };
    child.on('error', (e) => fail(new Error(`${this.command}: ${e.message}`), true));
    child.on('exit', (code, signal) => fail(new Error(`${this.command} exited (${signal ?? code})`), false));
    child.stdin.on('error', () => undefined);
    this.child = child;
    return child;
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      const p = this.queue[0];
      if (!p) continue;
      this.lines.push(line);
      if (p.isLast(line, this.lines)) {
        this.queue.shift();
        const lines = this.lines;
        this.lines = [];
        p.resolve(lines);
      }
    }
  }
}
