# Sourced by .ci/run (and usable by hand): makes sure a Docker daemon answers on
# /var/run/docker.sock for the container tests (tests/deploy). Starts dockerd when nothing
# answers and waits until it does (at most 60 s); without one those tests skip and say why.
if ! command -v docker >/dev/null 2>&1; then
  echo "docker is not installed; the container tests are skipped" >&2
elif docker version >/dev/null 2>&1; then
  echo "Docker already answers on /var/run/docker.sock"
elif command -v dockerd >/dev/null 2>&1; then
  DOCKERD_LOG=$(mktemp /tmp/p2m-dockerd.XXXXXX.log)
  nohup dockerd >"${DOCKERD_LOG}" 2>&1 &
  for _ in $(seq 1 120); do
    docker version >/dev/null 2>&1 && break
    sleep 0.5
  done
  if docker version >/dev/null 2>&1; then
    echo "dockerd started (log: ${DOCKERD_LOG})"
  else
    echo "dockerd did not answer within 60 s (see ${DOCKERD_LOG}); the container tests are skipped" >&2
  fi
else
  echo "dockerd is not installed; the container tests are skipped" >&2
fi
