#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs and starts a local Postgres (tests create a
# fresh database each), installs the offline manifest validators, then runs every test of the
# workspace.
set -euo pipefail
cd "$(dirname "$0")/../.."

export DATABASE_URL=${DATABASE_URL:-$(deploy/local/postgres.sh)}

if ! command -v kubernetes-validate >/dev/null || ! command -v hadolint >/dev/null || ! command -v checkov >/dev/null; then
    echo "== installing the manifest validators (deploy/k8s/requirements.txt)"
    python3 -m pip install --quiet --disable-pip-version-check -r deploy/k8s/requirements.txt
fi

cargo test --workspace --locked "$@"
