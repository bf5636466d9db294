# brandguard worker and web image; docker-compose.yml runs it as `run` and `serve`.
# The install step is README's install, verbatim (tests/test_deploy.py keeps them equal).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY brandguard ./brandguard
COPY crawlers ./crawlers
COPY nlp ./nlp
COPY risk ./risk
COPY alerts ./alerts
COPY config ./config
RUN python3 -m venv .venv && .venv/bin/pip install -q -e .
RUN useradd --system --home-dir /data --create-home brandguard
ENV PATH=/app/.venv/bin:$PATH \
    BRANDGUARD_CONFIG=/app/config \
    PYTHONUNBUFFERED=1
USER brandguard
# brandguard-data/ (the spool, the SQLite store if used) lives in the /data volume
WORKDIR /data
CMD ["brandguard", "--help"]
