#!/usr/bin/env bash
# Make sure the services the template's test suite talks to are reachable:
#   PostgreSQL 127.0.0.1:5432  user postgres, trust auth, database test
#   MariaDB    127.0.0.1:3306  user root, empty password, database test
#   Redis      127.0.0.1:6379
#   RabbitMQ   127.0.0.1:5672  guest/guest (an AMQP broker for the Celery worker test)
# A service that answers is left alone (only a missing `test` database is created).
# A stopped one is started from its Debian package; a missing one is installed with
# apt-get when running as root. Anything still unreachable is reported and the script
# exits 1: nothing is skipped silently.
# Set TEST_POSTGRES_URL, TEST_MYSQL_URL, TEST_REDIS_URL or TEST_AMQP_URL to use your own server
# instead; that service is then not touched.
set -euo pipefail

HOST=127.0.0.1
PG_PORT=5432
MY_PORT=3306
REDIS_PORT=6379
AMQP_PORT=5672
DB="test"
WAIT_SECONDS=${SERVICES_WAIT_SECONDS:-30}

MARIADBD=/usr/sbin/mariadbd
REDIS_START=(redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT"
    --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log)

FAILED=()
INSTALLED=" "

say() { printf '%-10s %s\n' "$1" "$2"; }
ok() { say "ok" "$1"; }
note() { say "..." "$1"; }
fail() {
    # fail SERVICE WHAT_HAPPENED WHAT_WAS_TRIED WHAT_TO_DO
    FAILED+=("$1")
    {
        printf 'FAIL       %s: %s\n' "$1" "$2"
        printf '           tried: %s\n' "$3"
        printf '           to fix: %s\n' "$4"
    } >&2
    return 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }
have() { command -v "$1" >/dev/null 2>&1; }
installed_here() { [[ $INSTALLED == *" $1 "* ]]; }

with_timeout() {
    if have timeout; then timeout "$@"; else shift; "$@"; fi
}

tcp_open() {
    # Loopback answers a connect at once (accept or refuse), so no timeout is needed.
    (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

# wait_until DESCRIPTION COMMAND...: retry COMMAND once a second for WAIT_SECONDS.
wait_until() {
    local what=$1 i
    shift
    note "waiting up to ${WAIT_SECONDS}s for $what"
    for ((i = 0; i < WAIT_SECONDS; i++)); do
        if "$@"; then return 0; fi
        sleep 1
    done
    "$@"
}

# --- PostgreSQL -------------------------------------------------------------

pg_version() {
    # The cluster "main" on our port; else the newest configured version.
    local v="" d
    if have pg_lsclusters; then
        v=$(pg_lsclusters -h 2>/dev/null | awk -v p="$PG_PORT" '$2 == "main" && $3 == p { print $1; exit }')
    fi
    if [ -z "$v" ]; then
        for d in /etc/postgresql/*/main; do
            [ -d "$d" ] || continue
            d=${d%/main}
            d=${d#/etc/postgresql/}
            if [ -z "$v" ] || [ "$(printf '%s\n%s\n' "$v" "$d" | sort -V | tail -n 1)" = "$d" ]; then
                v=$d
            fi
        done
    fi
    [ -n "$v" ] && printf '%s\n' "$v"
}
pg_server_installed() { have pg_ctlcluster && [ -n "$(pg_version)" ]; }
pg_client() { have psql; }
pg_psql() {
    # pg_psql DATABASE SQL: as postgres over TCP, never prompting for a password.
    PGCONNECT_TIMEOUT=5 psql -w -X -q -At -h "$HOST" -p "$PG_PORT" -U postgres -d "$1" -c "$2"
}
pg_ready() {
    tcp_open "$PG_PORT" || return 1
    if have pg_isready; then pg_isready -q -h "$HOST" -p "$PG_PORT"; fi
}
pg_start_cmd() { printf 'pg_ctlcluster --skip-systemctl-redirect %s main start' "$1"; }

pg_configure_fresh() {
    # Only for a server this script installed: Debian's default pg_hba.conf asks for
    # a password over TCP; the tests log in as postgres with none.
    local v hba newest="" d
    v=$(pg_version || true)
    if [ -z "$v" ]; then
        for d in /usr/lib/postgresql/*/bin/postgres; do
            [ -x "$d" ] || continue
            d=${d%/bin/postgres}
            newest=${d#/usr/lib/postgresql/}
        done
        [ -n "$newest" ] || return 1
        note "postgresql: creating cluster $newest/main"
        pg_createcluster --port "$PG_PORT" "$newest" main >/dev/null || return 1
        v=$newest
    fi
    hba=/etc/postgresql/$v/main/pg_hba.conf
    if ! grep -q '^# trust over loopback: added by scripts/services.sh' "$hba"; then
        note "postgresql: trusting 127.0.0.1/32 and ::1/128 in $hba"
        {
            printf '%s\n' '# trust over loopback: added by scripts/services.sh for the test suite' \
                'host    all    all    127.0.0.1/32    trust' \
                'host    all    all    ::1/128         trust'
            cat "$hba"
        } >"$hba.services-sh" || return 1
        cat "$hba.services-sh" >"$hba" || return 1
        rm -f "$hba.services-sh"
    fi
    if tcp_open "$PG_PORT"; then
        pg_ctlcluster --skip-systemctl-redirect "$v" main reload
    else
        note "postgresql: $(pg_start_cmd "$v")"
        pg_ctlcluster --skip-systemctl-redirect "$v" main start
    fi
}

ensure_postgres() {
    local s=postgresql v err created="" tried="probed $HOST:$PG_PORT"
    local fix_url="or set TEST_POSTGRES_URL=postgresql+psycopg://USER:PASSWORD@HOST:PORT/DB to use your own server"
    if [ -n "${TEST_POSTGRES_URL:-}" ]; then
        say "external" "$s: TEST_POSTGRES_URL is set; using that server, not managing a local one"
        return 0
    fi
    if installed_here "$s"; then
        tried="installed postgresql with apt-get, set trust auth for loopback in pg_hba.conf and started it"
        if ! pg_configure_fresh; then
            fail "$s" "configuring the freshly installed server failed" "$tried" \
                "see /var/log/postgresql/, $fix_url"
            return 1
        fi
        if ! wait_until "$s on $HOST:$PG_PORT" pg_ready; then
            fail "$s" "nothing answers on $HOST:$PG_PORT" "$tried" \
                "see /var/log/postgresql/, $fix_url"
            return 1
        fi
    elif ! tcp_open "$PG_PORT"; then
        if ! pg_server_installed; then
            fail "$s" "nothing answers on $HOST:$PG_PORT and the server is not installed" \
                "$(install_tried postgresql)" \
                "as root run: apt-get install postgresql (then allow trust auth for host 127.0.0.1/32 in pg_hba.conf and create database $DB), $fix_url"
            return 1
        fi
        v=$(pg_version)
        if ! is_root; then
            fail "$s" "installed but not running on $HOST:$PG_PORT" \
                "nothing: starting it needs root" "run: sudo $(pg_start_cmd "$v"), $fix_url"
            return 1
        fi
        tried="$(pg_start_cmd "$v"), then waited ${WAIT_SECONDS}s"
        note "$s: not running; $(pg_start_cmd "$v")"
        if ! pg_ctlcluster --skip-systemctl-redirect "$v" main start ||
            ! wait_until "$s on $HOST:$PG_PORT" pg_ready; then
            fail "$s" "the installed cluster $v/main did not start or does not answer on $HOST:$PG_PORT" \
                "$tried" "see /var/log/postgresql/postgresql-$v-main.log, $fix_url"
            return 1
        fi
    fi
    if ! pg_client; then
        ok "$s on $HOST:$PG_PORT (port open; psql is not installed, so the login was not checked)"
        return 0
    fi
    if pg_psql "$DB" 'select 1' >/dev/null 2>&1; then
        ok "$s on $HOST:$PG_PORT (user postgres, database $DB)"
        return 0
    fi
    if [ "$(pg_psql postgres "select 1 from pg_database where datname = '$DB'" 2>/dev/null)" = "" ] &&
        pg_psql postgres 'select 1' >/dev/null 2>&1; then
        note "$s: creating database $DB"
        pg_psql postgres "create database $DB" >/dev/null && created="; created it"
    fi
    if err=$(pg_psql "$DB" 'select 1' 2>&1); then
        ok "$s on $HOST:$PG_PORT (user postgres, database $DB$created)"
        return 0
    fi
    fail "$s" "a server answers on $HOST:$PG_PORT but 'psql -h $HOST -U postgres -d $DB' fails: ${err//$'\n'/ }" \
        "$tried; logged in as postgres without a password" \
        "allow trust auth for user postgres from 127.0.0.1/32 in pg_hba.conf and create database $DB, $fix_url"
}

# --- MariaDB ----------------------------------------------------------------

my_client() {
    if have mariadb; then printf mariadb; elif have mysql; then printf mysql; else return 1; fi
}
my_server_installed() { [ -x "$MARIADBD" ]; }
my_sql() {
    # my_sql [DATABASE] SQL: as root with an empty password over TCP; ignores option files.
    local client db=""
    client=$(my_client)
    if [ $# -eq 2 ]; then db=$1 && shift; fi
    "$client" --no-defaults --connect-timeout=5 --protocol=tcp -h "$HOST" -P "$MY_PORT" -uroot \
        -N -B -e "$1" ${db:+"$db"}
}
my_start_cmd() { printf 'start-stop-daemon --start --oknodo --background --exec %s -- --user=mysql' "$MARIADBD"; }
my_start() {
    # Without systemd nothing creates mariadbd's runtime directory (socket, pid file).
    if [ ! -d /run/mysqld ]; then install -d -o mysql -g mysql -m 755 /run/mysqld; fi
    start-stop-daemon --start --oknodo --background --exec "$MARIADBD" -- --user=mysql
}
my_port_open() { tcp_open "$MY_PORT"; }

my_configure_fresh() {
    # Only for a server this script installed: Debian's root logs in through the unix
    # socket only; the tests log in over TCP with an empty password.
    local client
    client=$(my_client)
    note "mariadb: allowing root over TCP with an empty password"
    "$client" -uroot --protocol=socket -e "
        ALTER USER root@localhost IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket;
        CREATE USER IF NOT EXISTS root@'127.0.0.1' IDENTIFIED VIA mysql_native_password USING PASSWORD('');
        GRANT ALL PRIVILEGES ON *.* TO root@'127.0.0.1' WITH GRANT OPTION;
        CREATE DATABASE IF NOT EXISTS $DB;"
}

ensure_mysql() {
    local s=mariadb err created="" tried="probed $HOST:$MY_PORT"
    local fix_url="or set TEST_MYSQL_URL=mysql+pymysql://USER:PASSWORD@HOST:PORT/DB to use your own server"
    local fix_root="as root run: mariadb -e \"ALTER USER root@localhost IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket; CREATE DATABASE IF NOT EXISTS $DB\""
    if [ -n "${TEST_MYSQL_URL:-}" ]; then
        say "external" "$s: TEST_MYSQL_URL is set; using that server, not managing a local one"
        return 0
    fi
    if installed_here "$s"; then
        tried="installed mariadb-server with apt-get, $(my_start_cmd), allowed root over TCP"
        if ! my_port_open; then
            note "$s: $(my_start_cmd)"
            my_start || true
        fi
        if ! wait_until "$s on $HOST:$MY_PORT" my_port_open || ! my_configure_fresh; then
            fail "$s" "the freshly installed server did not start or could not be configured" "$tried" \
                "see /var/log/mysql/ and $fix_root, $fix_url"
            return 1
        fi
    elif ! my_port_open; then
        if ! my_server_installed; then
            fail "$s" "nothing answers on $HOST:$MY_PORT and the server is not installed" \
                "$(install_tried mariadb-server)" \
                "as root run: apt-get install mariadb-server, start it, then $fix_root; $fix_url"
            return 1
        fi
        if ! is_root; then
            fail "$s" "installed but not running on $HOST:$MY_PORT" \
                "nothing: starting it needs root" "run: sudo $(my_start_cmd), $fix_url"
            return 1
        fi
        tried="$(my_start_cmd), then waited ${WAIT_SECONDS}s"
        note "$s: not running; $(my_start_cmd)"
        if ! my_start || ! wait_until "$s on $HOST:$MY_PORT" my_port_open; then
            fail "$s" "the installed server did not start or does not answer on $HOST:$MY_PORT" \
                "$tried" "see /var/log/mysql/error.log, $fix_url"
            return 1
        fi
    fi
    if ! my_client >/dev/null; then
        ok "$s on $HOST:$MY_PORT (port open; the mariadb client is not installed, so the login was not checked)"
        return 0
    fi
    if my_sql "$DB" 'select 1' >/dev/null 2>&1; then
        ok "$s on $HOST:$MY_PORT (user root, database $DB)"
        return 0
    fi
    if [ "$(my_sql "show databases like '$DB'" 2>/dev/null)" = "" ] && my_sql 'select 1' >/dev/null 2>&1; then
        note "$s: creating database $DB"
        my_sql "create database if not exists $DB" >/dev/null && created="; created it"
    fi
    if err=$(my_sql "$DB" 'select 1' 2>&1); then
        ok "$s on $HOST:$MY_PORT (user root, database $DB$created)"
        return 0
    fi
    fail "$s" "a server answers on $HOST:$MY_PORT but 'mariadb -h $HOST -uroot $DB' fails: ${err//$'\n'/ }" \
        "$tried; logged in as root with an empty password" "$fix_root, $fix_url"
}

# --- Redis ------------------------------------------------------------------

redis_server_installed() { have redis-server; }
redis_ping() {
    have redis-cli || return 1
    [ "$(with_timeout 5 redis-cli -h "$HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]
}
redis_start_cmd() { printf '%q ' "${REDIS_START[@]}" | sed 's/ $//'; }
redis_ready() {
    if have redis-cli; then redis_ping; else tcp_open "$REDIS_PORT"; fi
}
redis_start() {
    if [ ! -d /var/lib/redis ]; then mkdir -p /var/lib/redis; fi
    if [ ! -d /var/log/redis ]; then mkdir -p /var/log/redis; fi
    "${REDIS_START[@]}" >/dev/null
}

ensure_redis() {
    local s=redis err tried="probed $HOST:$REDIS_PORT"
    local fix_url="or set TEST_REDIS_URL=redis://HOST:PORT/0 to use your own server"
    if [ -n "${TEST_REDIS_URL:-}" ]; then
        say "external" "$s: TEST_REDIS_URL is set; using that server, not managing a local one"
        return 0
    fi
    if ! tcp_open "$REDIS_PORT"; then
        if ! redis_server_installed; then
            fail "$s" "nothing answers on $HOST:$REDIS_PORT and the server is not installed" \
                "$(install_tried redis-server)" "as root run: apt-get install redis-server, $fix_url"
            return 1
        fi
        if ! is_root; then
            fail "$s" "installed but not running on $HOST:$REDIS_PORT" "nothing: this script starts it only as root" \
                "run: $(redis_start_cmd) (as a user that can write /var/lib/redis and /var/log/redis), $fix_url"
            return 1
        fi
        tried="started it with: $(redis_start_cmd), then waited ${WAIT_SECONDS}s"
        if installed_here "$s"; then tried="installed redis-server with apt-get, $tried"; fi
        note "$s: not running; $(redis_start_cmd)"
        if ! redis_start || ! wait_until "$s on $HOST:$REDIS_PORT" redis_ready; then
            fail "$s" "the installed server did not start or does not answer on $HOST:$REDIS_PORT" \
                "$tried" "see /var/log/redis/ci.log, $fix_url"
            return 1
        fi
    fi
    if ! have redis-cli; then
        ok "$s on $HOST:$REDIS_PORT (port open; redis-cli is not installed, so PING was not checked)"
        return 0
    fi
    if redis_ping; then
        ok "$s on $HOST:$REDIS_PORT (PING answered PONG)"
        return 0
    fi
    err=$(with_timeout 5 redis-cli -h "$HOST" -p "$REDIS_PORT" ping 2>&1 || true)
    fail "$s" "a server answers on $HOST:$REDIS_PORT but PING gave: ${err//$'\n'/ }" "$tried; redis-cli ping" \
        "make it answer PING without a password, $fix_url"
}

# --- installing missing servers ---------------------------------------------

rabbitmq_server_installed() { have rabbitmq-server; }
amqp_ready() { tcp_open "$AMQP_PORT"; }

ensure_rabbitmq() {
    local s=rabbitmq tried="probed $HOST:$AMQP_PORT"
    local fix_url="or set TEST_AMQP_URL=amqp://USER:PASSWORD@HOST:PORT// to use your own broker"
    if [ -n "${TEST_AMQP_URL:-}" ]; then
        say "external" "$s: TEST_AMQP_URL is set; not managing it"
        return 0
    fi
    if amqp_ready; then
        ok "$s on $HOST:$AMQP_PORT (AMQP port open)"
        return 0
    fi
    if ! rabbitmq_server_installed; then
        fail "$s" "not installed and nothing listens on $HOST:$AMQP_PORT" \
            "$(install_tried rabbitmq-server)" "as root run: apt-get install rabbitmq-server, $fix_url"
        return 1
    fi
    if ! is_root; then
        fail "$s" "installed but not running" "$tried" "as root run: rabbitmq-server -detached, $fix_url"
        return 1
    fi
    note "$s: not running; rabbitmq-server -detached"
    rabbitmq-server -detached >/dev/null 2>&1 || true
    # The broker takes several seconds to boot; give it twice the usual wait.
    if ! WAIT_SECONDS=$((WAIT_SECONDS * 2)) wait_until "$s on $HOST:$AMQP_PORT" amqp_ready; then
        fail "$s" "did not open $HOST:$AMQP_PORT" "started it with: rabbitmq-server -detached" \
            "see /var/log/rabbitmq/, $fix_url"
        return 1
    fi
    ok "$s on $HOST:$AMQP_PORT (started)"
}

INSTALL_RESULT=""
install_tried() {
    # What was tried about installing package $1, for a failure message.
    case $INSTALL_RESULT in
        failed) printf 'apt-get install %s failed (output above)' "$1" ;;
        *) if is_root && have apt-get; then
            printf 'nothing else'
        else
            printf 'no install: that needs root and apt-get'
        fi ;;
    esac
}

install_missing() {
    local pkgs=()
    if [ -z "${TEST_POSTGRES_URL:-}" ] && ! tcp_open "$PG_PORT" && ! pg_server_installed; then
        pkgs+=(postgresql)
    fi
    if [ -z "${TEST_MYSQL_URL:-}" ] && ! tcp_open "$MY_PORT" && ! my_server_installed; then
        pkgs+=(mariadb-server)
    fi
    if [ -z "${TEST_REDIS_URL:-}" ] && ! tcp_open "$REDIS_PORT" && ! redis_server_installed; then
        pkgs+=(redis-server)
    fi
    if [ -z "${TEST_AMQP_URL:-}" ] && ! tcp_open "$AMQP_PORT" && ! rabbitmq_server_installed; then
        pkgs+=(rabbitmq-server)
    fi
    [ ${#pkgs[@]} -gt 0 ] || return 0
    if ! is_root || ! have apt-get; then
        note "not installed: ${pkgs[*]} (installing needs root and apt-get)"
        return 0
    fi
    note "installing ${pkgs[*]} with apt-get"
    if apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends "${pkgs[@]}"; then
        INSTALL_RESULT=ok
        local p
        for p in "${pkgs[@]}"; do
            case $p in
                postgresql) INSTALLED+="postgresql " ;;
                mariadb-server) INSTALLED+="mariadb " ;;
                redis-server) INSTALLED+="redis " ;;
            esac
        done
    else
        INSTALL_RESULT=failed
    fi
    return 0
}

install_missing
ensure_postgres || true
ensure_mysql || true
ensure_redis || true
ensure_rabbitmq || true

if [ ${#FAILED[@]} -gt 0 ]; then
    printf '\nservices.sh: not reachable: %s. The test suite needs them; see the messages above.\n' \
        "${FAILED[*]}" >&2
    exit 1
fi
