#!/usr/bin/env bash
# Installs what the e2e tests need: Debian packages (Chromium, headers for native
# modules) and code-server 4.100.3 (= VS Code 1.100.3) in .cache/code-server/.
# code-server's own postinstall cannot run here (root check, GitHub downloads),
# so its steps are replayed by hand. Idempotent: every finished step is skipped,
# and a stamp file lets a warm machine return at once.
set -euo pipefail

CS_VERSION=4.100.3
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${QP_CODE_SERVER_CACHE:-$ROOT/.cache/code-server}"
STAMP="$CACHE/.setup-done-$CS_VERSION"
CS_BIN="$CACHE/node_modules/.bin/code-server"
CS_DIR="$CACHE/node_modules/code-server"
VS_DIR="$CS_DIR/lib/vscode"
APT_PACKAGES=(libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev ripgrep chromium)
START=$SECONDS

log() { printf '[setup-e2e %3ss] %s\n' "$((SECONDS - START))" "$*"; }
die() { printf '[setup-e2e] FAILED: %s\n' "$*" >&2; exit 1; }
trap 'die "line $LINENO: $BASH_COMMAND (exit $?)"' ERR

# --- 1. Debian packages (apt-get only when something is missing) -------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  log "apt: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "apt: packages present"
fi

mkdir -p "$CACHE"
# Two test runs starting at once must not build into the same folder.
exec 9>"$CACHE.lock"
flock 9

if [ -f "$STAMP" ] && "$CS_BIN" --config "$CACHE/config.yaml" --version 2>/dev/null | grep -q "^$CS_VERSION "; then
  log "code-server $CS_VERSION already set up in ${CACHE#"$ROOT"/}"
  "$CS_BIN" --config "$CACHE/config.yaml" --version
  exit 0
fi

# --- 2. code-server package without its install scripts ----------------------
cd "$CACHE"
# A marker written after npm returns, so an interrupted install is redone.
if [ ! -f "$CACHE/.npm-done-$CS_VERSION" ]; then
  log "npm: installing code-server@$CS_VERSION"
  [ -f package.json ] || npm init -y >/dev/null
  npm install --ignore-scripts --no-audit --no-fund --loglevel=error "code-server@$CS_VERSION"
  touch "$CACHE/.npm-done-$CS_VERSION"
else
  log "npm: code-server@$CS_VERSION present"
fi

# --- 3. VS Code's own dependencies ------------------------------------------
if [ ! -f "$VS_DIR/node_modules/.package-lock.json" ]; then
  log "npm: installing VS Code server dependencies"
  (cd "$VS_DIR" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
else
  log "npm: VS Code server dependencies present"
fi

# --- 4. native modules -------------------------------------------------------
# npm bundles node-gyp; the Node headers come from the local install because
# node-gyp's header download needs nodejs.org.
NODE_GYP="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
[ -f "$NODE_GYP" ] || die "node-gyp not found next to npm ($NODE_GYP)"
GYP_ARGS=(--jobs=max)
NODE_PREFIX="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
[ -f "$NODE_PREFIX/include/node/common.gypi" ] && GYP_ARGS+=("--nodedir=$NODE_PREFIX")

build_native() { # dir [extra node-gyp args...]
  local dir="$1"; shift
  log "node-gyp: ${dir#"$CACHE"/node_modules/}"
  (cd "$dir" && node "$NODE_GYP" rebuild "${GYP_ARGS[@]}" "$@" >"$dir/.gyp-build.log" 2>&1) \
    || { tail -n 30 "$dir/.gyp-build.log" >&2; die "native build of $dir (log: $dir/.gyp-build.log)"; }
  touch "$dir/.gyp-built"
}

# A marker, not the .node file: some packages ship a Windows binary, and the
# @vscode/windows-* ones build nothing on Linux.
shopt -s nullglob
for gyp in "$VS_DIR"/node_modules/*/binding.gyp "$VS_DIR"/node_modules/@*/*/binding.gyp; do
  dir="$(dirname "$gyp")"
  [ -f "$dir/.gyp-built" ] || build_native "$dir"
done
log "native modules built"

# --- 5. ripgrep (the npm package would download it from GitHub) --------------
RG_DST="$VS_DIR/node_modules/@vscode/ripgrep/bin/rg"
if [ ! -x "$RG_DST" ]; then
  mkdir -p "$(dirname "$RG_DST")"
  cp "$(command -v rg)" "$RG_DST"
  log "ripgrep copied"
fi

# --- 6. the links and the extension dependencies the postinstall would make --
ln -sfn node_modules "$VS_DIR/node_modules.asar"
ln -sfn code-linux.sh "$VS_DIR/bin/remote-cli/code-server"
ln -sfn browser-linux.sh "$VS_DIR/bin/helpers/browser.sh"
if [ ! -f "$VS_DIR/extensions/node_modules/.package-lock.json" ]; then
  log "npm: installing built-in extension dependencies"
  (cd "$VS_DIR/extensions" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
fi

# --- 7. argon2 (password hashing; util.js requires it when code-server starts) -
ARGON_DIR="$CACHE/node_modules/argon2"
ARGON_NODE="$ARGON_DIR/lib/binding/napi-v3/argon2.node"
if [ ! -f "$ARGON_NODE" ] || [ ! -f "$ARGON_DIR/.gyp-built" ]; then
  build_native "$ARGON_DIR" --module_name=argon2 --module_path=lib/binding/napi-v3 --napi_build_version=3
  mkdir -p "$(dirname "$ARGON_NODE")"
  cp "$ARGON_DIR/build/Release/argon2.node" "$ARGON_NODE"
fi

# --- 8. check ----------------------------------------------------------------
version="$("$CS_BIN" --config "$CACHE/config.yaml" --version)" || die "code-server --version failed"
echo "$version"
grep -q "^$CS_VERSION " <<<"$version" || die "expected code-server $CS_VERSION"
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium missing"
date -u +%FT%TZ >"$STAMP"
log "done"
