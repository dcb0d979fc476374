#!/usr/bin/env bash
# Health-check scale: CHECKS tcp checks at a 1 s interval against loopback listeners (one port
# each), with a failover set per check. Reports the CPU the server uses while idle with and
# without the checks, and dnsperf latency at a fixed rate with and without them, interleaved.
#   CHECKS=10000 ROUNDS=3 DURATION=10 RATE=20000 bench/health-scale.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
harness=${PEERBENCH:-$repo/../shared/bench}
checks=${CHECKS:-10000}; rounds=${ROUNDS:-3}; duration=${DURATION:-10}; rate=${RATE:-20000}
first_port=${FIRST_PORT:-10000}; plain_port=${PLAIN_PORT:-25421}; checked_port=${CHECKED_PORT:-25422}
work=$(mktemp -d /tmp/failoverdns-health-scale.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

for port in "$plain_port" "$checked_port"; do
    if ss -lnuH "sport = :$port" | grep -q .; then echo "port $port is busy" >&2; exit 1; fi
done
dll=${FAILOVERDNS_DLL:-$repo/artifacts/publish/failoverdns.dll}
[ -n "${FAILOVERDNS_DLL:-}" ] || dotnet publish "$repo/src/FailoverDns.Server" -c Release -o "$repo/artifacts/publish" --nologo -v quiet

# The listeners: one epoll loop in C (a Python asyncio one fell behind at 10,000 connections a
# second and ran out of file descriptors).
gcc -O2 -o "$work/tcp-listeners" "$repo/bench/tcp-listeners.c"
"$work/tcp-listeners" "$first_port" "$checks" > "$work/listeners.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do grep -q listening "$work/listeners.log" && break; sleep 0.1; done
grep -q listening "$work/listeners.log" || { echo "listeners did not start: $(tail -1 "$work/listeners.log")" >&2; exit 1; }

config() {  # config PORT WITH_CHECKS
    echo "listen: [127.0.0.1:$1]"
    echo "server: { udpWorkers: 1 }"
    echo "logging: { level: Warning }"
    echo 'admin: { listen: "127.0.0.1:0" }'   # on, as by default, on a free port: two instances run
    echo "files: { allowOutsideConfigDirectory: true }"   # the harness's zone file lies elsewhere
    if [ "$2" = yes ]; then
        echo "healthChecks:"
        awk -v n="$checks" -v p="$first_port" 'BEGIN { for (i = 0; i < n; i++)
            printf "  - { name: c%d, type: tcp, target: 127.0.0.1, port: %d, interval: 1s, connectTimeout: 500ms }\n", i, p + i }'
    fi
    echo "zones:"
    echo "  - name: example.test"
    echo "    file: $harness/zones/example.test.zone"
    if [ "$2" = yes ]; then
        echo "    failover:"
        awk -v n="$checks" 'BEGIN { for (i = 0; i < n; i++)
            printf "      - { name: fo%d, type: A, primary: { value: 10.0.%d.%d, healthCheck: c%d }, secondary: { value: 192.0.2.99 } }\n", i, int(i/256)%256, i%256, i }'
    fi
}
config "$plain_port" no > "$work/plain.yaml"
config "$checked_port" yes > "$work/checked.yaml"

start() {  # start NAME CONFIG PORT
    dotnet "$dll" --config "$2" > "$work/$1.log" 2>&1 &
    pids+=($!)
    eval "${1}_pid=$!"
    for _ in $(seq 1 600); do
        dig +short +time=1 +tries=1 @127.0.0.1 -p "$3" www.example.test A 2>/dev/null | grep -qx 192.0.2.1 && return 0
        sleep 0.1
    done
    echo "$1 did not start: $(cat "$work/$1.log")" >&2; exit 1
}
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
start plain "$work/plain.yaml" "$plain_port"
start checked "$work/checked.yaml" "$checked_port"
sleep 5  # let the first rounds settle

hz=$(getconf CLK_TCK)
p0=$(ticks "$plain_pid"); c0=$(ticks "$checked_pid"); sleep 20
p1=$(ticks "$plain_pid"); c1=$(ticks "$checked_pid")
echo "idle CPU over 20 s: without checks $(( (p1 - p0) * 100 / hz / 20 ))% of a core, with $checks checks $(( (c1 - c0) * 100 / hz / 20 ))% of a core"
echo "probes: $(grep -c . "$work/checked.log" || true) log lines from the checked server (warnings: $(grep -c WRN "$work/checked.log" || true))"

for r in $(seq 1 "$rounds"); do
    for target in "plain $plain_port" "checked $checked_port"; do
        set -- $target
        dnsperf -s 127.0.0.1 -p "$2" -d "$harness/queries.txt" -l "$duration" -Q "$rate" -c 4 -T 1 -q 100 > "$work/dnsperf.txt" 2>&1
        echo "round $r $1: $(awk '/Queries lost/ {print "lost", $3} /Average Latency/ {print "avg", $4*1000, "ms max", $8*1000, "ms"}' "$work/dnsperf.txt" | tr '\n' ' ')"
    done
done
