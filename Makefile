# Two commands matter: `make run` (install, train if needed, serve) and `make test` (everything CI checks).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_VERSION := $(shell cat .python-version)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# `rasa` without the dependency DeprecationWarnings it would print at every start (scripts/rasa_cli.py).
RASA := $(PY) -m scripts.rasa_cli
# Every setting's default (ports, model, conversation store, quiet logs), written once in aftercare/defaults.env: a
# variable set in the environment or on the command line wins.
DEFAULTS_FILE := aftercare/defaults.env
$(foreach setting,$(shell grep -E '^[A-Z][A-Z0-9_]*=' $(DEFAULTS_FILE)),\
  $(eval $(firstword $(subst =, ,$(setting))) ?= $(patsubst $(firstword $(subst =, ,$(setting)))=%,%,$(setting))))
export RASA_PORT ACTION_PORT DEMO_PORT CONSOLE_PORT TRACKER_STORE_URL MODEL \
  RASA_TELEMETRY_ENABLED SQLALCHEMY_SILENCE_UBER_WARNING TF_CPP_MIN_LOG_LEVEL PYTHONWARNINGS
# What `rasa train` reads (scripts/training_inputs.py, also used by the bench): a change to one of them retrains.
TRAINING_INPUTS := $(shell python3 scripts/training_inputs.py)

# Settings read by deploy/endpoints.server.yml and the servers; override on the command line or in the environment.
export ACTION_SERVER_URL ?= http://localhost:$(ACTION_PORT)/webhook
# The action server answers only calls carrying this token (deploy/endpoints.server.yml): a fresh one per `make` run
# unless it is set (.env.example).
ifeq ($(strip $(ACTION_SERVER_TOKEN)),)
ACTION_SERVER_TOKEN := $(shell head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
endif
export ACTION_SERVER_TOKEN

.PHONY: help install train run shell test lint unit test-processes validate test-core test-nlu eval-components \
	test-servers browser test-widget test-scale bench test-robustness loadtest purge-conversations staff-account clean \
	lock report check-topics check-content

help:
	@echo "make run    install if needed, train if needed, serve the assistant on http://localhost:$(RASA_PORT)"
	@echo "make shell  the same, then talk to it in this terminal"
	@echo "make test   everything CI runs"

$(VENV)/.installed: requirements.txt pyproject.toml .python-version
	@echo "==> Creating $(VENV) with Python $(PYTHON_VERSION) and the pinned dependencies (about 3 minutes the first time)"
	@python=$$(pyenv prefix $(PYTHON_VERSION) 2>/dev/null)/bin/python; \
	  [ -x "$$python" ] || python=$$(command -v python3.10); \
	  [ -n "$$python" ] || { echo "Python $(PYTHON_VERSION) not found: install it with pyenv (Rasa 3.6 needs Python 3.8-3.10)"; exit 1; }; \
	  [ -x $(PY) ] || "$$python" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip==24.0
	$(PY) -m pip install --quiet --disable-pip-version-check --progress-bar off -r requirements.txt
	@echo "==> Installing this project into $(VENV) (editable: aftercare/, storage/, services/, rasa_patches/, actions/, components/, channels/, console/)"
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation --editable .
	@# A plain `rasa shell` in this folder sends its logs and warnings to a file, as `make shell` does.
	$(PY) -m scripts.rasa_shell_hook
	@touch $@

install: $(VENV)/.installed

# Retrains only when the training data, domain, config or NLU components changed.
$(MODEL): $(VENV)/.installed $(TRAINING_INPUTS)
	@echo "==> Training the model (about 4 minutes from scratch on 2 cores)"
	$(RASA) train --fixed-model-name aftercare --out models --quiet
	@touch $@

train: $(MODEL)

# Serves the action server, the Rasa server (REST and socketio), the demo clinic page with the widget, the staff
# console and, with alerts configured, the alert dispatcher, under supervisord: a server that dies is started again.
run: $(MODEL)
	scripts/serve.sh

# `rasa shell` uses Rasa's own terminal channel, not channels/: the umask keeps conversations.db owner-only. The
# terminal holds the conversation only: both servers' log lines and warnings go to SHELL_LOG.
SHELL_LOG := results/logs/shell.log
# The shell talks to the action server it starts, on ACTION_PORT, whatever ACTION_SERVER_URL an outer make exported.
shell: $(MODEL)
	@umask 077; mkdir -p $(dir $(SHELL_LOG)); trap 'kill 0' EXIT; \
	echo "Starting the assistant (about a minute); its logs and warnings go to $(SHELL_LOG)"; \
	$(PY) -m actions.server --port $(ACTION_PORT) --quiet >>$(SHELL_LOG) 2>&1 & \
	scripts/wait_for_url.sh http://localhost:$(ACTION_PORT)/health 120 >>$(SHELL_LOG) && \
	ACTION_SERVER_URL=http://localhost:$(ACTION_PORT)/webhook \
	  $(RASA) shell --model $(MODEL) --endpoints deploy/endpoints.server.yml --port $(RASA_PORT) --log-file $(SHELL_LOG)

# Fast checks first, then training and the slower model and server tests.
test: install lint unit test-processes validate train test-core test-nlu eval-components test-servers test-robustness \
	test-widget test-scale
	@echo "==> All checks passed"

lint: install
	@echo "==> ruff"
	$(BIN)/ruff check aftercare storage services rasa_patches actions channels components console tests scripts bench deploy widget/serve_demo.py
	$(BIN)/ruff format --check aftercare storage services rasa_patches actions channels components console tests scripts bench deploy widget/serve_demo.py

# Adding a care topic (README: Adding a care topic): names every place it is still missing from.
check-topics: install
	$(BIN)/pytest -q tests/test_topics_list.py

# After an edit to content/ (content/README.md): every file loads, every text is there, every topic is named.
check-content: install
	$(BIN)/pytest -q tests/test_content.py tests/test_topics_list.py

unit: install
	@echo "==> Unit tests (no model, no child process: tests/conftest.py refuses one)"
	$(BIN)/pytest -q -m unit

# Tests that start a child process but need no model: the console and alert dispatcher as real processes, make
# targets, `rasa run actions` and `rasa data validate` (tests/processes/).
test-processes: install
	@echo "==> Tests that start processes: console, dispatcher, make targets, rasa CLI (no model)"
	$(BIN)/pytest -q -m processes

validate: install
	@echo "==> rasa data validate"
	$(RASA) data validate --fail-on-warnings --quiet

# A fixed clock (AFTERCARE_NOW) makes the procedure times in the test stories reproducible.
test-core: $(MODEL)
	@echo "==> Test stories (rasa test core)"
	AFTERCARE_NOW=2026-11-29T17:00:00Z $(RASA) test core --model $(MODEL) --stories tests/stories \
	  --fail-on-prediction-errors --out results/core --quiet

# Two held-out sets, neither used for training: the first, and one written fresh without looking at the training
# data or the first (tests/held_out/intents.yml).
test-nlu: $(MODEL)
	@echo "==> Held-out NLU tests (each fails below 93% intent accuracy)"
	$(RASA) test nlu --model $(MODEL) --nlu tests/nlu_held_out.yml --out results/nlu --quiet
	$(RASA) test nlu --model $(MODEL) --nlu tests/held_out/intents.yml --out results/nlu_fresh --quiet
	$(PY) scripts/check_intent_accuracy.py results/nlu/intent_report.json 0.93
	$(PY) scripts/check_intent_accuracy.py results/nlu_fresh/intent_report.json 0.93

# Fails below 100% escalation recall, above 2% false alarms or below 97% procedure-time attribution (~25 s).
eval-components: $(MODEL)
	@echo "==> Rule-based components and end-to-end escalation on the held-out lists"
	$(PY) -m scripts.eval_components --model $(MODEL)

test-servers: $(MODEL)
	@echo "==> End-to-end tests against real Rasa and action servers"
	$(BIN)/pytest -q -m servers

# Bad input, faults, a small load test, privacy and security; the tests start their servers (ports 5306-5359).
test-robustness: $(MODEL)
	@echo "==> Robustness: bad input, a 1,000-message fuzz, faults, load, privacy and security against real servers (about 4 minutes)"
	$(BIN)/pytest -q -m robustness

# 50 simulated patients x 10 turns against servers it starts on ports 5305/5355, e.g. `make loadtest PATIENTS=100`.
loadtest: $(MODEL)
	$(PY) -m scripts.loadtest --patients $(or $(PATIENTS),50) --turns $(or $(TURNS),10) \
	  --concurrency $(or $(CONCURRENCY),10) --time-limit $(or $(TIME_LIMIT),300)

# Deletes conversations idle for more than DAYS days, or one patient's (SENDER=<conversation id>), from
# TRACKER_STORE_URL, and says how many (README: Privacy and security). Whoever calls the webhook chooses the
# sender id, so DAYS and SENDER reach the script through the environment as typed ($(value ...)): never
# expanded by make nor written into a shell command line, where a quote, `$(...)` or a backtick would run.
unexport DAYS SENDER
purge-conversations: export PURGE_DAYS := $(value DAYS)
purge-conversations: export PURGE_SENDER := $(value SENDER)
purge-conversations: install
	@$(PY) -m scripts.purge_conversations --from-environment

# Unanswered questions: the last DAYS (7) days' fallbacks, "not covered" and other-language turns from
# TRACKER_STORE_URL, counted by bucket; the patients' words only with WORDS=1 (README: Unanswered questions). Like
# purge-conversations' settings, DAYS and WORDS reach the script through the environment as typed.
unexport WORDS
report: export REPORT_DAYS := $(value DAYS)
report: export REPORT_WORDS := $(value WORDS)
report: install
	@$(PY) -m scripts.report --from-environment

# Creates a staff console account, or resets its name and password and unlocks it (README: Staff console). The
# password comes from STAFF_PASSWORD, else it is asked for on the terminal. EMAIL and NAME reach the script through
# the environment as typed ($(value ...)), never through a shell command line, like purge-conversations' settings.
unexport EMAIL NAME
staff-account: export STAFF_EMAIL := $(value EMAIL)
staff-account: export STAFF_NAME := $(value NAME)
staff-account: install
	@$(PY) -m console.accounts

# Headless Chromium from Debian's package drives the widget's browser tests (browser downloads are impossible).
browser:
	@command -v chromium >/dev/null || { echo "==> Installing Debian's chromium"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The console accepts enrolments (a token for this run) whose private links lead to this run's demo page.
test-widget: $(MODEL) browser
	@echo "==> Widget browser tests against real servers (headless Chromium)"
	RASA_PORT=5205 ACTION_PORT=5255 DEMO_PORT=8280 CONSOLE_PORT=8281 LOG_DIR=results/logs/widget \
	  ENROLMENT_TOKEN=$$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n') CLINIC_PAGE_URL=http://localhost:8280/ \
	  TRACKER_STORE_URL=sqlite:///$$(mktemp -d)/widget.db scripts/serve.sh -- npm --prefix widget test

# Scale-out on loopback (deploy/): PostgreSQL, Redis and nginx from Debian's packages (installed when missing),
# two Rasa replicas and two action servers; ports 5405-5456, 8480-8481, 5433, 6380.
test-scale: $(MODEL)
	@echo "==> Scale-out: two Rasa replicas sharing PostgreSQL and Redis, behind nginx (about 3 minutes)"
	deploy/install_services.sh
	$(BIN)/pytest -q -m scale

# Reply latency, memory, start-up, training time and NLU accuracy next to a bare `rasa init` bot (~10 min).
bench: $(MODEL)
	@echo "==> Benchmark: prints progress, writes results/bench.json and results/bench_latency.png"
	$(PY) -m bench.run --out results

clean:
	rm -rf models results .pytest_cache

# Re-pins requirements.txt from requirements.in in a fresh environment.
lock:
	rm -rf /tmp/aftercare-lock && $$(pyenv prefix $(PYTHON_VERSION))/bin/python -m venv /tmp/aftercare-lock
	/tmp/aftercare-lock/bin/pip install --quiet pip==24.0 && /tmp/aftercare-lock/bin/pip install --quiet -r requirements.in
	{ echo "# Generated by 'make lock' from requirements.in: every package pinned (Python 3.10)."; \
	  /tmp/aftercare-lock/bin/pip freeze; } > requirements.txt
