#!/usr/bin/env bash
# FailoverDns failover, live, on this machine (no Docker): two little web servers on 127.0.0.1 and
# 127.0.0.2, FailoverDns in front of them, and dig watching www.example.test while the primary
# stops and starts again. Needs the .NET 10 SDK, dig (bind9-dnsutils), curl and python3.
#
#   bash samples/demo.sh
#
# Ports (override with the environment): DNS 5301, admin API 8054, web servers 18080.
# FAILOVERDNS_DLL=path/to/failoverdns.dll skips the build. Only processes this script started are
# stopped, by their PIDs, when it ends.
set -euo pipefail
cd "$(dirname "$0")/.."

dns_port=${DEMO_DNS_PORT:-5301}
admin_port=${DEMO_ADMIN_PORT:-8054}
web_port=${DEMO_WEB_PORT:-18080}
work=$(mktemp -d)
pids=()
primary_pid=""

stop() {
    for pid in "${pids[@]}" $primary_pid; do
        kill "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap stop EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# Shows a command as it would be typed (arguments with spaces or quotes in single quotes), then runs it.
run() {
    local shown=() arg
    for arg in "$@"; do
        if [[ $arg =~ [^A-Za-z0-9_./:@=+-] ]]; then shown+=("'$arg'"); else shown+=("$arg"); fi
    done
    printf '$ %s\n' "${shown[*]}"
    "$@"
}
answer() { dig @127.0.0.1 -p "$dns_port" +short +time=1 +tries=1 www.example.test; }

# Waits (at most $2 seconds) until www.example.test answers $1; prints how long it took.
wait_for() {
    local want=$1 limit=$2 start now
    start=$(date +%s.%N)
    for _ in $(seq 1 $((limit * 10))); do
        if [ "$(answer)" = "$want" ]; then
            now=$(date +%s.%N)
            printf 'www.example.test now answers %s, after %.1f s\n' "$want" "$(echo "$now - $start" | bc)"
            return 0
        fi
        sleep 0.1
    done
    echo "FAILED: www.example.test did not answer $want within $limit s (it answers: $(answer))" >&2
    return 1
}

start_web() { # address name
    mkdir -p "$work/$2"
    echo "hello from the $2 web server" >"$work/$2/index.html"
    python3 -m http.server "$web_port" --bind "$1" --directory "$work/$2" >"$work/$2.log" 2>&1 &
    echo $!
}

wait_web() { # address
    for _ in $(seq 1 100); do
        curl -sf -o /dev/null "http://$1:$web_port/" && return 0
        sleep 0.1
    done
    echo "FAILED: no web server on $1:$web_port" >&2
    return 1
}

step "Two web servers: primary on 127.0.0.1:$web_port, secondary on 127.0.0.2:$web_port"
primary_pid=$(start_web 127.0.0.1 primary)
pids+=("$(start_web 127.0.0.2 secondary)")
wait_web 127.0.0.1
wait_web 127.0.0.2

step "FailoverDns on 127.0.0.1:$dns_port with this config"
cat >"$work/failoverdns.yaml" <<YAML
listen: [127.0.0.1:$dns_port]
admin: { listen: 127.0.0.1:$admin_port }
logging: { level: Information }
healthChecks:
  - { name: web-primary, type: http, target: 127.0.0.1, port: $web_port, interval: 1s, failureThreshold: 2, recoveryThreshold: 2 }
zones:
  - name: example.test
    soa: { email: hostmaster@example.test }
    nameservers: [ns1.example.test.]
    records:
      - { name: ns1, type: A, value: 127.0.0.1 }
    failover:
      - name: www
        type: A
        ttl: 5
        primary: { value: 127.0.0.1, healthCheck: web-primary }
        secondary: { value: 127.0.0.2 }
YAML
cat "$work/failoverdns.yaml"
if [ -z "${FAILOVERDNS_DLL:-}" ]; then
    dotnet build src/FailoverDns.Server -c Release -v quiet -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
    FAILOVERDNS_DLL=src/FailoverDns.Server/bin/Release/net10.0/failoverdns.dll
fi
dotnet "$FAILOVERDNS_DLL" --config "$work/failoverdns.yaml" >"$work/failoverdns.log" 2>&1 &
pids+=($!)
wait_for 127.0.0.1 30

step "1. The primary is healthy: it is served"
run dig @127.0.0.1 -p "$dns_port" +short www.example.test
run curl -s "http://$(answer):$web_port/"

step "2. The primary stops: after two failed checks (about 2 s) the secondary is served"
kill "$primary_pid"
primary_pid=""
wait_for 127.0.0.2 20
run dig @127.0.0.1 -p "$dns_port" +short www.example.test
run curl -s "http://$(answer):$web_port/"
run curl -s "http://127.0.0.1:$admin_port/api/health-checks/web-primary" -o "$work/check.json"
grep -E '"(status|detail)"' "$work/check.json" | head -2

step "3. The primary comes back: after two passed checks it is served again (failback)"
primary_pid=$(start_web 127.0.0.1 primary)
wait_web 127.0.0.1
wait_for 127.0.0.1 20
run dig @127.0.0.1 -p "$dns_port" +short www.example.test
run curl -s "http://$(answer):$web_port/"

step "4. A maintenance drill: force the primary's check unhealthy through the admin API, then clear it"
run curl -s -X PUT "http://127.0.0.1:$admin_port/api/health-checks/web-primary/override" \
    -H 'Content-Type: application/json' -d '{"state": "unhealthy", "reason": "drill"}' -o /dev/null
wait_for 127.0.0.2 5
run curl -s -X DELETE "http://127.0.0.1:$admin_port/api/health-checks/web-primary/override" -o /dev/null
wait_for 127.0.0.1 5

step "What FailoverDns logged"
cat "$work/failoverdns.log"
echo
echo "Demo finished: failover, failback and an override, all seen by dig."
