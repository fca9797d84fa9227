#!/usr/bin/env bash
# Lighthouse (mobile, its default) on the home, an article and the search page of a running
# site, e.g. `make run` in another terminal, then:
#
#   scripts/lighthouse.sh [http://127.0.0.1:8000]
#
# Needs Node (npx fetches Lighthouse from the npm registry) and Debian's Chromium.
set -euo pipefail
base="${1:-http://127.0.0.1:8000}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
article=$(curl -fsS "$base/" | grep -o 'href="/articles/[^"]*"' | head -1 | cut -d'"' -f2)
report=$(mktemp --suffix=.json)
trap 'rm -f "$report"' EXIT

for path in / "$article" "/search/?q=Nh%E1%BA%ADt"; do
    npx --yes lighthouse@12 "$base$path" --quiet --output=json --output-path="$report" \
        --only-categories=performance,accessibility,best-practices,seo \
        --chrome-flags="--headless=new --no-sandbox"
    node -e '
        const report = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        const scores = Object.values(report.categories)
            .map((category) => `${category.title} ${Math.round(category.score * 100)}`);
        console.log(`${process.argv[2]}: ${scores.join(", ")} (Lighthouse ${report.lighthouseVersion})`);
    ' "$report" "$path"
done
