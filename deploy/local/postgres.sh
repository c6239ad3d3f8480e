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
# (a quarter of the memory, 128 MB to 4 GB, as the Postgres manual suggests for a database host),
# in huge pages where the kernel lets us reserve them, plans costed for an SSD, no JIT for short
# queries. Without huge pages, each new backend takes a page fault for every 4 kB of shared buffers
# it first touches: a text search over 2,000 articles on a fresh connection took 36 ms instead of 8.
mem_mb=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)
buffers_mb=$(( mem_mb / 4 )); (( buffers_mb > 4096 )) && buffers_mb=4096; (( buffers_mb < 128 )) && buffers_mb=128
settings="# Written by deploy/local/postgres.sh.
shared_buffers = '${buffers_mb}MB'
huge_pages = try
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

# Huge pages for the shared memory (shared buffers and ~10 % more), best effort: a kernel that does
# not let us reserve them leaves Postgres on normal pages (huge_pages = try).
huge_kb=$(awk '/^Hugepagesize:/ {print $2}' /proc/meminfo)
if [[ -n $huge_kb && -w /proc/sys/vm/nr_hugepages ]]; then
    want=$(( (buffers_mb * 11 / 10 + 64) * 1024 / huge_kb ))
    have=$(cat /proc/sys/vm/nr_hugepages)
    if (( have < want )); then
        # Compacting memory first lets the kernel find more contiguous 2 MB blocks.
        echo 1 2>/dev/null > /proc/sys/vm/compact_memory || true
        if echo "$want" 2>/dev/null > /proc/sys/vm/nr_hugepages; then
            log "reserved $(cat /proc/sys/vm/nr_hugepages) huge pages of $huge_kb kB"
            restart=true
        fi
    fi
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
