"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcommons.settings")
os.environ["GOVCOMMONS_SERVING"] = "1"  # settings then insist on a real SECRET_KEY
application = get_asgi_application()
