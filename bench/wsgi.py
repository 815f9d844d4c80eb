"""The app as gunicorn serves it in production, with the baseline view mounted beside it."""

import os

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
settings.ROOT_URLCONF = "bench.urls"
application = get_wsgi_application()
