#!/usr/bin/env bash
# `make demo`: an OpenCode server wired to the scripted model of the test harness (no model
# account needed, nothing leaves this machine), a seeded session to fork, and the app.
# Ctrl-C stops everything this script started.
set -euo pipefail
port="${1:-8080}"
server_port="${2:-4096}"
here="$(cd "$(dirname "$0")/.." && pwd)"
dir="${TMPDIR:-/tmp}/branchpoint-demo"
server="http://127.0.0.1:$server_port"
pids=()

stop() {
  for pid in "${pids[@]}"; do
    /usr/bin/kill -s TERM -- "-$pid" 2>/dev/null || true
  done
  sleep 1
  for pid in "${pids[@]}"; do
    /usr/bin/kill -s KILL -- "-$pid" 2>/dev/null || true
  done
}
trap stop EXIT
trap 'exit 130' INT TERM

if curl -s -m 1 -o /dev/null "$server/global/health"; then
  echo "Something already answers at $server. Stop it, or pick another port: make demo DEMO_SERVER_PORT=4097"
  exit 1
fi

mkdir -p "$dir/home" "$dir/project"
setsid python3 "$here/tests/support/scripted_model.py" --port 0 > "$dir/model.out" 2>&1 < /dev/null &
pids+=($!)
for _ in $(seq 1 50); do grep -q '^listening on' "$dir/model.out" 2>/dev/null && break; sleep 0.1; done
model_port="$(sed -n 's/^listening on //p' "$dir/model.out")"
cat > "$dir/project/opencode.json" <<JSON
{
  "provider": {
    "scripted": {
      "npm": "@ai-sdk/openai-compatible",
      "name": "Scripted (demo)",
      "options": { "baseURL": "http://127.0.0.1:$model_port/v1", "apiKey": "demo" },
      "models": { "scripted-1": { "name": "Scripted 1", "tool_call": true } }
    }
  },
  "model": "scripted/scripted-1",
  "small_model": "scripted/scripted-1",
  "autoupdate": false,
  "share": "disabled",
  "permission": { "bash": "ask" }
}
JSON
[[ -d "$dir/project/.git" ]] || git -C "$dir/project" init -q
# `env -C` rather than a `( cd … )` subshell: $! must be the server's own pid (its group).
setsid env -C "$dir/project" HOME="$dir/home" XDG_CONFIG_HOME="$dir/home/.config" \
  XDG_DATA_HOME="$dir/home/.local/share" XDG_CACHE_HOME="$dir/home/.cache" XDG_STATE_HOME="$dir/home/.local/state" \
  npm_config_offline=true OPENCODE_DISABLE_AUTOUPDATE=1 OPENCODE_DISABLE_MODELS_FETCH=1 OPENCODE_DISABLE_SHARE=1 \
  "$here/node_modules/.bin/opencode" serve --hostname 127.0.0.1 --port "$server_port" \
  > "$dir/opencode.log" 2>&1 < /dev/null &
pids+=($!)
for _ in $(seq 1 150); do curl -fsS -m 1 -o /dev/null "$server/global/health" 2>/dev/null && break; sleep 0.2; done

if [[ "$(curl -s "$server/session" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" == "0" ]]; then
  echo "Seeding a session to fork…"
  id="$(curl -s -X POST "$server/session" -H 'content-type: application/json' -d '{"title":"Welcome to Branchpoint"}' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
  for prompt in "How do I try forking? [[markdown]]" "Think it through first [[reasoning]]" "Run a command [[tool:bash:echo hello from the demo]]"; do
    body="$(python3 -c 'import json,sys; print(json.dumps({"parts":[{"type":"text","text":sys.argv[1]}]}))' "$prompt")"
    if [[ "$prompt" == *tool:bash* ]]; then
      body="$(python3 -c 'import json,sys; print(json.dumps({"noReply": True, "parts":[{"type":"text","text":sys.argv[1]}]}))' "$prompt")"
    fi
    curl -s -o /dev/null -X POST "$server/session/$id/message" -H 'content-type: application/json' -d "$body"
  done
fi

echo
echo "Demo OpenCode server: $server (scripted model; the prompt decides the reply:"
echo "  [[markdown]] [[reasoning]] [[tool:bash:CMD]] [[slow:MS]] [[error:STATUS]])"
"$here/scripts/run.sh" "$port" "$server"
