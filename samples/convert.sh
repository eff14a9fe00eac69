#!/usr/bin/env bash
# Rebuilds every sample: the xlsx from samples/sources/, then the .ods and .xls copies
# through LibreOffice (apt-get install libreoffice-calc-nogui).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run -q --example make_samples
soffice --headless --convert-to ods --outdir samples samples/002-pst-sections-annees.xlsx >/dev/null
soffice --headless --convert-to xls --outdir samples samples/000-pst-ambitions-texte.xlsx >/dev/null
soffice --headless --convert-to ods --outdir samples samples/001-ctg-ambitions.xlsx >/dev/null
ls -l samples
