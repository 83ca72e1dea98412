#!/usr/bin/env bash
# The main job in one command: build, package the VSIX for this platform, write the demo model
# (random weights) and a sample workspace, and open them in VS Code with the extension
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
MODEL="$DEMO/models/quantpilot-demo-random-weights.gguf"
[ -f "$MODEL" ] || node dist/cli.js make-test-model --out "$MODEL" --preset tiny --seed 1
cp -n "$ROOT/scripts/demo-workspace/"* "$DEMO/workspace/" 2>/dev/null || true
cat >"$DEMO/workspace/.vscode/settings.json" <<JSON
{
  "quantpilot.modelPath": "$MODEL",
  "quantpilot.threads": 1
}
JSON
log "demo model: $MODEL (random weights: its suggestions are meaningless text)"

if command -v code >/dev/null 2>&1 && [ "${QUANTPILOT_DEMO_USE_CODE_SERVER:-0}" != "1" ]; then
  log "opening VS Code"
  code --install-extension "$VSIX" --force
  code "$DEMO/workspace" "$DEMO/workspace/example.py"
  exit 0
fi

log "no desktop 'code' CLI: using code-server (VS Code in the browser)"
bash "$ROOT/scripts/setup-e2e.sh"
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
