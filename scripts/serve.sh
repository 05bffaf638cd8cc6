#!/usr/bin/env bash
# Starts the action server, the Rasa server, the demo clinic page with the chat widget and the staff console under
# supervisord (deploy/supervisord.conf), which starts a server that dies again while the others keep serving, and
# stops them all when it ends.
#
#   scripts/serve.sh                 serve until Ctrl-C
#   scripts/serve.sh -- CMD ARGS...  serve, run CMD (e.g. the widget's browser tests), exit with its status
#
# Settings from the environment, with their defaults in aftercare/defaults.env: RASA_PORT, ACTION_PORT, DEMO_PORT,
# CONSOLE_PORT, TRACKER_STORE_URL, MODEL; also EXTRA_CORS_ORIGINS (space-separated origins allowed besides the demo
# page's), LOG_DIR (results/logs: one log file per server and supervisord's), and the alert settings
# (ALERT_WEBHOOK_URL, SMTP_HOST, ...: services/alert_settings.py), which add the alert dispatcher, and the
# patient-message settings (SMTP_HOST, TWILIO_*: services/patient_messages.py), which add the scheduler.
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
# The staff console's address, for the link in every alert (services/alert_settings.py).
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

for tool in rasa supervisord; do
  [[ -x $BIN/$tool ]] || { echo "$BIN/$tool not found: run \`make install\` first" >&2; exit 1; }
done
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
# supervisord opens the logs from its own settings: an absolute path, whatever the caller gave.
LOG_DIR=$(cd "$LOG_DIR" && pwd)
export LOG_DIR
SUPERVISOR_LOG="$LOG_DIR/supervisord.log"

# Where alerts to the clinic go (README, Alerts and callbacks): a wrong setting stops here, naming the variable.
alerts=$("$BIN/python" -m services.alert_settings) || exit 2
names=(actions rasa demo console)
export ALERTS_AUTOSTART=false
if [[ $alerts != "Alerts to the clinic are off"* ]]; then
  names+=(alerts)
  ALERTS_AUTOSTART=true
fi
# Where the programme's messages to enrolled patients go (README, Scheduled messages): with email or SMS configured,
# the scheduler queues them and the dispatcher (above) delivers them.
patients=$("$BIN/python" -m services.patient_messages) || exit 2
export SCHEDULER_AUTOSTART=false
if [[ $patients != "Messages to enrolled patients are off"* ]]; then
  names+=(scheduler)
  SCHEDULER_AUTOSTART=true
  if [[ $ALERTS_AUTOSTART == false ]]; then
    names+=(alerts)
    ALERTS_AUTOSTART=true
  fi
fi
# Each run starts with fresh logs; a log from an earlier run keeps its mode when it is truncated.
for name in "${names[@]}" supervisord; do : >"$LOG_DIR/$name.log" && chmod 600 "$LOG_DIR/$name.log"; done

supervisor_pid=""
# shellcheck disable=SC2317 # called by the EXIT trap
stop_all() {
  local status=$?
  trap - EXIT INT TERM
  if [[ -n $supervisor_pid ]] && kill -0 "$supervisor_pid" 2>/dev/null; then
    echo "==> Stopping ${names[*]}"
    # supervisord stops every server (SIGTERM to its process group, SIGKILL after 10 s) before it exits.
    kill -TERM "$supervisor_pid" 2>/dev/null || true
    for _ in {1..60}; do kill -0 "$supervisor_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$supervisor_pid" 2>/dev/null || true
  fi
  exit "$status"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# wait_until_up NAME URL SECONDS: waits for URL to answer, failing at once (with the log) if supervisord stopped or
# gave up on the server (it kept dying while starting).
wait_until_up() {
  local name=$1 url=$2 limit=$3 waited
  for ((waited = 0; waited <= limit; waited += 2)); do
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
      echo "    $name is up ($url)"
      return 0
    fi
    if ! kill -0 "$supervisor_pid" 2>/dev/null || grep -q "gave up: $name " "$SUPERVISOR_LOG"; then
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

echo "==> Starting the action server (port $ACTION_PORT), the Rasa server (port $RASA_PORT), the demo page (port $DEMO_PORT) and the staff console (port $CONSOLE_PORT); logs in $LOG_DIR/"
# supervisord (deploy/supervisord.conf) runs the servers, starts one that dies again while the others keep serving,
# and prints each start, exit and restart here.
"$BIN/supervisord" --configuration deploy/supervisord.conf &
supervisor_pid=$!

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
    $patients
EOF

if [[ $# -gt 0 ]]; then
  echo "==> Running: $*"
  status=0
  DEMO_URL=$DEMO_URL CONSOLE_URL=$CONSOLE_URL "$@" || status=$?
  echo "==> $1 exited with status $status"
  exit "$status"
fi

echo "    A server that stops is started again; its exit and restart are printed here. Press Ctrl-C to stop."
# Returns when supervisord stops (or on Ctrl-C, through the traps).
wait "$supervisor_pid" || true
echo "supervisord stopped unexpectedly; the end of $SUPERVISOR_LOG:" >&2
tail -n 30 "$SUPERVISOR_LOG" >&2
exit 1
