#!/usr/bin/env bash
# Registry benchmark: Surveyor against Debian's docker-registry (CNCF distribution 2.8) on this
# machine, in the same run, alternating, each round on fresh data directories.
#   bench/registry.sh [ROUNDS]   (default 5; needs scripts/build, skopeo, curl)
# Measures: skopeo copy push and pull of bookworm-app (../shared/images/testimages), raw
# monolithic upload (POST + PUT with the body) and blob GET of 256 MiB with curl, and manifest
# HEAD/GET latency over keep-alive (bench/http_latency.py). Prints medians and ratios (distribution / surveyor,
# so > 1 means Surveyor is faster).
# Two more figures show what bounds the push: push_server_cpu_s, the CPU seconds each server
# spends taking the image in, and push_client_cpu_s, skopeo's own. skopeo pushes an oci:
# layout's layers one at a time and hashes every byte itself, so a push takes about as long
# as skopeo's CPU time at the least, whatever the registry. push_fast_client is the same image
# pushed by a client that does not bound it (bench/blob_push.py: four blobs at a time, as
# crane does by default, with the digests the manifest gives), on fresh servers of its own.
# Note: it deletes skopeo's blob-info cache before each copy, so that no copy is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
images=../shared/images/testimages
[ -d "$images" ] || { echo "bench: $images is missing"; exit 1; }
surveyor=build/src/cli/surveyor
[ -x "$surveyor" ] || scripts/build
work=$(mktemp -d /tmp/surveyor-bench-XXXXXX)
results=$work/results.tsv
: > "$results"
head -c $((256 << 20)) /dev/urandom > "$work/blob.bin"
digest=sha256:$(sha256sum "$work/blob.bin" | cut -d' ' -f1)
sv_port=5301; ref_port=5302
clear_cache() { rm -f /var/lib/containers/cache/blob-info-cache-v1.* ~/.local/share/containers/cache/blob-info-cache-v1.* 2>/dev/null || true; }
now() { date +%s.%N; }
record() { echo -e "$1\t$2\t$3" >> "$results"; }
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }

start_servers() {
  rm -rf "$work/sv" "$work/ref"; mkdir -p "$work/sv"
  # Registry against registry: Surveyor's scanner is off here (SURVEYOR_BENCH_SCAN=1 turns it on),
  # since analysing the image just pushed competes for the two cores with the pull that follows.
  printf 'scan:\n  enabled: %s\n' "$([ "${SURVEYOR_BENCH_SCAN:-0}" = 1 ] && echo true || echo false)" > "$work/sv.yaml"
  "$surveyor" serve --config "$work/sv.yaml" --listen 127.0.0.1:$sv_port --data "$work/sv/data" --log-level error --anonymous push > "$work/sv/log" 2>&1 &
  sv_pid=$!
  ../shared/tools/reference-registry.sh start $ref_port "$work/ref" >/dev/null
  ref_pid=$(cat "$work/ref/pid")
  for _ in $(seq 100); do curl -sf http://127.0.0.1:$sv_port/v2/ >/dev/null && break; sleep 0.05; done
}
stop_servers() {
  kill "$sv_pid"; wait "$sv_pid" 2>/dev/null || true
  ../shared/tools/reference-registry.sh stop "$work/ref" >/dev/null
}

push_pull() {  # name port pid
  local name=$1 port=$2 pid=$3 c0 c1 wall client_cpu
  clear_cache; sync
  c0=$(cpu_seconds "$pid")
  read -r wall client_cpu < <(python3 bench/timed.py skopeo copy -q --dest-tls-verify=false \
    "oci:$images:bookworm-app" "docker://127.0.0.1:$port/bench/app:v1")
  c1=$(cpu_seconds "$pid")
  record "$name" push "$wall"
  record "$name" push_server_cpu_s "$(echo "$c1 - $c0" | bc)"
  record "$name" push_client_cpu_s "$client_cpu"
  rm -rf "$work/pulled"; clear_cache
  read -r wall client_cpu < <(python3 bench/timed.py skopeo copy -q --src-tls-verify=false \
    "docker://127.0.0.1:$port/bench/app:v1" "oci:$work/pulled:v1")
  record "$name" pull "$wall"
  record "$name" pull_client_cpu_s "$client_cpu"
}

raw_blob() {  # name port
  local name=$1 port=$2 location t
  location=$(curl -si -X POST "http://127.0.0.1:$port/v2/raw/blobs/uploads/" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
  case "$location" in http*) ;; *) location="http://127.0.0.1:$port$location" ;; esac
  sep='?'; case "$location" in *\?*) sep='&' ;; esac
  sync
  t=$(curl -s -o /dev/null -w '%{time_total}' -T "$work/blob.bin" "$location${sep}digest=$digest")
  record "$name" upload_MBps "$(echo "256 * 1.048576 / $t" | bc -l)"
  t=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port/v2/raw/blobs/$digest")
  record "$name" get_MBps "$(echo "256 * 1.048576 / $t" | bc -l)"
}

manifest_latency() {  # name port
  local name=$1 port=$2 method out
  for method in HEAD GET; do
    out=$(python3 bench/http_latency.py "$port" /v2/bench/app/manifests/v1 "$method" 2000 \
          "Accept:application/vnd.oci.image.manifest.v1+json")
    record "$name" "manifest_${method}_p50_ms" "${out% *}"
    record "$name" "manifest_${method}_p99_ms" "${out#* }"
  done
}

for round in $(seq "$rounds"); do
  start_servers
  for who in surveyor distribution; do
    if [ "$who" = surveyor ]; then port=$sv_port; else port=$ref_port; fi
    sync
    record "$who" push_fast_client "$(python3 bench/blob_push.py "$port" "$images" bookworm-app bench/fast 4)"
  done
  stop_servers
  start_servers
  if [ $((round % 2)) -eq 1 ]; then order="surveyor distribution"; else order="distribution surveyor"; fi
  for who in $order; do
    if [ "$who" = surveyor ]; then port=$sv_port pid=$sv_pid; else port=$ref_port pid=$ref_pid; fi
    push_pull "$who" "$port" "$pid"
    raw_blob "$who" "$port"
    manifest_latency "$who" "$port"
  done
  stop_servers
  echo "round $round done" >&2
done

python3 - "$results" <<'PY'
import collections, statistics, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    who, metric, value = line.split("\t")
    rows[(who, metric)].append(float(value))
metrics = ["push", "push_server_cpu_s", "push_client_cpu_s", "push_fast_client", "pull", "pull_client_cpu_s", "upload_MBps", "get_MBps", "manifest_HEAD_p50_ms",
           "manifest_HEAD_p99_ms", "manifest_GET_p50_ms", "manifest_GET_p99_ms"]
higher_is_better = {"upload_MBps", "get_MBps"}
print(f"{'metric':24} {'surveyor':>12} {'distribution':>14} {'ratio':>8}")
for m in metrics:
    s = statistics.median(rows[("surveyor", m)])
    d = statistics.median(rows[("distribution", m)])
    ratio = s / d if m in higher_is_better else d / s
    unit = "s" if m.startswith(("push", "pull")) else ""
    print(f"{m:24} {s:11.3f}{unit:1} {d:13.3f}{unit:1} {ratio:7.2f}x")
client = {w: statistics.median(rows[(w, "push_client_cpu_s")]) for w in ("surveyor", "distribution")}
push = {w: statistics.median(rows[(w, "push")]) for w in ("surveyor", "distribution")}
print("skopeo push, wall time over skopeo's own CPU time (near 1: the client is what bounds it):",
      ", ".join(f"{w} {push[w] / client[w]:.2f}" for w in push))
print("(medians of", len(rows[("surveyor", "push")]), "rounds; ratio > 1 means Surveyor is faster)")
PY
rm -rf "$work"
