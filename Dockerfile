# jinlv web app: the same setup as `make setup`, served on 0.0.0.0:8000.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    JINLV_DATA_DIR=/data JINLV_HOST=0.0.0.0 JINLV_PORT=8000

RUN apt-get update \
    && apt-get install -y --no-install-recommends make nodejs npm \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
RUN make setup

VOLUME ["/data"]
EXPOSE 8000
CMD [".venv/bin/jinlv", "serve", "--host", "0.0.0.0", "--port", "8000"]
