#!/bin/sh
# Rebuilds the fallback fonts shipped in fonts/ from their upstream files, subset to
# what plans contain (fontTools' pyftsubset: `pip install fonttools`). Upstream files:
#   Debian package fonts-noto-core (20201225): NotoSansArabic-Regular.ttf,
#     NotoSansHebrew-Regular.ttf, NotoSansSymbols2-Regular.ttf
#     (apt-get download fonts-noto-core && dpkg -x fonts-noto-core_*.deb deb)
#   npm package @expo-google-fonts/noto-emoji 0.4.7: NotoEmoji_400Regular.ttf
#     (monochrome Noto Emoji 3.006; npm pack @expo-google-fonts/noto-emoji)
# Usage: fonts/subset.sh DIR_WITH_UPSTREAM_TTFS
set -eu
src=$1
out=$(dirname "$0")
common="--no-hinting --drop-tables+=DSIG,STAT,vhea,vmtx --name-IDs=* --layout-features=* --notdef-outline"
# Arabic and its presentation forms (joining forms come from GSUB, kept whole).
pyftsubset "$src/NotoSansArabic-Regular.ttf" $common \
  --unicodes="U+0020,U+00A0,U+0600-06FF,U+0750-077F,U+08A0-08FF,U+200C-200F,U+FB50-FDFF,U+FE70-FEFF" \
  --output-file="$out/NotoSansArabic-Regular.ttf"
pyftsubset "$src/NotoSansHebrew-Regular.ttf" $common \
  --unicodes="U+0020,U+00A0,U+0590-05FF,U+200C-200F,U+FB1D-FB4F" \
  --output-file="$out/NotoSansHebrew-Regular.ttf"
# Arrows, technical and geometric symbols, dingbats, supplemental arrows and symbols.
pyftsubset "$src/NotoSansSymbols2-Regular.ttf" $common \
  --unicodes="U+0020,U+2190-21FF,U+2300-23FF,U+2460-24FF,U+25A0-27BF,U+2900-297F,U+2B00-2BFF,U+1F780-1F8FF,U+1FB00-1FBFF" \
  --output-file="$out/NotoSansSymbols2-Regular.ttf"
# Every emoji, drawn in one colour (PDF/A allows no colour font tables anyway).
pyftsubset "$src/NotoEmoji_400Regular.ttf" $common --unicodes="*" \
  --output-file="$out/NotoEmoji-Regular.ttf"
