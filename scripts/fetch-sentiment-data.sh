#!/usr/bin/env bash
# Fetches the UCI "Sentiment Labelled Sentences" (Kotzias et al., 2015, CC BY 4.0) and the AFINN-165
# lexicon baseline, both shipped inside the npm package sentiment@5.0.2, into .data/sentiment/:
#   .data/sentiment/fixtures/{amazon,imdb,yelp}.json   [{"text":..., "class":0|1}]
#   .data/sentiment/en/{labels,negators}.json          AFINN-165 lexicon + negators (MIT)
# The folder ignores itself in git. Idempotent: does nothing when the files are already there.
# Usage: scripts/fetch-sentiment-data.sh [target-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:-.data/sentiment}"
version=5.0.2

if [ -s "$target/fixtures/yelp.json" ] && [ -s "$target/en/labels.json" ]; then
  echo "fetch-sentiment-data: already present in $target"
  exit 0
fi

command -v npm >/dev/null || { echo "fetch-sentiment-data: npm is required" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "sentiment@$version" --silent >/dev/null && tar xzf "sentiment-$version.tgz" \
  package/test/fixtures package/languages/en package/LICENSE.md)

mkdir -p "$target/fixtures" "$target/en"
cp "$work"/package/test/fixtures/{amazon,imdb,yelp}.json "$target/fixtures/"
cp "$work"/package/languages/en/{labels,negators}.json "$target/en/"
cp "$work"/package/LICENSE.md "$target/en/LICENSE-sentiment-package.md"
# Keep the fetched data out of git without touching the repository's .gitignore.
root_dir="${target%%/*}"
if [ "$root_dir" = ".data" ] && [ ! -f .data/.gitignore ]; then printf '*\n' > .data/.gitignore; fi
echo "fetch-sentiment-data: sentiment@$version fixtures and AFINN-165 lexicon in $target"
