#!/usr/bin/env bash
# Restarts during an outage: the primary's backend is down (a closed loopback port), and the server is
# started (1) counting unprobed checks healthy as Route 53 does, (2) with its first probe deciding and
# no state file, (3) restarted with the state file the run before left. For each: how long from start
# until the first answer, and how long (and how many answers) it served the dead primary.
#   bash bench/restart.sh        (INTERVAL=5s THRESHOLD=3 WATCH=15)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
interval=${INTERVAL:-5s}; threshold=${THRESHOLD:-3}; watch=${WATCH:-15}; port=${PORT:-25431}
dll=${FAILOVERDNS_DLL:-$repo/artifacts/publish/failoverdns.dll}
work=$(mktemp -d /tmp/failoverdns-restart.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

[ -n "${FAILOVERDNS_DLL:-}" ] || dotnet publish "$repo/src/FailoverDns.Server" -c Release -o "$repo/artifacts/publish" --nologo -v quiet

# A port nothing listens on: the primary's backend is down.
dead=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
config() {  # config INITIAL_STATE
    cat > "$work/failoverdns.yaml" <<YAML
listen: [127.0.0.1:$port]
admin: { listen: "127.0.0.1:0" }
logging: { level: Warning }
health: { initialState: $1 }
healthChecks:
  - { name: web, type: http, target: 127.0.0.1, port: $dead, interval: $interval, failureThreshold: $threshold }
zones:
  - name: example.test
    soa: { email: hostmaster@example.test }
    nameservers: [ns1.example.test.]
    records:
      - { name: ns1, type: A, value: 192.0.2.53 }
    failover:
      - name: www
        type: A
        ttl: 30
        primary: { value: 10.0.0.1, healthCheck: web }
        secondary: { value: 10.0.1.1 }
YAML
}

run() {  # run LABEL: starts the server, polls every 50 ms for WATCH seconds, stops it
    local label=$1 started first="" stale=0 stale_until="" answers=0 now answer
    started=$(date +%s%N)
    dotnet "$dll" --config "$work/failoverdns.yaml" > "$work/log" 2>&1 &
    pid=$!
    while (( ($(date +%s%N) - started) / 1000000000 < watch )); do
        answer=$(dig +short +time=1 +tries=1 @127.0.0.1 -p "$port" www.example.test A 2>/dev/null | grep -E '^10\.' || true)
        now=$(( ($(date +%s%N) - started) / 1000000 ))
        if [ -n "$answer" ]; then
            answers=$((answers + 1))
            [ -n "$first" ] || first=$now
            if [ "$answer" = 10.0.0.1 ]; then stale=$((stale + 1)); stale_until=$now; fi
        fi
        sleep 0.05
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
    echo "$label: first answer after ${first:-none} ms; dead primary served in $stale of $answers answers$([ -n "$stale_until" ] && echo ", until $stale_until ms")"
}

rm -f "$work/failoverdns.state.json"
config healthy;    run "initialState healthy (Route 53), no state file"
rm -f "$work/failoverdns.state.json"
config firstProbe; run "initialState firstProbe, no state file"
config firstProbe; run "initialState firstProbe, restarted with the state file"
