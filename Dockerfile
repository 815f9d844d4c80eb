# twitchlog: one image for every process (web, worker, beat, migrate); the
# command decides which. See compose.yaml and README.md, "Production".

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml constraints.txt README.md ./
COPY config config
COPY logbook logbook
COPY triage triage
COPY records records
# The pinned dependencies, from wheels only (no compiler in this image), but
# for http-ece (pywebpush's encryption), published as pure-Python source only.
# The app itself runs from /app, where its templates and static files are.
RUN /opt/venv/bin/pip install --only-binary=:all: --no-binary=http-ece -c constraints.txt . \
    && /opt/venv/bin/pip uninstall --yes twitchlog

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_DEBUG=0 \
    DJANGO_STATIC_ROOT=/app/staticfiles
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin twitchlog
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY manage.py gunicorn.conf.py ./
COPY config config
COPY logbook logbook
COPY triage triage
COPY records records
COPY templates templates
COPY static static
# Hashed, compressed static files, served by WhiteNoise. The key only lets
# settings load; collectstatic signs nothing.
RUN DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && mkdir -p /app/var && chown twitchlog /app/var
USER twitchlog
EXPOSE 8000
CMD ["gunicorn", "config.wsgi"]
