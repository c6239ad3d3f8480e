#!/usr/bin/env bash
# Supply-chain checks, offline: licences, bans and sources (cargo deny, policy in deny.toml) and
# known advisories (cargo audit against the advisory database snapshot in ../shared/advisory-db,
# exceptions justified in .cargo/audit.toml). Installs the tools from crates.io if missing.
#
#   deploy/local/supply-chain.sh
#   ADVISORY_DB=/path/to/advisory-db deploy/local/supply-chain.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

advisory_db=${ADVISORY_DB:-../shared/advisory-db}

for tool in cargo-deny cargo-audit; do
    if ! command -v "$tool" >/dev/null; then
        echo "== installing $tool (crates.io)"
        cargo install --locked "$tool"
    fi
done

status=0
echo "== cargo deny --offline check bans licenses sources"
cargo deny --offline check bans licenses sources || status=1

echo "== cargo audit --db $advisory_db --no-fetch"
if [[ -d $advisory_db ]]; then
    cargo audit --db "$advisory_db" --no-fetch || status=1
else
    echo "supply-chain.sh: no advisory database at $advisory_db (set ADVISORY_DB)" >&2
    status=1
fi

if [[ $status -eq 0 ]]; then echo "supply chain: ok"; else echo "supply chain: FAILED"; fi
exit "$status"
