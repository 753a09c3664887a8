#!/usr/bin/env bash
# System tools the template tests run that do not come from PyPI:
#   nginx            checks (nginx -t) and serves the systemd-nginx target's site
#   systemd-analyze  verifies the systemd units and scores their hardening
#   systemd-socket-activate  hands gunicorn its socket in the tests, as systemd does
#   buildah, podman, runc    build the generated Dockerfile and run its image for real
#   debootstrap              bootstraps the Debian root filesystems those runs use
#   systemd-nspawn           boots a Debian under systemd to run the generated units for real
#   valgrind                 counts the instructions of a render (tests/render/test_render_time.py)
# A missing tool is installed from Debian's packages (nginx-light for nginx) when running
# as root with apt-get, without starting any service: the tests run their own nginx
# process. Anything still missing is reported and the script exits 1.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }

missing=()
for tool in nginx systemd-analyze systemd-socket-activate buildah podman runc debootstrap \
    systemd-nspawn valgrind; do
    have "$tool" || missing+=("$tool")
done
[ ${#missing[@]} -gt 0 ] || exit 0

packages=()
for tool in "${missing[@]}"; do
    case $tool in
        nginx) packages+=(nginx-light) ;;
        systemd-analyze | systemd-socket-activate) packages+=(systemd) ;;
        buildah | podman | runc | debootstrap | valgrind) packages+=("$tool") ;;
        systemd-nspawn) packages+=(systemd-container) ;;
    esac
done

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    printf 'tools.sh: missing %s; the template tests need it.\n' "${missing[*]}" >&2
    printf '          as root run: apt-get install --no-install-recommends %s\n' "${packages[*]}" >&2
    exit 1
fi

# Debian's maintainer scripts start a freshly installed daemon through invoke-rc.d unless
# /usr/sbin/policy-rc.d forbids it (exit 101). Keep nginx from starting as a service
# (it would take port 80); an existing policy is left as it is.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# added by scripts/tools.sh while installing packages\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
fi

printf '==> installing %s with apt-get (not started as a service)\n' "${packages[*]}"
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}"

for tool in "${missing[@]}"; do
    if ! have "$tool"; then
        printf 'tools.sh: %s is still missing after apt-get install %s\n' "$tool" "${packages[*]}" >&2
        exit 1
    fi
done
