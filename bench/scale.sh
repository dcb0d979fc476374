#!/usr/bin/env bash
# Zone scale: load time, resident memory and qps of a 1,000,000-record zone against the 20-record
# bench zone, measured with dnsperf in one run, rounds interleaved.
#   RECORDS=1000000 ROUNDS=3 DURATION=10 bench/scale.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
harness=${PEERBENCH:-$repo/../shared/bench}
records=${RECORDS:-1000000}; rounds=${ROUNDS:-3}; duration=${DURATION:-10}
small_port=${SMALL_PORT:-25411}; large_port=${LARGE_PORT:-25412}
work=$(mktemp -d /tmp/failoverdns-scale.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

for port in "$small_port" "$large_port"; do
    if ss -lnuH "sport = :$port" | grep -q .; then echo "port $port is busy" >&2; exit 1; fi
done

dotnet publish "$repo/src/FailoverDns.Server" -c Release -o "$repo/artifacts/publish" --nologo -v quiet

# The large zone: the bench zone's apex plus RECORDS A records h0..h(N-1).
{
    sed -n '1,/^@ *IN NS *ns2/p' "$harness/zones/example.test.zone"
    echo 'ns1 IN A 192.0.2.53'
    echo 'ns2 IN A 192.0.2.54'
    echo 'www IN A 192.0.2.1'
    awk -v n="$records" 'BEGIN { for (i = 0; i < n; i++) printf "h%d IN A 10.%d.%d.%d\n", i, int(i/65536)%256, int(i/256)%256, i%256 }'
} > "$work/large.zone"
awk -v n="$records" 'BEGIN { srand(42); for (i = 0; i < 100000; i++) printf "h%d.example.test A\n", int(rand()*n) }' > "$work/large.queries"

start() {  # start NAME PORT ZONE -> waits for the load line, prints load ms and RSS
    local name=$1 port=$2 zone=$3
    LOG_LEVEL=Information bash "$repo/bench/serve.sh" "$port" "$zone" 1 > "$work/$name.log" 2>&1 &
    pids+=($!)
    local pid=$!
    for _ in $(seq 1 600); do
        dig +short +time=1 +tries=1 @127.0.0.1 -p "$port" www.example.test A 2>/dev/null | grep -qx 192.0.2.1 && break
        sleep 0.1
    done
    # serve.sh execs the server, so the background PID is the server's.
    echo "$name: loaded $(grep -o 'in [0-9]* ms' "$work/$name.log" | head -1); RSS $(( $(ps -o rss= -p "$pid") / 1024 )) MiB"
}
start small "$small_port" "$harness/zones/example.test.zone"
start large "$large_port" "$work/large.zone"

for r in $(seq 1 "$rounds"); do
    for target in "small $small_port $harness/queries.txt" "large $large_port $work/large.queries"; do
        set -- $target
        qps=$(dnsperf -s 127.0.0.1 -p "$2" -d "$3" -l "$duration" -c 4 -T 1 -q 100 2>&1 | awk '/Queries per second/ {print $4}')
        echo "round $r $1 qps $qps"
    done
done
