# Sourced by .ci/run (and usable by hand): starts a throwaway PostgreSQL cluster on a loopback
# port and exports P2M_TEST_POSTGRES_URL for the tests that run on both storage backends.
# If a server already answers on the port (started earlier by this script), it is reused.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PG_PORT=${PG_PORT:-55432}
if [ -n "${PG_BIN}" ] && [ -x "${PG_BIN}/initdb" ]; then
  if "${PG_BIN}/pg_isready" -q -h 127.0.0.1 -p "${PG_PORT}"; then
    export P2M_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:${PG_PORT}/postgres"
    echo "PostgreSQL already running at ${P2M_TEST_POSTGRES_URL}"
  else
    PG_DIR=$(mktemp -d /tmp/p2m-pg.XXXXXX)
    chown postgres "${PG_DIR}"
    if su postgres -c "${PG_BIN}/initdb -D ${PG_DIR}/data -A trust -U postgres" >/dev/null \
      && su postgres -c "${PG_BIN}/pg_ctl -D ${PG_DIR}/data -o '-p ${PG_PORT} -k /tmp -c listen_addresses=127.0.0.1' -l ${PG_DIR}/log -w start" >/dev/null; then
      export P2M_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:${PG_PORT}/postgres"
      echo "PostgreSQL started at ${P2M_TEST_POSTGRES_URL}"
    else
      echo "PostgreSQL did not start (see ${PG_DIR}/log); the PostgreSQL variants of the tests are skipped" >&2
    fi
  fi
else
  echo "PostgreSQL is not installed; the PostgreSQL variants of the tests are skipped" >&2
fi
