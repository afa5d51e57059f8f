#!/usr/bin/env bash
# Remote input benchmark: `surveyor sbom` of bookworm-app (../shared/images/testimages) read from
# its OCI layout against the same image pulled from a local `surveyor serve` over docker://
# (HTTP, anonymous pull), cold (no layer cache). Prints wall time and peak RSS per round and
# checks that both inventories are identical.
#   bench/remote_pull.sh [ROUNDS]   (default 3; needs scripts/build, skopeo)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
images=../shared/images/testimages
[ -d "$images" ] || { echo "bench: $images is missing"; exit 1; }
surveyor=${SURVEYOR_BIN:-build/src/cli/surveyor}
work=$(mktemp -d /tmp/surveyor-remote-bench-XXXXXX)
port=5311
"$surveyor" serve --listen 127.0.0.1:$port --data "$work/data" --log-level error --anonymous push > "$work/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
skopeo copy -q --dest-tls-verify=false "oci:$images:bookworm-app" "docker://127.0.0.1:$port/bench/app:v1"
measure() {  # label, reference, extra args...
  local label=$1 ref=$2; shift 2
  /usr/bin/time -f "%e %M" -o "$work/t" "$surveyor" sbom "$ref" -q -f json -o "$work/$label.json" "$@"
  read -r secs kib < "$work/t"
  echo -e "$label\t${secs}s\t$((kib / 1024)) MiB"
}
for r in $(seq "$rounds"); do
  measure layout "oci:$images:bookworm-app"
  measure remote "docker://127.0.0.1:$port/bench/app:v1" --insecure
done
python3 - "$work/layout.json" "$work/remote.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
key = lambda d: sorted((p["name"], p["version"], p.get("path", "")) for p in d["packages"])
print("inventories identical:", key(a) == key(b), f"({len(a['packages'])} packages)")
PY
