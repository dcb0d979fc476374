#!/usr/bin/env bash
# How long clients keep a dead primary's address through a real caching resolver (Unbound), with the
# unsettled TTL (README, TTLs) and without it. Everything runs on loopback: a python3 web server as
# the primary's backend, the published FailoverDns (one failover set, ttl 60, an http check of the
# backend every 1 s, failureThreshold 3) and Unbound with a stub zone pointing at it.
#
# Each trial starts a fresh Unbound, kills the backend, and asks Unbound every 0.1 s until it names
# the secondary, reporting the time from the kill:
#   switch  when FailoverDns itself answered the secondary (asked directly in the same loop)
#   stale   when Unbound stopped answering the dead primary
# PHASE=window: Unbound is first asked right after the first failed probe (seen in the admin API):
#   a resolver whose copy ran out while the check was failing but had not yet crossed its threshold,
#   the case the unsettled TTL is for (without it, that resolver keeps the dead answer a full TTL).
# PHASE=random: Unbound is asked (and caches the primary) before the kill, and the kill comes at a
#   random moment of the TTL: what resolvers see on average, most of them having cached before.
#   bash bench/ttl-follow.sh                       # both modes, PHASE=window, 3 trials each
#   PHASE=random TRIALS=5 bash bench/ttl-follow.sh
#   MODES=unsettled TTL=30 UNSETTLED=2 bash bench/ttl-follow.sh
#
# Needs the .NET 10 SDK, dig, unbound and python3. FAILOVERDNS_DLL=path/to/failoverdns.dll skips the
# publish. Only the processes this script started are stopped, by their PIDs. Every wait is bounded.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

ttl=${TTL:-60}
unsettled=${UNSETTLED:-5}
interval=${INTERVAL:-1}
threshold=${THRESHOLD:-3}
trials=${TRIALS:-3}
phase=${PHASE:-window}
modes=${MODES:-"fixed unsettled"}

for tool in dig unbound python3 curl; do
    command -v "$tool" >/dev/null || { echo "ttl-follow: $tool is needed" >&2; exit 1; }
done

dll=${FAILOVERDNS_DLL:-}
if [ -z "$dll" ]; then
    dotnet publish "$repo/src/FailoverDns.Server/FailoverDns.Server.csproj" -c Release -o "$repo/artifacts/publish" --nologo -v quiet >&2
    dll=$repo/artifacts/publish/failoverdns.dll
fi

work=$(mktemp -d)
backend_pid="" server_pid="" unbound_pid=""

stop_pid() { # pid: stops it and waits for it (at most 5 s), only if it is still ours
    local pid=$1
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
}

cleanup() {
    stop_pid "$unbound_pid"; stop_pid "$server_pid"; stop_pid "$backend_pid"
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
# "TTL ADDRESS" of www.example.test from the server on port $1 (empty when it does not answer).
ask() { dig @127.0.0.1 -p "$1" +noall +answer +time=1 +tries=1 www.example.test A 2>/dev/null | awk '$4 == "A" { print $2, $5; exit }'; }

answers() { [ -n "$(ask "$1")" ]; }
# Asks for the SOA, so that a readiness probe does not put www in Unbound's cache.
soa_answers() { [ -n "$(dig @127.0.0.1 -p "$1" +short +time=1 +tries=1 example.test SOA 2>/dev/null)" ]; }
# The primary's check has failed at least once (and the switch may not have come yet).
failing() { curl -sf "http://127.0.0.1:$admin_port/api/health-checks/web" | grep -q '"consecutiveFailures": [1-9]'; }

wait_until() { # seconds description command...: runs the command every 0.1 s until it succeeds
    local limit=$1 what=$2; shift 2
    for _ in $(seq 1 $((limit * 10))); do "$@" && return 0; sleep 0.1; done
    echo "ttl-follow: $what within $limit s: no" >&2
    exit 1
}

web_port=$(free_port)
dns_port=$(free_port)
admin_port=$(free_port)
mkdir -p "$work/www"
echo ok >"$work/www/index.html"

start_backend() {
    python3 -m http.server "$web_port" --bind 127.0.0.1 --directory "$work/www" >"$work/backend.log" 2>&1 &
    backend_pid=$!
    wait_until 10 "the backend answers" python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$web_port/', timeout=1)" 2>/dev/null
}

start_server() { # unsettledTtl
    stop_pid "$server_pid"
    cat >"$work/failoverdns.yaml" <<YAML
listen: [127.0.0.1:$dns_port]
logging: { level: Debug }
admin: { listen: "127.0.0.1:$admin_port" }
healthChecks:
  - { name: web, type: http, target: 127.0.0.1, port: $web_port, interval: ${interval}s, failureThreshold: $threshold, recoveryThreshold: 2 }
zones:
  - name: example.test
    soa: { email: hostmaster@example.test, negativeTtl: 1 }
    nameservers: [ns1.example.test.]
    records:
      - { name: ns1, type: A, value: 192.0.2.53 }
    failover:
      - name: www
        type: A
        ttl: $ttl
        unsettledTtl: $1
        primary: { value: 10.0.0.1, healthCheck: web }
        secondary: { value: 10.0.1.1 }
YAML
    dotnet "$dll" --config "$work/failoverdns.yaml" >"$work/failoverdns.log" 2>&1 &
    server_pid=$!
    wait_until 30 "FailoverDns answers" answers "$dns_port"
}

start_unbound() {
    stop_pid "$unbound_pid"
    local port; port=$(free_port)
    cat >"$work/unbound.conf" <<CONF
server:
    interface: 127.0.0.1
    port: $port
    do-ip6: no
    do-daemonize: no
    username: ""
    chroot: ""
    directory: "$work"
    pidfile: ""
    use-syslog: no
    logfile: ""
    num-threads: 1
    access-control: 127.0.0.0/8 allow
    module-config: "iterator"
    cache-min-ttl: 0
    do-not-query-localhost: no
    domain-insecure: "example.test"
    local-zone: "test." nodefault
stub-zone:
    name: "example.test"
    stub-addr: 127.0.0.1@$dns_port
CONF
    unbound -d -c "$work/unbound.conf" >"$work/unbound.log" 2>&1 &
    unbound_pid=$!
    unbound_port=$port
    wait_until 10 "Unbound answers" soa_answers "$unbound_port"
}

# The primary is served, settled, with the full TTL.
settled() { [ "$(ask "$dns_port")" = "$ttl 10.0.0.1" ]; }

trial() { # mode number
    [ -n "$backend_pid" ] && kill -0 "$backend_pid" 2>/dev/null || start_backend
    wait_until 30 "the primary is served with TTL $ttl" settled
    start_unbound
    local killed answer direct switch="" stale="" asked="" cached="" pause=""
    if [ "$phase" = random ]; then
        cached=$(ask "$unbound_port")
        pause=$(awk -v t="$ttl" -v s="$RANDOM" 'BEGIN { printf "%.1f", t * s / 32768 }')
        sleep "$pause"
    fi
    stop_pid "$backend_pid"; backend_pid=""
    killed=$(now)
    if [ "$phase" = window ]; then
        wait_until 10 "the check fails" failing
        asked=$(since "$killed")
        cached=$(ask "$unbound_port")
    fi
    # Bounded: the TTL, the detection time and a margin.
    local polls=$(( (ttl + interval * threshold + 30) * 10 ))
    for _ in $(seq 1 "$polls"); do
        direct=$(ask "$dns_port")
        [ -z "$switch" ] && [ "${direct#* }" = "10.0.1.1" ] && switch=$(since "$killed")
        answer=$(ask "$unbound_port")
        if [ "${answer#* }" = "10.0.1.1" ]; then stale=$(since "$killed"); break; fi
        sleep 0.1
    done
    [ -n "$stale" ] || { echo "ttl-follow: Unbound still names the primary after $polls polls" >&2; exit 1; }
    # Both changed between two polls: the switch came just before Unbound followed.
    [ -n "$switch" ] || switch=$stale
    if [ "$phase" = random ]; then
        printf '%-9s %-6s trial %d: Unbound cached TTL %3s, the kill came %4s s later; FailoverDns switched after %4s s, Unbound after %5s s\n' \
            "$1" "$phase" "$2" "${cached% *}" "$pause" "$switch" "$stale"
    else
        printf '%-9s %-6s trial %d: Unbound asked %5s s after the kill, got TTL %3s; FailoverDns switched after %4s s, Unbound after %5s s\n' \
            "$1" "$phase" "$2" "$asked" "${cached% *}" "$switch" "$stale"
    fi
    echo "$1 $stale" >>"$work/results"
    start_backend
}

echo "ttl $ttl s, unsettledTtl $unsettled s, check every ${interval} s, failureThreshold $threshold, phase $phase, $trials trial(s) per mode"
for mode in $modes; do
    case $mode in
        fixed) start_server "$ttl" ;;
        unsettled) start_server "$unsettled" ;;
        *) echo "ttl-follow: unknown mode $mode (fixed, unsettled)" >&2; exit 1 ;;
    esac
    for n in $(seq 1 "$trials"); do trial "$mode" "$n"; done
    grep -h 'TTL of' "$work/failoverdns.log" | tail -2 | sed 's/^/  log: /' || true
done

echo "seconds Unbound kept answering the dead primary after the kill:"
awk -v phase="$phase" '{ n[$1]++; s[$1] += $2; if ($2 > m[$1]) m[$1] = $2 }
     END { for (k in n) { printf "  %-9s mean %5.1f  max %5.1f  (%d trials)\n", k, s[k] / n[k], m[k], n[k]; mean[k] = s[k] / n[k] }
           if (phase == "window" && mean["fixed"] && mean["unsettled"]) printf "  fixed / unsettled: %.1fx\n", mean["fixed"] / mean["unsettled"] }' "$work/results"
