#!/usr/bin/env bash
# Make sure the PostgreSQL the tests use is there (issue 9): 127.0.0.1:5432, user postgres with
# trust auth, database `test`. Where it already answers this does nothing; on a clean Debian
# machine it installs PostgreSQL, starts the cluster, allows trust for postgres on 127.0.0.1
# and creates the database. Safe to run again and again.
# PG_PORT and PG_CLUSTER (defaults 5432, main) exist to try the script on a spare cluster.
set -euo pipefail

HOST=127.0.0.1
PORT="${PG_PORT:-5432}"
CLUSTER="${PG_CLUSTER:-main}"
DB=test

say() { echo "ensure-postgres: $*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
answers() { command -v pg_isready >/dev/null && pg_isready -q -h "$HOST" -p "$PORT"; }
# Trust auth: no password is given, so this only succeeds if postgres may connect without one.
connects() { PGPASSWORD='' psql -w -X -h "$HOST" -p "$PORT" -U postgres -d "$1" -Atqc 'SELECT 1' >/dev/null 2>&1; }

if answers && connects "$DB"; then
  say "PostgreSQL answers at $HOST:$PORT and database $DB is ready; nothing to do"
  exit 0
fi

# The Debian cluster (version and name) listening on PORT, if any.
cluster_on_port() { command -v pg_lsclusters >/dev/null && pg_lsclusters -h 2>/dev/null | awk -v p="$PORT" '$3 == p { print $1 " " $2; exit }' || true; }

if ! answers; then
  if ! command -v pg_ctlcluster >/dev/null || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    say "installing PostgreSQL from Debian"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql
  fi
  if [ -z "$(cluster_on_port)" ]; then
    VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
    say "creating cluster $VERSION/$CLUSTER on port $PORT"
    as_root pg_createcluster --port "$PORT" "$VERSION" "$CLUSTER"
  fi
  read -r VERSION NAME <<<"$(cluster_on_port)"
  say "starting cluster $VERSION/$NAME"
  as_root pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" start || true
  for _ in $(seq 1 60); do answers && break; sleep 0.5; done
  answers || { say "PostgreSQL $VERSION/$NAME did not come up on $HOST:$PORT"; exit 1; }
fi

if ! connects postgres; then
  CLUSTER_FOUND="$(cluster_on_port)"
  [ -n "$CLUSTER_FOUND" ] || { say "cannot connect as postgres to $HOST:$PORT, and no Debian cluster there to configure"; exit 1; }
  read -r VERSION NAME <<<"$CLUSTER_FOUND"
  HBA="/etc/postgresql/$VERSION/$NAME/pg_hba.conf"
  say "allowing trust for postgres on $HOST in $HBA"
  # pg_hba.conf is read top-down and the first matching line wins, so the rule goes first.
  as_root sed -i "1i host all postgres $HOST/32 trust  # added by agent-sync scripts/ensure-postgres.sh" "$HBA"
  as_root pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" reload
  for _ in $(seq 1 20); do connects postgres && break; sleep 0.5; done
  connects postgres || { say "still cannot connect as postgres on $HOST:$PORT after allowing trust"; exit 1; }
fi

if ! connects "$DB"; then
  say "creating database $DB"
  psql -w -X -h "$HOST" -p "$PORT" -U postgres -d postgres -qc "CREATE DATABASE $DB"
fi

connects "$DB" || { say "database $DB is still not reachable"; exit 1; }
say "PostgreSQL ready at postgres://postgres@$HOST:$PORT/$DB"
