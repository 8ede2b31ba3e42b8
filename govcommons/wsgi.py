"""WSGI entry point for gunicorn and the development server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcommons.settings")
os.environ["GOVCOMMONS_SERVING"] = "1"  # settings then insist on a real SECRET_KEY
application = get_wsgi_application()
