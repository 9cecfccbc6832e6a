// The status bar item of the symbolizer: which vmlinux is in use and whether it matches the report.
import type { FeatureContext } from './context';

const lastSent = new WeakMap<object, string>();

/** Tell the client the symbolizer state, only when it changed. */
export function publishSymbolStatus(ctx: FeatureContext): void {
  const s = ctx.symbols?.status;
  if (!s) return;
  const icon = s.state === 'ok' ? '$(check)' : s.state === 'mismatch' ? '$(warning)' : s.state === 'error' ? '$(error)' : '$(question)';
  const text = `${icon} ${s.text}`;
  const tooltip = `Oops Lens: ${s.tooltip ?? s.text}\nClick to select a vmlinux.`;
  const key = text + '\0' + tooltip;
  if (lastSent.get(ctx.client) === key) return;
  lastSent.set(ctx.client, key);
  ctx.client.status(text, tooltip);
}
