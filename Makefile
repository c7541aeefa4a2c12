# The library service: `make up`, then curl. `make help` lists every target.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# compose when a Docker engine answers, native (local processes) otherwise; MODE=native forces it.
MODE ?= $(shell docker info >/dev/null 2>&1 && echo compose || echo native)
COMPOSE ?= docker compose
# Native state: the environment, else .env, else .state (as the launcher decides).
STATE_DIR ?= $(or $(shell sed -n 's/^STATE_DIR=//p' .env 2>/dev/null),.state)

.DEFAULT_GOAL := help
.PHONY: help up down status logs proxysql-admin test lint clean venv bench drill

help: ## list the targets
	@grep -E '^[a-z.-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'
	@echo "  (mode now: $(MODE); MODE=native forces local processes)"

$(VENV)/.installed: requirements-dev.txt webapp/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed ## create the virtualenv with pinned dependencies

.env: .env.example
	@$(PYTHON) -m native.env_file

up: .env $(if $(filter native,$(MODE)),$(VENV)/.installed) ## start master, replica, app (Compose or native) and seed
ifeq ($(MODE),compose)
	$(COMPOSE) up -d --build --wait
	@echo "try: curl http://$$($(COMPOSE) port webapp 8000 | sed 's/^0\.0\.0\.0:/localhost:/')/api/v1/library/reader/1/"
else
	$(PY) -m native up
endif

down: ## stop what `make up` started (data is kept)
ifeq ($(MODE),compose)
	$(COMPOSE) down
else
	@$(PY) -m native down
	@echo "data kept in $(STATE_DIR) (make clean removes it)"
endif

status: $(VENV)/.installed ## each server's role, state, replication threads and lag; ProxySQL's view
ifeq ($(MODE),compose)
	$(COMPOSE) ps
	-@$(COMPOSE) exec -T proxysql /proxysql/admin-console.sh --status
else
	@$(PY) -m native status
endif

logs: ## follow the logs
ifeq ($(MODE),compose)
	$(COMPOSE) logs -f
else
	tail -F $(wildcard $(STATE_DIR)/app/gunicorn.log $(STATE_DIR)/master/mariadbd.log $(STATE_DIR)/slave/mariadbd.log $(STATE_DIR)/proxysql/proxysql.log) /dev/null
endif

proxysql-admin: $(if $(filter native,$(MODE)),$(VENV)/.installed) ## ProxySQL admin console (PROXYSQL_ADMIN_USER from .env)
ifeq ($(MODE),compose)
	$(COMPOSE) exec proxysql /proxysql/admin-console.sh
else
	@$(PY) -m native proxysql-admin
endif

drill: .env $(VENV)/.installed ## failure drills under load on their own native stack (DRILL_ARGS=--help)
	$(PY) -m drill $(DRILL_ARGS)

test: $(VENV)/.installed ## run the test suite (starts its own servers)
	$(PY) -m pytest

bench: .env $(VENV)/.installed ## measure speed (native stacks under .state/bench): table + bench/results.json
	$(PY) -m bench

lint: $(VENV)/.installed ## ruff
	$(VENV)/bin/ruff check .

clean: ## stop and remove all state (data, logs; in Compose mode its volumes)
ifeq ($(MODE),compose)
	$(COMPOSE) down --volumes --remove-orphans
else
	@if [ -x $(PY) ]; then $(PY) -m native down; fi
	rm -rf $(STATE_DIR)
	@echo "removed $(STATE_DIR)"
endif
