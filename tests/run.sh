#!/usr/bin/env bash
# The test command (README, and .ci/run on a clean clone of main): installs what the tests read
# PDFs and spreadsheets with, checks formatting and lints, then runs the README's tests.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
# LibreOffice lets a test open annexe.xlsx as a user would; without it that test is skipped.
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
# The web pages are tested in a real browser over WebDriver, with axe-core from npm.
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq poppler-utils qpdf chromium chromium-driver >/dev/null
  command -v npm >/dev/null 2>&1 || apt-get install -y -qq npm >/dev/null
  apt-get install -y -qq libreoffice-calc-nogui >/dev/null || echo "LibreOffice non installé : contrôle d'ouverture sauté"
fi
# axe-core into a git-ignored folder; tests/browser.rs injects it from there.
[ -f .ci/npm/node_modules/axe-core/axe.min.js ] ||
  npm install --prefix .ci/npm --no-audit --no-fund --silent axe-core@4

# Accessibility checkers and MuPDF: the tests read every PDF back with them.
# openpyxl writes the workbooks some reading tests start from and reads the annex back.
if ! command -v outloud >/dev/null 2>&1 || ! command -v pdfua >/dev/null 2>&1 || ! python3 -c "import pymupdf, openpyxl" >/dev/null 2>&1; then
  if ! command -v python3 >/dev/null 2>&1 || ! python3 -m pip --version >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq python3 python3-pip >/dev/null
  fi
  python3 -m pip install -q outloud pdfua pymupdf openpyxl 2>/dev/null ||
    python3 -m pip install -q --break-system-packages outloud pdfua pymupdf openpyxl
fi

cargo fmt --check
cargo clippy --release --all-targets -- -D warnings
# The API documentation builds without a warning (broken links, bad markup).
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
# The fuzz target still compiles against the library (its own workspace; libFuzzer's C++
# part needs a C++ compiler).
command -v c++ >/dev/null 2>&1 || { export DEBIAN_FRONTEND=noninteractive; apt-get update -qq; apt-get install -y -qq g++ >/dev/null; }
cargo check --quiet --manifest-path fuzz/Cargo.toml --target-dir target/fuzz
# The README's test command, then one closing line that counts every test run.
log=$(mktemp)
cargo test --release 2>&1 | tee "$log"
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
rm -f "$log"
