"""How every process logs: one JSON object per line in production, a plain line
in development. Shared by Django's settings and gunicorn.conf.py.

Health data never goes into logs. The app's own loggers are given ids, counts
and error class names, never an entry; and the one place where a library hands
the formatter more, the request that django.request attaches to its records
(whose text holds the query string), is left out.
"""

import os

from pythonjsonlogger.core import RESERVED_ATTRS

JSON = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "format": "{asctime}{levelname}{name}{message}",
    "style": "{",
    "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    "reserved_attrs": [*RESERVED_ATTRS, "request", "server_time"],
}
PLAIN = {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}


def logging_config(debug: bool) -> dict:
    """A dictConfig, everything to stderr: LOG_FORMAT "json" or "plain" (plain
    in DEBUG, JSON otherwise), at LOG_LEVEL (INFO)."""
    log_format = os.environ.get("LOG_FORMAT") or ("plain" if debug else "json")
    level = os.environ.get("LOG_LEVEL") or "INFO"
    if log_format not in ("json", "plain"):
        raise SystemExit(
            f"twitchlog refuses to start: LOG_FORMAT is {log_format!r}, not json or plain."
        )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"app": JSON if log_format == "json" else PLAIN},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "app"}},
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            # django-axes announces itself in every process; its warnings still show.
            "axes": {"level": "WARNING"},
            # fpdf2's font subsetting narrates every PDF it makes.
            "fontTools": {"level": "WARNING"},
            # gunicorn's own loggers, when gunicorn.conf.py hands it this config.
            "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
            # Requests are logged by the reverse proxy in front, if anywhere: the
            # addresses of a person's pages and filters stay out of these logs.
            "gunicorn.access": {"handlers": [], "propagate": False},
        },
    }
