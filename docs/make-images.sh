#!/usr/bin/env bash
# Page 1 and one inner page of each document of the followed sample, as PNG, for the README.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
cargo run -q --release -- build samples/suivi-lauragais.xlsx -o "$out" --date 2026-01-29 >/dev/null
# document, inner page shown (a fiche with milestones, the tables that follow page 1)
for spec in fiches-actions:11 echeancier:2 plan-d-actions:2 evaluation:2; do
  d=${spec%%:*} inner=${spec##*:}
  pdftoppm -r 70 -png -f 1 -l 1 -singlefile "$out/$d.pdf" "docs/$d"
  pdftoppm -r 70 -png -f "$inner" -l "$inner" -singlefile "$out/$d.pdf" "docs/$d-suite"
done
rm -rf "$out"
ls -l docs/*.png
