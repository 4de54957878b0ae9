#!/usr/bin/env bash
# Installs a real VS Code for the e2e suite: code-server (VS Code served to a browser, with the
# normal Node extension host) from the npm registry, plus Debian's chromium to drive it.
# `@vscode/test-electron` downloads VS Code from a CDN these machines cannot reach; code-server
# comes from npm, which they can. Recipe and why each step exists: ../shared/E2E.md.
#
# Idempotent: everything lands in the ignored `.vscode-test/code-server/`, and a marker written at
# the very end makes a second run return at once. A run that died half-way has no marker and
# simply redoes the steps (npm's cache makes that cheap). Works unattended (CI, no stdin, root).
set -euo pipefail

VERSION=4.100.3 # the last code-server that runs on Node 20; newer ones want Node 22+
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/.vscode-test/code-server"
marker="$dir/.installed-$VERSION"

if [[ -f "$marker" ]]; then
  echo "code-server $VERSION: already installed in ${dir#"$root"/}"
  exit 0
fi
started=$SECONDS
step() { echo "[ensure-code-server +$((SECONDS - started))s] $*"; }

# 1. Debian packages, only those missing. libkrb5-dev: headers to compile the `kerberos` native
#    module; ripgrep: replaces the binary @vscode/ripgrep would download at install time;
#    chromium: the browser playwright-core drives.
missing=()
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
[[ -x /usr/bin/rg ]] || missing+=(ripgrep)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
# node-gyp's toolchain, present on these machines; installed only on a barer image.
command -v make >/dev/null || missing+=(make)
command -v g++ >/dev/null || missing+=(g++)
command -v python3 >/dev/null || missing+=(python3)
if ((${#missing[@]})); then
  step "apt-get install ${missing[*]}"
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo -n)
  export DEBIAN_FRONTEND=noninteractive
  # Wait for another apt (say, a parallel installer) instead of failing on its lock.
  apt=("${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600)
  "${apt[@]}" update -qq
  "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" </dev/null
fi

# 2. code-server itself, in a folder with its own package.json so npm does not walk up and
#    install into the repository's node_modules. --ignore-scripts: its postinstall would try to
#    download things; the native parts are rebuilt explicitly below.
mkdir -p "$dir"
cd "$dir"
[[ -f package.json ]] || echo '{ "private": true, "description": "code-server for the RL Lab e2e tests" }' >package.json
export npm_config_yes=true npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
step "npm install code-server@$VERSION"
npm install --no-save --ignore-scripts --loglevel=error "code-server@$VERSION"

# 3. VS Code's own dependencies (code-server ships them as a package.json, not installed).
vscode="$dir/node_modules/code-server/lib/vscode"
cd "$vscode"
step "npm install in lib/vscode"
npm install --omit=dev --ignore-scripts --loglevel=error
mkdir -p node_modules/@vscode/ripgrep/bin
cp -f "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
# npm 11 runs no dependency install scripts by itself; rebuilding these by name compiles them.
step "npm rebuild native modules of lib/vscode"
npm rebuild --loglevel=error kerberos node-pty @parcel/watcher @vscode/spdlog @vscode/deviceid native-watchdog
# VS Code loads node modules from `node_modules.asar` (its packaged layout).
[[ -e node_modules.asar ]] || ln -s node_modules node_modules.asar

# 4. The built-in extensions' dependencies (git, markdown, ... run in the extension host).
cd "$vscode/extensions"
step "npm install in lib/vscode/extensions"
npm install --omit=dev --ignore-scripts --loglevel=error

# 5. argon2 (password hashing) has no prebuilt binary for this setup; compile it.
cd "$dir"
step "npm rebuild argon2"
npm rebuild --loglevel=error argon2 --build-from-source

# The install is usable only if the native modules really load; check before writing the marker.
step "checking native modules"
(cd "$vscode" && node -e "for (const m of ['kerberos','node-pty','@parcel/watcher','@vscode/spdlog','@vscode/deviceid','native-watchdog']) require(m)")
(cd "$dir/node_modules/code-server" && node -e "require('argon2')")
node "$dir/node_modules/code-server/out/node/entry.js" --version >/dev/null

date -u +%FT%TZ >"$marker"
step "done: code-server $VERSION in ${dir#"$root"/}"
