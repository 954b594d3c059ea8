# Sourced by .ci/run (and usable by hand): starts a throwaway PostgreSQL cluster on a loopback
# port and exports P2M_TEST_POSTGRES_URL for the tests that run on both storage backends.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -n "${PG_BIN}" ] && [ -x "${PG_BIN}/initdb" ]; then
  PG_DIR=$(mktemp -d /tmp/p2m-pg.XXXXXX)
  chown postgres "${PG_DIR}"
  PG_PORT=${PG_PORT:-55432}
  su postgres -c "${PG_BIN}/initdb -D ${PG_DIR}/data -A trust -U postgres" >/dev/null
  su postgres -c "${PG_BIN}/pg_ctl -D ${PG_DIR}/data -o '-p ${PG_PORT} -k /tmp -c listen_addresses=127.0.0.1' -l ${PG_DIR}/log -w start" >/dev/null
  export P2M_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:${PG_PORT}/postgres"
  echo "PostgreSQL started at ${P2M_TEST_POSTGRES_URL}"
fi
