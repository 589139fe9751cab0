#!/usr/bin/env bash
# Builds an earlier commit of the subgraph into bench/baseline/dist, so that `BENCH_BASELINE=1 npm run bench`
# (or bench:profile) measures it beside the current code in the same run: before/after ratios.
# Usage: bash bench/baseline.sh <git-ref>
set -euo pipefail
ref="${1:?usage: bench/baseline.sh <git-ref>}"
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$tmp" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git -C "$root" worktree add --detach "$tmp" "$ref" >/dev/null
ln -s "$root/node_modules" "$tmp/node_modules"
rm -rf "$root/bench/baseline"
(cd "$tmp" && npx tsc -p tsconfig.build.json --outDir "$root/bench/baseline/dist")
# The entry point reads ../package.json (its engines range) beside dist/.
cp "$tmp/package.json" "$root/bench/baseline/package.json"
git -C "$root" rev-parse --short "$ref" > "$root/bench/baseline/REF"
echo "bench/baseline/dist built from $(cat "$root/bench/baseline/REF")"
