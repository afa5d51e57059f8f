#!/bin/sh
# Validates `surveyor sbom` output against CycloneDX 1.5 (the schema in npm's
# @cyclonedx/cyclonedx-library) and SPDX 2.3 (make_spdx_subset_schema.py) with ajv.
#   src/report/testdata/validate/run.sh SURVEYOR_BINARY IMAGE...
# Needs node/npm (npm install into a temporary directory).
set -eu
bin=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here"/validate_cdx.js "$here"/validate_spdx.js "$work"/
cd "$work"
python3 "$here/make_spdx_subset_schema.py"
npm install --silent --no-audit --no-fund ajv ajv-formats @cyclonedx/cyclonedx-library >/dev/null
n=0
for img in "$@"; do
  n=$((n + 1))
  "$bin" sbom "$img" -q -f cyclonedx -o "$work/$n.cdx.json"
  "$bin" sbom "$img" -q -f spdx -o "$work/$n.spdx.json"
done
node validate_cdx.js ./*.cdx.json 2>/dev/null | grep -v '^unknown format'
node validate_spdx.js ./*.spdx.json
