#!/usr/bin/env bash
# Entry point of the web app container: migrate, seed, then serve with gunicorn.
# Compose starts this only once ProxySQL is healthy, but a writer can still refuse connections for
# a moment (a backend just marked ONLINE), so the migration is retried until the database answers.
# Several app containers may run this at once: migrations and seed each hold a server-side lock.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

: "${MIGRATE_TIMEOUT_SECONDS:=120}" "${SEED_READERS:=50000}"
deadline=$((SECONDS + MIGRATE_TIMEOUT_SECONDS))
until flask --app wsgi db upgrade; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "boot: migrations still failing after ${MIGRATE_TIMEOUT_SECONDS}s; giving up" >&2
    exit 1
  fi
  echo "boot: database not ready for migrations, retrying" >&2
  sleep 2
done

# Idempotent: on a restart it finds the readers already there and changes nothing.
flask --app wsgi seed --readers "$SEED_READERS"

exec gunicorn -c gunicorn.conf.py wsgi:app
