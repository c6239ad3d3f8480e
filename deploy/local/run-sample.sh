#!/usr/bin/env bash
# The main job on the bundled sample, from a fresh machine: installs and starts a local Postgres,
# creates the database, builds `marsad`, runs the three services (`marsad serve all`, which applies
# the migrations), ingests the sample article and prints the events table.
#
#   deploy/local/run-sample.sh                 # then stops the services
#   KEEP_RUNNING=1 deploy/local/run-sample.sh  # leaves them running (stop: kill "$(cat .marsad/serve.pid)")
set -euo pipefail
cd "$(dirname "$0")/../.."

export MARSAD_DATABASE_URL=${MARSAD_DATABASE_URL:-$(deploy/local/postgres.sh)}
echo "== database: ${MARSAD_DATABASE_URL%%@*}@…" | sed 's#//[^:]*:[^@]*@#//***@#'

echo "== building marsad (release)"
cargo build --release --locked -p marsad-cli
marsad=${CARGO_TARGET_DIR:-target}/release/marsad

mkdir -p .marsad
if "$marsad" health --wait 0 >/dev/null 2>&1; then
    echo "== services already running on 50051-50053"
else
    echo "== starting marsad serve all (log: .marsad/serve.log)"
    "$marsad" serve all >.marsad/serve.log 2>&1 &
    echo $! >.marsad/serve.pid
    if [[ -z ${KEEP_RUNNING:-} ]]; then
        trap 'kill "$(cat .marsad/serve.pid)" 2>/dev/null; wait 2>/dev/null || true' EXIT
    fi
fi
"$marsad" health --wait 60

echo "== ingesting the sample (published 2026-02-10)"
"$marsad" ingest tests/fixtures/barrack-coalition-ar.txt --published 2026-02-10 || [[ $? -eq 2 ]]

echo "== events"
"$marsad" events
