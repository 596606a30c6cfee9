# Frontwatch worker image: `docker compose up` (see docker-compose.yml), or
#   docker build -t frontwatch . && docker run --env-file .env frontwatch
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    FRONTWATCH_WEB_HOST=0.0.0.0 \
    FRONTWATCH_WEB_PORT=6066

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin frontwatch
WORKDIR /app

# Dependencies first, from pyproject.toml alone: this layer is rebuilt only when they change.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Then the code (a code change reinstalls only Frontwatch itself).
COPY README.md ./
COPY monitor ./monitor
COPY config ./config
COPY rules ./rules
RUN pip install --no-deps . \
    && mkdir -p /app/data \
    && chown frontwatch:frontwatch /app/data

USER frontwatch
EXPOSE 6066
# /health answers 503 when the database or the broker is unreachable; urlopen raises on it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('FRONTWATCH_WEB_PORT', '6066'), timeout=4)"]
# The worker migrates the database on start (`frontwatch db upgrade` runs the same migrations).
ENTRYPOINT ["frontwatch"]
CMD ["run", "--config", "config/monitor.yaml"]
