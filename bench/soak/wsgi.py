"""WSGI entry point of the soak run (``gunicorn bench.soak.wsgi:application``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.soak.settings")

application = get_wsgi_application()
