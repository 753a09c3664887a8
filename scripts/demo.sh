#!/usr/bin/env bash
# Render the default service into demo/ and run it for real:
# render, install, migrate, serve with gunicorn (plus a Celery worker), and show it answering.
# Needs PostgreSQL and Redis (scripts/services.sh checks them, or starts them).
# On a terminal it keeps serving until Ctrl-C; without one it stops after the checks.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
PORT=${DEMO_PORT:-8000}
SLUG=flask_service
PROJECT=$ROOT/demo/$SLUG
PG_URL=${DEMO_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432}
REDIS_URL=${DEMO_REDIS_URL:-redis://127.0.0.1:6379/0}

# shellcheck source=scripts/setup.sh
source scripts/setup.sh

step "rendering the default variant into demo/$SLUG"
rm -rf "$PROJECT"
.venv/bin/cookiecutter "$ROOT" --no-input --output-dir "$ROOT/demo"

step "installing the service's locked requirements (uv.lock) into demo/$SLUG/.venv"
UV_CACHE_DIR=$ROOT/.cache/uv .venv/bin/uv sync --quiet --project "$PROJECT" --locked --no-dev \
    --python python3

step "creating the database $SLUG if it is missing"
if ! psql "$PG_URL/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$SLUG'" | grep -q 1; then
    psql "$PG_URL/postgres" -qc "CREATE DATABASE $SLUG"
fi

cd "$PROJECT"
# Production settings, with the SECRET_KEY the template generated into .env.
FLASK_CONFIG=production
SECRET_KEY=$(sed -n 's/^SECRET_KEY=//p' .env)
DATABASE_URL="postgresql+psycopg://${PG_URL#postgresql://}/$SLUG"
GUNICORN_BIND=127.0.0.1:$PORT
export FLASK_CONFIG SECRET_KEY DATABASE_URL REDIS_URL GUNICORN_BIND

step "migrating: flask --app $SLUG db upgrade"
.venv/bin/flask --app "$SLUG" db upgrade

step "serving: gunicorn -c gunicorn.conf.py $SLUG.wsgi:app on http://$GUNICORN_BIND"
.venv/bin/gunicorn -c gunicorn.conf.py "$SLUG.wsgi:app" >"$PROJECT/gunicorn.log" 2>&1 &
WEB=$!
.venv/bin/celery -A "$SLUG.worker:celery_app" worker --loglevel INFO >"$PROJECT/worker.log" 2>&1 &
WORKER=$!
trap 'kill "$WEB" "$WORKER" 2>/dev/null; wait 2>/dev/null' EXIT

BASE=http://$GUNICORN_BIND
for _ in $(seq 1 60); do
    curl -fs "$BASE/health" >/dev/null && break
    kill -0 "$WEB" 2>/dev/null || { cat "$PROJECT/gunicorn.log"; exit 1; }
    sleep 0.5
done

# Print a command as a line that can be copied into a shell (a word that needs it
# single-quoted, as bash's ${word@Q} does), then run it.
show() {
    local words=() word
    for word in "$@"; do
        if [[ $word =~ ^[A-Za-z0-9_./:=@%+,-]+$ ]]; then words+=("$word"); else words+=("${word@Q}"); fi
    done
    printf '$ %s\n' "${words[*]}"
    "$@"
    printf '\n'
}
step "the service answers"
show curl -fsS "$BASE/health"
show curl -fsS "$BASE/ready"
USER_NAME="demo$RANDOM"
show curl -fsS -X POST "$BASE/api/v1/users" -H 'Content-Type: application/json' \
    -d "{\"username\": \"$USER_NAME\", \"password\": \"demo password\"}"
TOKEN=$(curl -fsS -X POST -u "$USER_NAME:demo password" "$BASE/api/v1/tokens" |
    .venv/bin/python -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
show curl -fsS -X POST "$BASE/api/v1/todos" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d '{"title": "Try the template", "done": true}'
PURGE=$(curl -fsS -X POST "$BASE/api/v1/todos/purge" -H "Authorization: Bearer $TOKEN")
printf 'purge task started: %s\n' "$PURGE"
STATUS_URL=$(printf '%s' "$PURGE" | .venv/bin/python -c 'import json, sys; print(json.load(sys.stdin)["status_url"])')
for _ in $(seq 1 40); do
    STATE=$(curl -fsS "$BASE${STATUS_URL}" -H "Authorization: Bearer $TOKEN")
    case "$STATE" in *SUCCESS*) break ;; esac
    sleep 0.5
done
printf 'task state from the Celery worker: %s\n' "$STATE"
case "$STATE" in *SUCCESS*) ;; *) echo "the worker did not finish the task; see $PROJECT/worker.log"; exit 1 ;; esac

if [ -t 0 ]; then
    step "serving on $BASE (pages at $BASE/); logs in demo/$SLUG/*.log; Ctrl-C stops"
    wait "$WEB"
else
    step "no terminal: stopping. Run 'bash scripts/demo.sh' in a terminal to keep it serving."
fi
