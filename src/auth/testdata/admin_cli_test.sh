#!/bin/sh
# `surveyor admin *-access-key` round trip. Usage: admin_cli_test.sh <surveyor binary>
set -eu
bin="$1"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

out=$("$bin" admin create-access-key --data "$dir" --user-name ci-bot)
id=$(printf '%s\n' "$out" | sed -n 's/.*"AccessKeyId": "\([^"]*\)".*/\1/p')
secret=$(printf '%s\n' "$out" | sed -n 's/.*"SecretAccessKey": "\([^"]*\)".*/\1/p')
printf '%s' "$id" | grep -Eq '^AKIA[A-Z2-7]{16}$' || fail "bad id $id"
[ ${#secret} -eq 40 ] || fail "bad secret length"
[ "$(stat -c %a "$dir/access-keys.key")" = 600 ] || fail "key file mode"
grep -q "$secret" "$dir/access-keys.db" && fail "secret stored in clear"

list=$("$bin" admin list-access-keys --data "$dir")
printf '%s' "$list" | grep -q "\"$id\"" || fail "id not listed"
printf '%s' "$list" | grep -q "$secret" && fail "list shows the secret"

"$bin" admin delete-access-key --data "$dir" --access-key-id "$id"
"$bin" admin list-access-keys --data "$dir" | grep -q "$id" && fail "still listed after delete"
if "$bin" admin delete-access-key --data "$dir" --access-key-id "$id" 2>/dev/null; then
  fail "second delete succeeded"
fi
echo PASS
