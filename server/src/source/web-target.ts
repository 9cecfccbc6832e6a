// Web fallbacks for a code reference or a function name: settings templates + the report's version.
import type { Settings } from '../settings';
import { webTreePath } from './path-map';
import { identUrl, sourceUrl } from './web-url';
import { webVersion, type KernelIdentity, type WebVersion } from './version';

export interface WebTarget {
  url: string;
  /** Tree-relative path used in the URL (source links). */
  path?: string;
  version: WebVersion;
  /** Host of the URL, for tooltips (`elixir.bootlin.com`). */
  host: string;
}

function hostOf(url: string): string {
  try { return new URL(url).host || url; } catch { return url; }
}

/** Web page for a printed path:line, or undefined (out-of-tree file, template rejected). */
export function webSourceTarget(printedPath: string, line: number | undefined, kernel: KernelIdentity | undefined, settings: Settings): WebTarget | undefined {
  const path = webTreePath(printedPath, settings.pathMap);
  if (!path) return undefined;
  const version = webVersion(kernel, settings.web.version);
  const url = sourceUrl(settings.web.sourceUrl, version.tag, path, line);
  return url ? { url, path, version, host: hostOf(url) } : undefined;
}

/** Identifier page (Elixir's `/A/ident/<name>`) for a function name. */
export function webIdentTarget(name: string, kernel: KernelIdentity | undefined, settings: Settings): WebTarget | undefined {
  if (!/^[A-Za-z_]\w*$/.test(name)) return undefined;
  const version = webVersion(kernel, settings.web.version);
  const url = identUrl(settings.web.identUrl, version.tag, name);
  return url ? { url, version, host: hostOf(url) } : undefined;
}

/** One-line caveat for tooltips/hovers: the backports warning, else the note when the tag is not exact. */
export function versionCaveat(v: WebVersion): string | undefined {
  return v.warning ?? (v.exact ? undefined : v.note);
}
