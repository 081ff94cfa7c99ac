#!/usr/bin/env bash
# Prints the raw and gzip -9 size of what a page load of the built site transfers.
set -euo pipefail
dir="${1:-dist}"
total_raw=0
total_gz=0
while IFS= read -r -d '' file; do
  case "$file" in *.wasm|*.js|*.css|*/index.html) ;; *) continue ;; esac
  raw=$(stat -c %s "$file")
  gz=$(gzip -9 -c "$file" | wc -c)
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  printf '  %8d B  %8d B gz  %s\n' "$raw" "$gz" "${file#"$dir"/}"
done < <(find "$dir" -type f -print0 | sort -z)
awk -v r="$total_raw" -v g="$total_gz" 'BEGIN { printf "dist total: %d B raw, %d B gzip -9 (%.1f KiB)\n", r, g, g / 1024 }'
