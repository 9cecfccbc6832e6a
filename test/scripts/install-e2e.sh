#!/usr/bin/env bash
# Installs what the end-to-end tests (npm run test:e2e) and `npm start` need, offline apart from
# the npm registry and Debian apt:
#   - Debian packages: chromium (the browser that hosts the workbench), ripgrep (replaces the
#     GitHub download of @vscode/ripgrep), libkrb5-dev (headers for code-server's `kerberos` module),
#     g++/make/python3 (node-gyp compiles code-server's native modules)
#   - code-server 4.100.3 (= VS Code 1.100.3, runs on node 20) from npm, into a cache directory
#     outside the tracked tree: $OOPS_E2E_CACHE, default test/e2e/.cache (gitignored).
# Idempotent: a second run with everything present takes well under a second.
# Usage: test/scripts/install-e2e.sh        (as root, or with the Debian packages already installed)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CS_VERSION="4.100.3"
CACHE="${OOPS_E2E_CACHE:-$ROOT/test/e2e/.cache}"
TARGET="$CACHE/code-server-$CS_VERSION"
# @vscode/ripgrep version in code-server 4.100.3's lib/vscode shrinkwrap, and the asset its
# postinstall would fetch from GitHub; it looks in $TMPDIR/vscode-ripgrep-cache-<ver>/ first.
RG_PKG_VERSION="1.15.11"
RG_ASSET="ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"

# 1. Debian packages
need=()
[ -f /usr/include/gssapi/gssapi.h ] || need+=(libkrb5-dev)
command -v rg >/dev/null || need+=(ripgrep)
[ -x /usr/bin/chromium ] || need+=(chromium)
# node-gyp builds code-server's native modules (argon2, node-pty, kerberos, spdlog, ...) from source
command -v g++ >/dev/null || need+=(g++)
command -v make >/dev/null || need+=(make)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-e2e: missing Debian packages: ${need[*]} (run as root, or: sudo apt-get install ${need[*]})" >&2
    exit 1
  fi
  echo "install-e2e: apt-get install ${need[*]}"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# 2. code-server
if [ -x "$TARGET/node_modules/.bin/code-server" ] && [ -f "$TARGET/.complete" ]; then
  echo "install-e2e: code-server $CS_VERSION already in $TARGET"
  exit 0
fi
rm -rf "$TARGET"
mkdir -p "$TARGET/tmp/vscode-ripgrep-cache-$RG_PKG_VERSION" "$TARGET/tmp/rgpkg"
cp "$(command -v rg)" "$TARGET/tmp/rgpkg/rg"
tar czf "$TARGET/tmp/vscode-ripgrep-cache-$RG_PKG_VERSION/$RG_ASSET" -C "$TARGET/tmp/rgpkg" rg
cd "$TARGET"
echo '{"name":"oops-lens-e2e-host","private":true}' > package.json
echo "install-e2e: npm install code-server@$CS_VERSION into $TARGET (about a minute: native modules are compiled)"
# unsafe_perm: code-server's postinstall refuses to run as root without it.
# yes: node-pty's postinstall runs `npx node-gyp`, which aborts without a TTY otherwise.
# TMPDIR: where @vscode/ripgrep finds the seeded download instead of asking GitHub.
TMPDIR="$TARGET/tmp" npm_config_unsafe_perm=true npm_config_yes=true \
  npm install --no-audit --no-fund --foreground-scripts "code-server@$CS_VERSION" > install.log 2>&1 \
  || { tail -40 install.log; echo "install-e2e: npm install failed, full log: $TARGET/install.log" >&2; exit 1; }
# --version alone writes into XDG dirs; keep them inside the install.
v=$(XDG_CONFIG_HOME="$TARGET/tmp/xdg" XDG_DATA_HOME="$TARGET/tmp/xdg" XDG_CACHE_HOME="$TARGET/tmp/xdg" \
  "$TARGET/node_modules/.bin/code-server" --version | grep -E "^[0-9]+\." | head -1)
rm -rf "$TARGET/tmp"
touch "$TARGET/.complete"
echo "install-e2e: code-server $v installed in $TARGET (${SECONDS} s)"
