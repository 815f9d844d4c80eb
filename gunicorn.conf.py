"""gunicorn's settings; gunicorn reads this file from the folder it starts in
(the Procfile's and the Dockerfile's). The environment still decides: PORT,
WEB_CONCURRENCY, DJANGO_DEBUG, LOG_FORMAT, LOG_LEVEL."""

import os

import environ

from config.logs import logging_config

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# A request that takes longer than this has gone wrong; the reverse proxy's
# own timeout should be a little longer.
timeout = 30
logconfig_dict = logging_config(debug=environ.Env().bool("DJANGO_DEBUG", default=True))
# gunicorn 25's control socket (for `gunicornc`) is not used, and would need a
# writable home folder.
control_socket_disable = True
