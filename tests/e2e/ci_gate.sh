#!/bin/sh
# SCENARIOS §6 as a pipeline step: push an image, wait for its scan, fail on CRITICAL findings.
#
#   ci_gate.sh SOURCE REPOSITORY TAG
#
# SOURCE is anything skopeo copies from (oci:dir:tag, docker-archive:file.tar, ...). The
# registry is ENDPOINT (http://host:port); the aws CLI is $AWS (default: aws), its credentials
# and region come from the environment as usual. TIMEOUT bounds the wait in seconds (default 120).
# Exit status: 0 no critical finding, 1 critical findings, 2 scan FAILED, 3 timeout, 4 usage or
# a failed step.
set -u

if [ $# -ne 3 ] || [ -z "${ENDPOINT:-}" ]; then
  echo "usage: ENDPOINT=http://host:port ci_gate.sh SOURCE REPOSITORY TAG" >&2
  exit 4
fi
SOURCE=$1 REPO=$2 TAG=$3
AWS=${AWS:-aws}
TIMEOUT=${TIMEOUT:-120}
HOST=${ENDPOINT#*://}
AUTHDIR=$(mktemp -d)
AUTHFILE=$AUTHDIR/auth.json
trap 'rm -rf "$AUTHDIR"' EXIT

# Log in with the ECR token and push.
"$AWS" --endpoint-url "$ENDPOINT" ecr get-login-password |
  skopeo login --tls-verify=false --authfile "$AUTHFILE" -u AWS --password-stdin "$HOST" >/dev/null ||
  { echo "ci-gate: login to $HOST failed" >&2; exit 4; }
skopeo copy --quiet --dest-tls-verify=false --authfile "$AUTHFILE" "$SOURCE" \
  "docker://$HOST/$REPO:$TAG" || { echo "ci-gate: push failed" >&2; exit 4; }

# Poll the scan status every second until COMPLETE or FAILED.
waited=0
while :; do
  status=$("$AWS" --endpoint-url "$ENDPOINT" ecr describe-image-scan-findings \
    --repository-name "$REPO" --image-id "imageTag=$TAG" \
    --query 'imageScanStatus.status' --output text 2>/dev/null)
  case "$status" in
    COMPLETE) break ;;
    FAILED) echo "ci-gate: the scan of $REPO:$TAG FAILED" >&2; exit 2 ;;
  esac
  if [ "$waited" -ge "$TIMEOUT" ]; then
    echo "ci-gate: no scan result for $REPO:$TAG after ${TIMEOUT}s (last status: ${status:-none})" >&2
    exit 3
  fi
  sleep 1
  waited=$((waited + 1))
done

# Count the CRITICAL ACTIVE findings of exactly this image.
count=$("$AWS" --endpoint-url "$ENDPOINT" inspector2 list-findings --filter-criteria '{
  "ecrImageRepositoryName":[{"comparison":"EQUALS","value":"'"$REPO"'"}],
  "ecrImageTags":[{"comparison":"EQUALS","value":"'"$TAG"'"}],
  "severity":[{"comparison":"EQUALS","value":"CRITICAL"}],
  "findingStatus":[{"comparison":"EQUALS","value":"ACTIVE"}]}' --query 'findings | length(@)') ||
  { echo "ci-gate: list-findings failed" >&2; exit 4; }
case "$count" in
  ''|*[!0-9]*) echo "ci-gate: unexpected count '$count'" >&2; exit 4 ;;
esac
if [ "$count" -gt 0 ]; then
  echo "ci-gate: $REPO:$TAG has $count critical finding(s): failing the build"
  exit 1
fi
echo "ci-gate: $REPO:$TAG has no critical findings"
exit 0
