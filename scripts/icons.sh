#!/usr/bin/env bash
# Renders assets/icon.svg to the PNG icons of the web manifest (public/icons/icon-192.png and
# icon-512.png) with headless Chromium. The PNGs are committed; run this after changing the SVG.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for size in 192 512; do
  printf '<!doctype html><style>html,body{margin:0;background:transparent}img{display:block;width:%dpx;height:%dpx}</style><img src="file://%s/assets/icon.svg">' \
    "$size" "$size" "$PWD" > "$work/icon.html"
  chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
    --default-background-color=00000000 --window-size="$size,$size" \
    --screenshot="$PWD/public/icons/icon-$size.png" "file://$work/icon.html" 2>/dev/null
  echo "public/icons/icon-$size.png"
done
