#!/bin/sh
# The peer of the listing benchmark: what an operator's shell script does, one curl after another.
# Usage: curl-listing.sh REGISTRY_URL OUT_DIR SAMPLE_FILE
#   Follows the catalog's Link headers page by page (n=1000), then fetches the tag list of each
#   repository named in SAMPLE_FILE (one per line). Prints "catalog_ns tags_ns" (wall time of each phase).
set -eu
base="$1"; out="$2"; sample="$3"
: > "$out/catalog.jsonl"
: > "$out/tags.jsonl"
t0=$(date +%s%N)
next="/v2/_catalog?n=1000"
while [ -n "$next" ]; do
  curl -sSf -D "$out/headers" "$base$next" >> "$out/catalog.jsonl"
  echo >> "$out/catalog.jsonl"
  next=$(sed -n 's/^[Ll]ink: *<\([^>]*\)>.*rel="next".*/\1/p' "$out/headers" | tr -d '\r')
done
t1=$(date +%s%N)
while read -r repo; do
  curl -sSf "$base/v2/$repo/tags/list" >> "$out/tags.jsonl"
  echo >> "$out/tags.jsonl"
done < "$sample"
t2=$(date +%s%N)
echo "$((t1 - t0)) $((t2 - t1))"
