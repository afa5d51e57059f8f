#!/bin/sh
# Image analysis benchmark (issue 5). Needs the shared test images and `igzip` (Debian: isal).
#   bench/analyze_bench.sh [build-dir]
# 1. the decompression lower bound: `igzip -d` of bookworm-app's five layers, best of 5;
# 2. our cold analysis of the same image (analyze_bench: decompress only / tar / analyze / +verify);
# 3. the second image (polyglot) sharing the base layer with a warm cache: only new layers walked;
# 4. peak RSS on a generated 2 GB layer and on 10^6 tiny files (analyze_stress).
set -eu
B=${1:-build}
L=${SURVEYOR_SHARED_DIR:-$(dirname "$0")/../../shared}/images/testimages
[ -f "$L/index.json" ] || { echo "no test images at $L"; exit 0; }
manifest=$(python3 -c "import json,sys; i=json.load(open('$L/index.json')); print([m['digest'] for m in i['manifests'] if m['annotations']['org.opencontainers.image.ref.name']=='bookworm-app'][0].split(':')[1])")
layers=$(python3 -c "import json; print(' '.join(l['digest'].split(':')[1] for l in json.load(open('$L/blobs/sha256/$manifest'))['layers']))")
best=999
for i in 1 2 3 4 5; do
  t0=$(date +%s.%N)
  for l in $layers; do igzip -dc < "$L/blobs/sha256/$l" > /dev/null; done
  t=$(echo "$(date +%s.%N) - $t0" | bc)
  best=$(echo "if ($t < $best) $t else $best" | bc)
done
echo "igzip -d of bookworm-app layers: best of 5 = ${best} s"
"$B/bench/analyze_bench" "oci:$L:bookworm-app" "oci:$L:polyglot" 5
/usr/bin/time -f "analyze_stress big: wall %e s, max RSS %M KB" "$B/bench/analyze_stress" big 2
STRESS_PLAIN=1 /usr/bin/time -f "analyze_stress tiny (no gzip): wall %e s, max RSS %M KB" "$B/bench/analyze_stress" tiny 1000000
