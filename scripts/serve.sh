#!/usr/bin/env bash
# Starts the action server, the Rasa server, the demo clinic page with the chat widget and the staff console, and
# stops them all when it ends.
#
#   scripts/serve.sh                 serve until Ctrl-C
#   scripts/serve.sh -- CMD ARGS...  serve, run CMD (e.g. the widget's browser tests), exit with its status
#
# Settings from the environment, with their defaults in aftercare/defaults.env: RASA_PORT, ACTION_PORT, DEMO_PORT,
# CONSOLE_PORT, TRACKER_STORE_URL, MODEL; also EXTRA_CORS_ORIGINS (space-separated origins allowed besides the demo
# page's), LOG_DIR (results/logs: one log file per server), and the alert settings (ALERT_WEBHOOK_URL, SMTP_HOST,
# ...: aftercare/alerts/settings.py), which add the alert dispatcher.
set -euo pipefail
cd "$(dirname "$0")/.."
# The conversation database and the logs are about patients: every file created from here on is readable by
# its owner only (the servers keep this umask; the Rasa server also fixes an existing database).
umask 077

# Every setting's default comes from aftercare/defaults.env (NAME=value lines); a variable already set wins.
while IFS= read -r line; do
  if [[ $line =~ ^([A-Z][A-Z0-9_]*)=([^[:space:]]*)$ && -z ${!BASH_REMATCH[1]:-} ]]; then
    export "${BASH_REMATCH[1]}=${BASH_REMATCH[2]}"
  fi
done < aftercare/defaults.env
# The staff console's address, for the link in every alert (aftercare/alerts/settings.py).
export CONSOLE_URL=${CONSOLE_URL:-http://localhost:${CONSOLE_PORT}}
export ACTION_SERVER_URL="http://localhost:${ACTION_PORT}/webhook"
# The action server answers only the Rasa server: a token for this run unless one is set.
export ACTION_SERVER_TOKEN=${ACTION_SERVER_TOKEN:-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}
LOG_DIR=${LOG_DIR:-results/logs}
BIN=.venv/bin
DEMO_URL="http://localhost:${DEMO_PORT}"
# The demo page's origin as a browser may write it; the widget's socket.io long-polling needs CORS.
export CORS_ORIGINS="${DEMO_URL} http://127.0.0.1:${DEMO_PORT} ${EXTRA_CORS_ORIGINS:-}"

if [[ $# -gt 0 && $1 != "--" ]]; then
  echo "usage: $0 [-- CMD ARGS...]" >&2
  exit 2
fi
[[ $# -gt 0 ]] && shift

[[ -x $BIN/rasa ]] || { echo "$BIN/rasa not found: run \`make install\` first" >&2; exit 1; }
[[ -f $MODEL ]] || { echo "$MODEL is missing: run \`make train\` first" >&2; exit 1; }
for port in "$RASA_PORT" "$ACTION_PORT" "$DEMO_PORT" "$CONSOLE_PORT"; do
  if (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Port $port is already in use: stop what runs there or choose other ports (RASA_PORT, ACTION_PORT, DEMO_PORT, CONSOLE_PORT)" >&2
    exit 1
  fi
done

# The widget is built once, and again whenever its sources or pinned dependencies change.
widget_bundle=widget/dist/aftercare-widget.js
if [[ ! -f widget/node_modules/.package-lock.json || widget/package-lock.json -nt widget/node_modules/.package-lock.json ]]; then
  echo "==> Installing the widget's pinned npm dependencies (npm ci)"
  npm --prefix widget ci --no-audit --no-fund --loglevel=error
fi
if [[ ! -f $widget_bundle || -n $(find widget/src widget/build.mjs widget/package-lock.json -newer "$widget_bundle" 2>/dev/null | head -1) ]]; then
  echo "==> Building the widget ($widget_bundle)"
  npm --prefix widget run --silent build
fi

mkdir -p "$LOG_DIR"
chmod go-rwx "$LOG_DIR"
names=() pids=()

# shellcheck disable=SC2317 # called by the EXIT trap
stop_all() {
  local status=$? i
  trap - EXIT INT TERM
  ((${#pids[@]})) && echo "==> Stopping ${names[*]}"
  # Each server runs in its own process group (setsid), so its worker processes stop with it.
  for i in "${!pids[@]}"; do kill -TERM -- "-${pids[i]}" 2>/dev/null || true; done
  for i in "${!pids[@]}"; do
    for _ in {1..20}; do kill -0 "${pids[i]}" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-${pids[i]}" 2>/dev/null || true
  done
  exit "$status"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start NAME CMD ARGS...: runs CMD in its own process group, output to $LOG_DIR/NAME.log (owner only).
start() {
  local name=$1 log="$LOG_DIR/$1.log"
  shift
  : >"$log" && chmod 600 "$log" # a log from an earlier run keeps its mode when it is truncated
  setsid "$@" >"$log" 2>&1 </dev/null &
  names+=("$name") pids+=("$!")
}

# wait_until_up NAME URL SECONDS: waits for URL to answer, failing at once (with the log) if the server died.
wait_until_up() {
  local name=$1 url=$2 limit=$3 pid="" i waited
  for i in "${!names[@]}"; do [[ ${names[i]} == "$name" ]] && pid=${pids[i]}; done
  for ((waited = 0; waited <= limit; waited += 2)); do
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
      echo "    $name is up ($url)"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$name stopped while starting; the end of $LOG_DIR/$name.log:" >&2
      tail -n 30 "$LOG_DIR/$name.log" >&2
      return 1
    fi
    ((waited > 0 && waited % 20 == 0)) && echo "    waiting for $name (${waited}s)"
    sleep 2
  done
  echo "$name did not answer on $url within ${limit}s; the end of $LOG_DIR/$name.log:" >&2
  tail -n 30 "$LOG_DIR/$name.log" >&2
  return 1
}

# Where alerts to the clinic go (README, Alerts and callbacks): a wrong setting stops here, naming the variable.
alerts=$("$BIN/python" -m aftercare.alerts.settings) || exit 2
echo "==> Starting the action server (port $ACTION_PORT), the Rasa server (port $RASA_PORT), the demo page (port $DEMO_PORT) and the staff console (port $CONSOLE_PORT); logs in $LOG_DIR/"
start actions "$BIN/python" -m actions.server --port "$ACTION_PORT"
if [[ $alerts != "Alerts to the clinic are off"* ]]; then
  start alerts "$BIN/python" -m aftercare.alerts.dispatcher
fi
# scripts/rasa_server.py keeps the HTTP API (trackers, model) off unless RASA_ENABLE_API=1 with a token; only
# the channels (socketio, REST webhook) answer, and CORS is limited to $CORS_ORIGINS.
start rasa "$BIN/python" scripts/rasa_server.py
start demo "$BIN/python" widget/serve_demo.py --port "$DEMO_PORT" --server-url "http://localhost:$RASA_PORT"
# The staff console listens on 127.0.0.1 unless CONSOLE_HOST says otherwise (console/settings.py).
start console "$BIN/python" -m console

wait_until_up actions "http://localhost:$ACTION_PORT/health" 120
wait_until_up demo "$DEMO_URL/aftercare-widget.js" 30
wait_until_up console "http://localhost:$CONSOLE_PORT/health" 60
wait_until_up rasa "http://localhost:$RASA_PORT/" 240

cat <<EOF
==> Ready
    Demo clinic page with the chat widget:  $DEMO_URL/
      without a procedure time (the assistant asks):  $DEMO_URL/?procedure_time=
    Rasa server (socketio for the widget, REST webhook):  http://localhost:$RASA_PORT
    Action server:  http://localhost:$ACTION_PORT
    Staff console:  http://localhost:$CONSOLE_PORT  (accounts: make staff-account EMAIL=... NAME=...)
    $alerts
EOF

if [[ $# -gt 0 ]]; then
  echo "==> Running: $*"
  status=0
  DEMO_URL=$DEMO_URL CONSOLE_URL=$CONSOLE_URL "$@" || status=$?
  echo "==> $1 exited with status $status"
  exit "$status"
fi

echo "    Press Ctrl-C to stop."
# Returns when a server stops by itself (or on Ctrl-C, through the traps).
wait -n "${pids[@]}" || true
for i in "${!pids[@]}"; do
  if ! kill -0 "${pids[i]}" 2>/dev/null; then
    echo "${names[i]} stopped unexpectedly; the end of $LOG_DIR/${names[i]}.log:" >&2
    tail -n 30 "$LOG_DIR/${names[i]}.log" >&2
  fi
done
exit 1
