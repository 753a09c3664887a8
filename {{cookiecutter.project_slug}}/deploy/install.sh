#!/usr/bin/env bash
# Install or upgrade {{ cookiecutter.project_name }} on this host (Debian or Ubuntu, systemd, nginx).
# Run as root from a checkout of the project:  sudo bash deploy/install.sh
#
# Idempotent: run it again for every release. It
#   1. creates the system user {{ cookiecutter.project_slug }} (no login, no home),
#   2. writes /etc/{{ cookiecutter.project_slug }}/{{ cookiecutter.project_slug }}.env from deploy/{{ cookiecutter.project_slug }}.env.example
#      with a fresh SECRET_KEY, once: it is never overwritten, and the script stops
#      while its DATABASE_URL still says CHANGE-ME,
#   3. installs exactly the packages of uv.lock (hash-checked) into the virtualenv
#      /opt/{{ cookiecutter.project_slug }}/venv with uv (from PyPI, in a virtualenv of its own: /opt/{{ cookiecutter.project_slug }}/uv),
#      and the code into /opt/{{ cookiecutter.project_slug }}/app (root-owned: the service only reads them),
#   4. migrates the database (flask db upgrade) as the service user, with the env file,
#   5. installs the systemd units and the nginx site (a site that was changed in place,
#      for example by certbot, is kept), disables Debian's default site, enables and
#      (re)starts them,
#   6. checks that /health answers through nginx.
set -euo pipefail
umask 022

SLUG={{ cookiecutter.project_slug }}
DOMAIN={{ cookiecutter.domain_name }}
URL_PREFIX="{{ cookiecutter.url_prefix }}"
SOURCE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
APP=/opt/$SLUG/app
VENV=/opt/$SLUG/venv
UV_VENV=/opt/$SLUG/uv
UV_VERSION=0.13.9
ENV_FILE=/etc/$SLUG/$SLUG.env
SITE=/etc/nginx/sites-available/$SLUG.conf
PYTHON=${PYTHON:-python3}
{%- if cookiecutter.worker == "celery" %}
SERVICES=("$SLUG.service" "$SLUG-worker.service" "$SLUG-beat.service")
{%- else %}
SERVICES=("$SLUG.service")
{%- endif %}

step() { printf '==> %s\n' "$*"; }
die() {
    printf 'install.sh: %s\n' "$*" >&2
    exit 1
}

[ "$(id -u)" -eq 0 ] || die "run it as root: sudo bash deploy/install.sh"
for tool in "$PYTHON" systemctl systemd-run nginx; do
    command -v "$tool" >/dev/null || die "$tool is missing; on Debian or Ubuntu: apt-get install python3 python3-venv nginx"
done
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
    die "$PYTHON is older than 3.11; set PYTHON=/path/to/python3.11 or newer"
"$PYTHON" -c 'import ensurepip, venv' 2>/dev/null ||
    die "$PYTHON cannot create virtualenvs; apt-get install python3-venv"
case $("$PYTHON" -c 'import os, sys; print(os.path.realpath(sys.executable))') in
    /root/* | /home/*)
        die "$PYTHON is under /root or /home, which the services cannot reach (ProtectHome=yes); use a system Python such as /usr/bin/python3"
        ;;
esac
getent passwd www-data >/dev/null ||
    die "nginx's user www-data does not exist; set SocketUser= and SocketGroup= in deploy/systemd/$SLUG.socket to the user nginx runs as"

if ! getent passwd "$SLUG" >/dev/null; then
    step "creating the system user $SLUG"
    useradd --system --user-group --home-dir "/var/lib/$SLUG" --no-create-home \
        --shell /usr/sbin/nologin "$SLUG"
fi

if [ ! -e "$ENV_FILE" ]; then
    step "writing $ENV_FILE with a fresh SECRET_KEY"
    install -d -m 0755 "/etc/$SLUG"
    secret=$("$PYTHON" -c 'import secrets; print(secrets.token_hex(32))')
    (
        umask 077
        sed "s/^SECRET_KEY=.*/SECRET_KEY=$secret/" "$SOURCE/deploy/$SLUG.env.example" >"$ENV_FILE"
    )
fi
if grep -q 'CHANGE-ME' "$ENV_FILE"; then
    die "set DATABASE_URL in $ENV_FILE (it still says CHANGE-ME), then run this script again"
fi

if [ "$("$UV_VENV/bin/uv" --version 2>/dev/null | cut -d' ' -f2)" != "$UV_VERSION" ]; then
    step "installing uv $UV_VERSION into $UV_VENV"
    "$PYTHON" -m venv --clear "$UV_VENV"
    "$UV_VENV/bin/pip" install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi

step "installing the locked requirements (uv.lock) into $VENV"
# The host's certificate store (ca-certificates), as Debian's pip uses it.
UV_PROJECT_ENVIRONMENT=$VENV UV_PYTHON_DOWNLOADS=never UV_SYSTEM_CERTS=1 \
    "$UV_VENV/bin/uv" sync --quiet --project "$SOURCE" --locked --no-dev \
    --no-install-project --compile-bytecode --python "$PYTHON"

step "installing the code into $APP"
rm -rf "$APP.new"
mkdir -p "$APP.new"
cp -R "$SOURCE/$SLUG" "$SOURCE/migrations" "$SOURCE/gunicorn.conf.py" \
    "$SOURCE/pyproject.toml" "$SOURCE/uv.lock" "$APP.new/"
find "$APP.new" -name __pycache__ -prune -exec rm -rf {} +
"$VENV/bin/python" -m compileall -q "$APP.new"
if [ -d "$APP" ]; then
    rm -rf "$APP.old"
    mv "$APP" "$APP.old"
fi
mv "$APP.new" "$APP"
rm -rf "$APP.old"

step "migrating the database: flask --app $SLUG db upgrade"
systemd-run --quiet --wait --pipe --collect --uid="$SLUG" --gid="$SLUG" \
    --working-directory="$APP" --property=EnvironmentFile="$ENV_FILE" \
{%- if cookiecutter.database == "sqlite" %}
    --property=StateDirectory="$SLUG" --property=StateDirectoryMode=0750 \
{%- endif %}
    "$VENV/bin/flask" --app "$SLUG" db upgrade

step "installing the systemd units"
for unit in "$SLUG.socket" "${SERVICES[@]}"; do
    install -m 0644 "$SOURCE/deploy/systemd/$unit" "/etc/systemd/system/$unit"
done
systemctl daemon-reload

step "installing the nginx site $SITE"
if [ ! -e "$SITE" ]; then
    install -m 0644 "$SOURCE/deploy/nginx/$SLUG.conf" "$SITE"
elif ! cmp -s "$SOURCE/deploy/nginx/$SLUG.conf" "$SITE"; then
    printf '    kept %s: it differs from deploy/nginx/%s.conf (changed by certbot?);\n' "$SITE" "$SLUG"
    printf '    compare: diff -u %s %s\n' "$SITE" "$SOURCE/deploy/nginx/$SLUG.conf"
fi
ln -sfn "$SITE" "/etc/nginx/sites-enabled/$SLUG.conf"
# Debian's default site is the default_server of port 80: it would answer a request for
# any other name (the host's address, say) with its own page or a 404. Disabled, this
# site answers them; a default site of your own (not Debian's link) is left alone.
if [ "$(readlink /etc/nginx/sites-enabled/default)" = /etc/nginx/sites-available/default ]; then
    step "disabling Debian's default nginx site (sites-enabled/default)"
    rm /etc/nginx/sites-enabled/default
fi
nginx -t -q

step "starting $SLUG.socket, ${SERVICES[*]} and nginx"
systemctl enable --now "$SLUG.socket"
systemctl enable "${SERVICES[@]}"
systemctl restart "${SERVICES[@]}"
systemctl enable nginx
systemctl reload-or-restart nginx

step "checking http://$DOMAIN$URL_PREFIX/health through nginx on 127.0.0.1:80"
check='
import http.client, sys
connection = http.client.HTTPConnection("127.0.0.1", 80, timeout=5)
connection.request("GET", sys.argv[1], headers={"Host": sys.argv[2]})
status = connection.getresponse().status
print(status)
sys.exit(status not in (200, 301, 308))
'
for _ in $(seq 1 30); do
    if status=$("$VENV/bin/python" -c "$check" "$URL_PREFIX/health" "$DOMAIN" 2>/dev/null); then
        step "ok: $URL_PREFIX/health answered $status (a 301 or 308 is the redirect to HTTPS)"
        exit 0
    fi
    sleep 1
done
die "$URL_PREFIX/health does not answer 200 through nginx; see: journalctl -u $SLUG.service -e"
