// Kernel version string -> the tag web source browsers (Elixir, git.kernel.org) know.
// A report prints a release (`uname -r`: 6.1.0-56-amd64) and a version (`#1 SMP ... Debian 6.1.192-2`);
// distributions encode the upstream version differently, and some only give the base release.
import { debianUpstream, describedCommit, parseUpstream, ubuntuUpstream, upstreamTag } from './kernel-version';

export interface WebVersion {
  /** Tag to put in `${version}`: `v6.1.192`, `v6.8-rc3`, `latest`. */
  tag: string;
  /** true when the tag is the exact upstream source of the crashing kernel. */
  exact: boolean;
  /** Where the tag came from. */
  from: 'setting' | 'version' | 'release' | 'none';
  /** Short informational note (linux-next base, local changes, ABI-only release). */
  note?: string;
  /** Visible warning: the distro kernel differs from the tag (backports). */
  warning?: string;
}

export interface KernelIdentity {
  release?: string;
  version?: string;
}

// The parsing lives in kernel-version.ts; this module decides which tag links show.
export { upstreamTag } from './kernel-version';

const BACKPORTS = 'carries backports: lines may differ from upstream; set oopsLens.web.sourceUrl to your distribution\'s source browser for exact lines';

/** Versions embedded in the `#1 SMP ...` version string, which beat the release's ABI number. */
function fromVersionString(version: string): WebVersion | undefined {
  // Debian: `#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)`, also `Debian 4.19.160-2`.
  const deb = debianUpstream(version);
  if (deb) return { tag: upstreamTag(deb.u), exact: true, from: 'version', note: `Debian package ${deb.text}` };
  // Ubuntu's version_signature: `Ubuntu 5.15.0-91.101-generic 5.15.131`.
  const ubuntu = ubuntuUpstream(version);
  if (ubuntu) {
    return {
      tag: upstreamTag(ubuntu.u), exact: false, from: 'version', note: `Ubuntu kernel based on ${ubuntu.text}`,
      warning: `Ubuntu kernel ${BACKPORTS}`,
    };
  }
  return undefined;
}

/** Map a release (`uname -r`) to a tag. */
function fromRelease(release: string): WebVersion | undefined {
  const p = parseUpstream(release.trim());
  if (!p) return undefined;
  const { u } = p;
  const rest = p.rest;
  const base = upstreamTag(u);
  // RHEL / CentOS / Oracle / Rocky / Alma: 3.10.0-327.el7.x86_64, 4.18.0-305.el8, 5.14.0-70.13.1.el9_0
  const el = /\.el(\d+)(uek)?/.exec(rest);
  if (el) {
    if (el[2]) {
      // Oracle UEK releases keep the real stable version (4.14.35-...el7uek).
      return { tag: base, exact: false, from: 'release', warning: `Oracle UEK kernel ${release} ${BACKPORTS}` };
    }
    const tag = upstreamTag(u.major === 2 && u.minor === 6 ? { ...u, sub: undefined } : { ...u, patch: 0, sub: undefined });
    return { tag, exact: false, from: 'release', warning: `RHEL/CentOS kernel ${release} is ${tag} plus thousands of backports: ${BACKPORTS}` };
  }
  // SUSE: 5.14.21-150500.55.39-default
  if (/^-\d{6}\.[\d.]+-(default|azure|rt|64kb)/.test(rest)) {
    return { tag: base, exact: false, from: 'release', warning: `SUSE kernel ${release} ${BACKPORTS}` };
  }
  // linux-next: 6.7.0-rc1-next-20231120
  const next = /-next-(\d{8})/.exec(rest);
  if (next) return { tag: base, exact: false, from: 'release', note: `linux-next ${next[1]}: links point to the base tag ${base}` };
  // syzbot / git describe: 6.6.0-rc4-syzkaller-00123-gdeadbeef1234, 6.1.0-00042-gabcdef0
  const syz = /-syzkaller/.test(rest);
  const described = describedCommit(rest);
  const desc = described?.after !== undefined ? described : undefined;
  if (syz || desc) {
    const what = syz ? 'syzkaller build' : 'git build';
    const commit = desc ? `, ${desc.after} commits after the tag (commit ${desc.commit})` : '';
    return { tag: base, exact: false, from: 'release', note: `${what}${commit}: links point to the base tag ${base}` };
  }
  if (/(^|[-.])dirty\b|\+$/.test(rest) || rest === '+') {
    return { tag: base, exact: false, from: 'release', note: `locally modified tree (${rest.includes('dirty') ? '-dirty' : '+'}): links point to ${base}` };
  }
  // Debian / Ubuntu ABI names: 6.1.0-56-amd64, 5.15.0-91-generic: the patch level is not in it.
  if (u.patch === 0 && u.rc === undefined && /^-\d+(?:\.\d+)?-[a-z]/.test(rest) && !(u.major === 2 && u.minor === 6)) {
    const distro = /-(generic|lowlatency|aws|azure|gcp|oracle|kvm)\b/.test(rest) ? 'Ubuntu' : 'Debian';
    return {
      tag: base, exact: false, from: 'release',
      note: `${distro} ABI release ${release} does not name the stable version; links point to ${base}`,
    };
  }
  // Fedora 6.5.6-300.fc39.x86_64, Arch 6.7.4-arch1-1, Amazon 5.10.205-195.807.amzn2, plain stable 6.1.76
  const exact = rest === '' || /^-(\d+\.fc\d+|arch\d+|zen\d+|lts|\d+\.\d+\.amzn\d+|\d+-)/.test(rest) || /^[-.](x86_64|aarch64|amd64|arm64)$/.test(rest);
  const note = rest && !exact ? `distribution release ${release}: links point to ${base}` : undefined;
  return { tag: base, exact: exact || rest === '', from: 'release', ...(note ? { note } : {}) };
}

/**
 * The web tag for a crashing kernel. `override` (setting oopsLens.web.version) wins; then a version
 * embedded in the version string (Debian's `Debian 6.1.192-2`); then the release; `latest` when unknown.
 */
export function webVersion(kernel: KernelIdentity | undefined, override?: string): WebVersion {
  if (override && override.trim()) return { tag: override.trim(), exact: true, from: 'setting', note: 'set by oopsLens.web.version' };
  const fromVer = kernel?.version ? fromVersionString(kernel.version) : undefined;
  if (fromVer) return fromVer;
  const fromRel = kernel?.release ? fromRelease(kernel.release) : undefined;
  if (fromRel) return fromRel;
  return { tag: 'latest', exact: false, from: 'none', note: 'kernel version not found in the report: links point to the latest release' };
}

/**
 * A kernel named somewhere in free text, for documents whose reports do not print one (pasted crash
 * sessions flattened into prose, blog posts): crash's `RELEASE:`/`VERSION:`, the `Linux version` banner,
 * a `Debian x.y.z-n` version, or a RHEL-style release in a kernel-debuginfo package or /lib/modules path.
 */
export function guessKernelFromText(text: string): KernelIdentity | undefined {
  const head = text.length > 2_000_000 ? text.slice(0, 2_000_000) : text;
  const release = /\bRELEASE:\s*(\d+\.\d+[\w.+~-]*)/.exec(head)?.[1]
    ?? /\bLinux version (\d+\.\d+[\w.+~-]*)/.exec(head)?.[1]
    ?? /(?:kernel-debuginfo-(?:common-\w+-)?|\/lib\/modules\/)(\d+\.\d+\.\d+-[\d.]+\.el\d+\w*(?:\.\w+)?)/.exec(head)?.[1];
  const version = /\bVERSION:\s*(#[^\n]*?)(?:\s{2,}|\n|$)/.exec(head)?.[1]
    ?? /\b(Debian \d+\.\d+(?:\.\d+)?-\S+)/.exec(head)?.[1];
  return release || version ? { ...(release ? { release } : {}), ...(version ? { version } : {}) } : undefined;
}
