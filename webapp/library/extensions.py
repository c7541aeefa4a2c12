"""Extension objects, created here and bound to the app in create_app (no import cycles)."""

from flask_migrate import Migrate

migrate = Migrate()
