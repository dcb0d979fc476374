#!/usr/bin/env bash
# What CI checks of the Debian package, on its own machine (root, no systemd running needed):
# build it, install it with dpkg -i, verify the unit with systemd-analyze, run the unit's ExecStart
# line by hand against the packaged config (on a loopback port, not 53), ask it with dig, remove it.
# Prints "package check: passed" or what failed, and exits non-zero on failure.
set -uo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    dpkg --purge failoverdns >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "package check: FAILED: $*"; exit 1; }

deb=$(bash packaging/build-deb.sh "$work" 2>"$work/build.log") || { tail -20 "$work/build.log"; fail "the package did not build"; }
# One field asked for, not `--info | grep -q`: grep leaving early made dpkg-deb die of SIGPIPE,
# which pipefail counted as a failure.
[ "$(dpkg-deb --field "$deb" Package 2>/dev/null)" = failoverdns ] || fail "$deb has no control file"
dpkg -i "$deb" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "dpkg -i failed"; }
[ -x /usr/bin/failoverdns ] && [ -f /etc/failoverdns/failoverdns.yaml ] || fail "failoverdns or its config is not installed"
unit=/lib/systemd/system/failoverdns.service
systemd-analyze verify "$unit" >"$work/verify.log" 2>&1 || { cat "$work/verify.log"; fail "systemd-analyze verify $unit"; }
/usr/bin/failoverdns validate /etc/failoverdns/failoverdns.yaml || fail "the packaged config does not validate"

# The unit's own ExecStart line, run by hand; only the listen addresses move off port 53 (and the
# admin API off 8053), through the environment, so the packaged config is what is served.
command=$(sed -n 's/^ExecStart=//p' "$unit")
mkdir -p /var/lib/failoverdns
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
FAILOVERDNS_LISTEN=127.0.0.1:$port FAILOVERDNS_ADMIN_LISTEN=127.0.0.1:0 $command >"$work/server.log" 2>&1 &
pid=$!
answer=
for _ in $(seq 1 100); do
    answer=$(dig @127.0.0.1 -p "$port" +short +time=1 +tries=1 www.example.test A 2>/dev/null)
    [[ $answer =~ ^[0-9.]+$ ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
done
case "$answer" in
    192.0.2.10|198.51.100.10) ;;
    *) cat "$work/server.log"; fail "dig www.example.test answered '$answer'" ;;
esac
kill "$pid" && wait "$pid"
pid=
dpkg --purge failoverdns >/dev/null || fail "dpkg --purge failed"
[ ! -e /usr/bin/failoverdns ] && [ ! -e "$unit" ] || fail "files were left after purge"
echo "package check: passed ($(basename "$deb"), www.example.test -> $answer)"
