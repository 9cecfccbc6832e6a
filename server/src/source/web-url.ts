// Web links from user-editable templates. Only http(s) and file URLs ever come out: a template from
// workspace settings must not turn a click into `command:` or `javascript:`.

export interface TemplateVars {
  version?: string;
  path?: string;
  line?: number;
  ident?: string;
  sha?: string;
}

const ALLOWED = new Set(['http:', 'https:', 'file:']);

/** Percent-encode each path segment, keeping the slashes. */
function encodePath(path: string): string {
  return path.split('/').map((s) => encodeURIComponent(s)).join('/');
}

/**
 * Expand `${version}` `${path}` `${line}` `${ident}` `${sha}` in a template. Returns undefined when
 * the template needs a variable that is missing or the result is not an http(s)/file URL.
 */
export function expandTemplate(template: string, vars: TemplateVars): string | undefined {
  let missing = false;
  const out = template.replace(/\$\{(\w+)\}/g, (_all, name: string) => {
    switch (name) {
      case 'version': if (vars.version) return encodeURIComponent(vars.version); break;
      case 'path': if (vars.path) return encodePath(vars.path.replace(/^\/+/, '')); break;
      case 'line': if (vars.line !== undefined && vars.line > 0) return String(Math.floor(vars.line)); break;
      case 'ident': if (vars.ident) return encodeURIComponent(vars.ident); break;
      case 'sha': if (vars.sha && /^[0-9a-f]{4,64}$/i.test(vars.sha)) return vars.sha; break;
    }
    missing = true;
    return '';
  });
  if (missing) return undefined;
  return safeUrl(out);
}

/** The URL itself if it parses and its scheme is http, https or file. */
export function safeUrl(url: string): string | undefined {
  let u: URL;
  try { u = new URL(url); } catch { return undefined; }
  return ALLOWED.has(u.protocol) ? u.toString() : undefined;
}

/** A source page URL; when the template has `${line}` but no line is known, link the file without an anchor. */
export function sourceUrl(template: string, version: string, path: string, line?: number): string | undefined {
  if (line !== undefined && line > 0) return expandTemplate(template, { version, path, line });
  // Drop the `#L${line}`-style fragment (or a trailing `${line}` query) rather than give up.
  const noLine = template.replace(/#[^#]*\$\{line\}[^#]*$/, '').replace(/[?&][^?&=]*=?\$\{line\}/, '');
  return expandTemplate(noLine, { version, path });
}

export function identUrl(template: string, version: string, ident: string): string | undefined {
  return expandTemplate(template, { version, ident });
}
