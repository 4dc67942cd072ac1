# The registry application (API and portal). Build: docker build -t drv-registry .
# Configuration comes from the environment (docs/operations.md, section 3).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY registry ./registry
COPY portal ./portal
COPY seed ./seed
RUN pip install . \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/registry registry \
    && mkdir -p /var/lib/registry \
    && chown registry:registry /var/lib/registry \
    && chmod 0700 /var/lib/registry

USER registry
WORKDIR /var/lib/registry
ENV REGISTRY_DATA_DIR=/var/lib/registry \
    REGISTRY_HOST=0.0.0.0 \
    REGISTRY_PORT=8000
EXPOSE 8000

# readiness: graph answers, schema current, search answers (503 otherwise)
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"]

# `registry init` is idempotent: creates or upgrades the schema, loads reference data
CMD ["sh", "-c", "registry init && exec registry serve"]
