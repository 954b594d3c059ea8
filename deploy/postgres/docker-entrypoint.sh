#!/usr/bin/env bash
# Entrypoint of the Debian-built PostgreSQL image, a small subset of the official image's:
# as root, prepare PGDATA and drop to the postgres user; on an empty PGDATA, initdb with
# POSTGRES_USER/POSTGRES_PASSWORD, create POSTGRES_DB, run /docker-entrypoint-initdb.d; then
# exec the server listening on every interface of the container.
set -Eeuo pipefail

if [ "${1:0:1}" = "-" ]; then
  set -- postgres "$@"
fi
if [ "$1" != postgres ]; then
  exec "$@"
fi

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 0700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
fi

say() { echo "postgres-entrypoint: $*" >&2; }

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  user=${POSTGRES_USER:-postgres}
  db=${POSTGRES_DB:-$user}
  auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth" != trust ]; then
    say "the database is uninitialized and POSTGRES_PASSWORD is not set: set it" \
        "(or POSTGRES_HOST_AUTH_METHOD=trust to allow every connection without one)"
    exit 1
  fi
  say "initializing $PGDATA for user $user, database $db"
  pwfile=$(mktemp)
  trap 'rm -f "$pwfile"' EXIT
  printf '%s' "${POSTGRES_PASSWORD:-}" > "$pwfile"
  pwarg=()
  [ -n "${POSTGRES_PASSWORD:-}" ] && pwarg=(--pwfile="$pwfile")
  # shellcheck disable=SC2086  # POSTGRES_INITDB_ARGS is a list of arguments, as upstream.
  initdb -D "$PGDATA" --username="$user" "${pwarg[@]}" --auth-local=trust --auth-host="$auth" \
    --encoding=UTF8 ${POSTGRES_INITDB_ARGS:-} >/dev/null
  rm -f "$pwfile"
  echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
  echo "host all all all $auth" >> "$PGDATA/pg_hba.conf"

  # A private server on a private socket, for the database and the init scripts: the
  # healthcheck (pg_isready on the usual socket) stays unready until the real server runs.
  export PGHOST
  PGHOST=$(mktemp -d)
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=$PGHOST" -w start >/dev/null
  psql=(psql -v ON_ERROR_STOP=1 -q --username "$user" --no-password)
  if [ "$db" != postgres ]; then
    "${psql[@]}" --dbname postgres --set db="$db" <<<'CREATE DATABASE :"db";'
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) say "running $f"; . "$f" ;;
      *.sql) say "running $f"; "${psql[@]}" --dbname "$db" -f "$f" ;;
      *.sql.gz) say "running $f"; gunzip -c "$f" | "${psql[@]}" --dbname "$db" ;;
      *) if [ -e "$f" ]; then say "ignoring $f"; fi ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  rmdir "$PGHOST"
  unset PGHOST
  say "initialized; starting"
fi

exec "$@"
