"""The Celery app. Every CELERY_* setting in config/settings.py configures it."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("twitchlog")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
