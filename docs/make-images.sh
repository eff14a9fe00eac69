#!/usr/bin/env bash
# Page 1 of each document of the canonical sample, as PNG, for the README.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
cargo run -q --release -- build samples/canonique-lauragais.xlsx -o "$out" --date 2026-01-29 >/dev/null
for d in fiches-actions echeancier plan-d-actions; do
  pdftoppm -r 70 -png -f 1 -l 1 -singlefile "$out/$d.pdf" "docs/$d"
done
rm -rf "$out"
ls -l docs/*.png
