#!/usr/bin/env bash
# Serves dist/ on PORT and makes sure an OpenCode server answers at SERVER: if none does, starts
# `opencode serve` (the pinned npm package) in the current directory, and stops it on exit.
# Ctrl-C stops what this script started and nothing else.
set -euo pipefail
port="${1:-8080}"
server="${2:-http://127.0.0.1:4096}"
here="$(cd "$(dirname "$0")/.." && pwd)"
started=""

stop() {
  if [[ -n "$started" ]] && kill -0 "$started" 2>/dev/null; then
    echo "Stopping the OpenCode server this script started (pid $started)…"
    /usr/bin/kill -s TERM -- "-$started" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$started" 2>/dev/null || break; sleep 0.1; done
    /usr/bin/kill -s KILL -- "-$started" 2>/dev/null || true
  fi
}
trap stop EXIT
trap 'exit 130' INT TERM

if curl -fsS -m 2 -o /dev/null "$server/global/health" 2>/dev/null \
   || [[ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$server/global/health" 2>/dev/null)" == "401" ]]; then
  echo "Using the OpenCode server at $server."
else
  server_port="${server##*:}"; server_port="${server_port%%/*}"
  echo "No OpenCode server at $server: starting one (opencode serve --port $server_port in $PWD)…"
  setsid "$here/node_modules/.bin/opencode" serve --hostname 127.0.0.1 --port "$server_port" \
    > "${TMPDIR:-/tmp}/branchpoint-opencode.log" 2>&1 < /dev/null &
  started=$!
  for _ in $(seq 1 100); do
    curl -fsS -m 1 -o /dev/null "$server/global/health" 2>/dev/null && break
    kill -0 "$started" 2>/dev/null || { echo "opencode serve exited; see ${TMPDIR:-/tmp}/branchpoint-opencode.log"; exit 1; }
    sleep 0.2
  done
  echo "OpenCode server started (pid $started, log ${TMPDIR:-/tmp}/branchpoint-opencode.log)."
fi

echo "Branchpoint: http://127.0.0.1:$port/  (Ctrl-C to stop)"
python3 "$here/scripts/serve.py" --dir "$here/dist" --port "$port" --host 127.0.0.1 | sed -u '/^listening on/d'
