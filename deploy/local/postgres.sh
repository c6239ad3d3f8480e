#!/usr/bin/env bash
# Makes sure a local Postgres 15 cluster is installed and running, with a role and a database for
# Marsad, and prints the database URL on stdout. Idempotent: safe to run again.
#
#   deploy/local/postgres.sh            # install if missing, start, create role + database
#   MARSAD_DB_NAME=other deploy/local/postgres.sh
set -euo pipefail

db_name=${MARSAD_DB_NAME:-marsad}
pg_version=${MARSAD_PG_VERSION:-15}
log() { echo "postgres.sh: $*" >&2; }

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

if ! command -v pg_ctlcluster >/dev/null || [[ ! -d /usr/lib/postgresql/$pg_version/bin ]]; then
    log "installing postgresql-$pg_version (Debian package)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$pg_version" postgresql-contrib >&2
fi

if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$pg_version main"; then
    log "creating cluster $pg_version/main"
    as_root pg_createcluster "$pg_version" main >&2
fi

# Settings for Marsad's workload: the working set (events and their indexes) in shared buffers
# (an eighth of the memory, 128 MB to 2 GB), plans costed for an SSD, no JIT for short queries.
mem_mb=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)
buffers_mb=$(( mem_mb / 8 )); (( buffers_mb > 2048 )) && buffers_mb=2048; (( buffers_mb < 128 )) && buffers_mb=128
settings="# Written by deploy/local/postgres.sh.
shared_buffers = '${buffers_mb}MB'
effective_cache_size = '$(( mem_mb / 2 ))MB'
random_page_cost = 1.1
jit = off"
conf=/etc/postgresql/$pg_version/main/conf.d/marsad.conf
restart=false
if [[ "$(cat "$conf" 2>/dev/null)" != "$settings" ]]; then
    log "writing $conf"
    as_root mkdir -p "$(dirname "$conf")"
    printf '%s\n' "$settings" | as_root tee "$conf" >/dev/null
    restart=true
fi

if ! pg_lsclusters -h | awk -v v="$pg_version" '$1==v && $2=="main" {print $4}' | grep -qx online; then
    log "starting cluster $pg_version/main"
    as_root pg_ctlcluster "$pg_version" main start >&2
elif $restart; then
    log "restarting cluster $pg_version/main for the new settings"
    as_root pg_ctlcluster "$pg_version" main restart >&2
fi

port=$(pg_lsclusters -h | awk -v v="$pg_version" '$1==v && $2=="main" {print $3}')
user=$(id -un)

psql_admin() { as_root runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qtAX "$@"; }

for _ in $(seq 1 30); do
    psql_admin -c 'select 1' >/dev/null 2>&1 && break
    sleep 0.5
done

if [[ -z $(psql_admin -c "select 1 from pg_roles where rolname = '$user'") ]]; then
    log "creating role $user"
    psql_admin -c "create role \"$user\" login superuser password 'marsad'" >/dev/null
fi
if [[ -z $(psql_admin -c "select 1 from pg_database where datname = '$db_name'") ]]; then
    log "creating database $db_name"
    psql_admin -c "create database \"$db_name\" owner \"$user\"" >/dev/null
fi

echo "postgres://$user:marsad@127.0.0.1:$port/$db_name"
