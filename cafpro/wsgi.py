"""WSGI entry point (gunicorn cafpro.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cafpro.settings")

application = get_wsgi_application()
