"""WSGI entry point for gunicorn (`wsgi:app`) and for `flask --app wsgi`."""

import logging

from library import create_app

# The app's own warnings (why a read found no database, a write's outcome unknown) with the time and
# worker pid, in gunicorn's format, so they line up with its log and with a drill's timeline.
logging.basicConfig(level=logging.INFO, format="[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s",
                    datefmt="%Y-%m-%d %H:%M:%S %z")

app = create_app()
