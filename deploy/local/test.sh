#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs and starts a local Postgres (tests create a
# fresh database each), installs the offline manifest validators, then runs every test of the
# workspace (showing what the fault, security and end-to-end tests print about what they checked) and
# prints one closing line with the totals. Arguments go to the test binaries (e.g. a name filter).
set -euo pipefail
cd "$(dirname "$0")/../.."

export DATABASE_URL=${DATABASE_URL:-$(deploy/local/postgres.sh)}

if ! command -v kubernetes-validate >/dev/null || ! command -v hadolint >/dev/null || ! command -v checkov >/dev/null; then
    echo "== installing the manifest validators (deploy/k8s/requirements.txt)"
    python3 -m pip install --quiet --disable-pip-version-check -r deploy/k8s/requirements.txt
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
cargo test --workspace --locked -- --show-output "$@" 2>&1 | tee "$log" || status=$?
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
exit "$status"
