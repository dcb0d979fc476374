#!/usr/bin/env bash
# Sends COUNT (default 10,000,000) fuzzed datagrams at a published FailoverDns serving the bench
# zone on loopback, with a valid question every VALID_EVERY (1,000) of them, paced at RATE
# (100,000) a second; every valid question must be answered exactly as before the flood, and the
# server must still answer at the end. Exit 0 when it held.
#   bash bench/fuzz-flood.sh            COUNT=1000000 bash bench/fuzz-flood.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
harness=${PEERBENCH:-$repo/../shared/bench}
count=${COUNT:-10000000}; every=${VALID_EVERY:-1000}; rate=${RATE:-100000}; seed=${SEED:-1}
port=${PORT:-25399}
if ss -Hlun "sport = :$port" | grep -q .; then echo "port $port is busy" >&2; exit 1; fi

dotnet publish "$repo/src/FailoverDns.Server" -c Release -o "$repo/artifacts/publish" --nologo -v quiet
dotnet publish "$repo/bench/FailoverDns.FuzzFlood" -c Release -o "$repo/artifacts/fuzz-flood" --nologo -v quiet

bash "$repo/bench/serve.sh" "$port" "$harness/zones/example.test.zone" 0 > /tmp/fuzz-flood-server.log 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
    dig @127.0.0.1 -p "$port" +short +time=1 +tries=1 www.example.test A 2>/dev/null | grep -q 192.0.2.1 && break
    sleep 0.1
done

status=0
dotnet "$repo/artifacts/fuzz-flood/FailoverDns.FuzzFlood.dll" "127.0.0.1:$port" "$count" "$every" "$rate" "$seed" || status=$?
if ! kill -0 "$server" 2>/dev/null; then echo "the server exited during the flood" >&2; status=1; fi
echo "server RSS at the end: $(ps -o rss= -p "$(pgrep -P "$server" || echo "$server")" | tr -d ' ') KiB"
exit "$status"
