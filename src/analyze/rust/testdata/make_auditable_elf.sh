#!/bin/sh
# Rebuilds hello-auditable.elf: a real Rust executable (rustc, stripped) with a hand-written
# cargo-auditable dependency list (deps.json, zlib-compressed) added as the .dep-v0 section, the
# way `cargo auditable build` embeds it (that tool itself cannot be installed here: no crates.io).
#   cd src/analyze/rust/testdata && sh make_auditable_elf.sh
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'fn main() { println!("hello"); }\n' > "$work/main.rs"
rustc -C opt-level=z -C panic=abort -C strip=symbols -C codegen-units=1 -o "$work/hello" "$work/main.rs"
python3 -c 'import sys, zlib; sys.stdout.buffer.write(zlib.compress(open("deps.json", "rb").read(), 9))' > "$work/dep-v0"
objcopy --add-section .dep-v0="$work/dep-v0" --set-section-flags .dep-v0=noload,readonly "$work/hello" hello-auditable.elf
