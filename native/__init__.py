"""The native way to run the stack: local mariadbd processes, optional ProxySQL, gunicorn."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
