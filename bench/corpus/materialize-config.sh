#!/usr/bin/env bash
# Adds to materialized codebases (one directory per <owner>+<name>, JS/TS sources only) the files
# besides code that the audit reads in a real checkout: schemas (`*.prisma`, `*.sql`), `package.json`,
# `tsconfig*.json`/`jsconfig.json` and `.gitignore` files, taken from each codebase's git snapshot.
# Without them the audit sees no schema.prisma (so no unique keys), no tsconfig paths and no
# .gitignore, and reports what it would not report on the real checkout.
#
#   bench/corpus/materialize-config.sh [ROOT (default /tmp/real-code)] [MIRRORS (default /work/.mirror)]
set -u
root=${1:-/tmp/real-code}
mirrors=${2:-/work/.mirror}
for dir in "$root"/*/; do
  name=$(basename "$dir")
  repo="$mirrors/$name/repo"
  git -C "$repo" rev-parse HEAD >/dev/null 2>&1 || { echo "$name: no git snapshot at $repo"; continue; }
  added=0
  while read -r sha p; do
    [ -e "$dir/$p" ] && continue
    mkdir -p "$dir/$(dirname "$p")"
    git -C "$repo" cat-file -p "$sha" >"$dir/$p" 2>/dev/null && added=$((added + 1)) || rm -f "$dir/$p"
  done < <(git -C "$repo" ls-tree -r HEAD | awk '$2 == "blob" && ($4 ~ /\.(prisma|sql)$/ || $4 ~ /(^|\/)(package\.json|tsconfig[^\/]*\.json|jsconfig\.json|\.gitignore)$/) {print $3" "$4}')
  echo "$name: $added files added"
done
