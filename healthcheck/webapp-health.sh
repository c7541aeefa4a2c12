#!/usr/bin/env bash
# Succeeds when the web app's /api/v1/health answers 200 (reads can be served).
# Python rather than curl: the app image is python:3.11-slim, which has no curl.
set -euo pipefail

: "${APP_URL:=http://127.0.0.1:${APP_PORT:-8000}}"
exec python3 - "$APP_URL/api/v1/health" <<'PY'
import sys
import urllib.request

try:
    with urllib.request.urlopen(sys.argv[1], timeout=5) as response:
        sys.exit(0 if response.status == 200 else 1)
except Exception as exc:  # any failure means unhealthy
    print(f"unhealthy: {exc}", file=sys.stderr)
    sys.exit(1)
PY
