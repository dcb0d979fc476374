#!/usr/bin/env bash
# A large YAML config: time to load and memory (peak and after loading) of RECORDS records written
# under 'records:' (850,000 make a 58 MB file), beside the same records as a zone file, in one run.
#   RECORDS=850000 bench/large-config.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
records=${RECORDS:-850000}; port=${PORT:-25421}
dll=${FAILOVERDNS_DLL:-$repo/artifacts/publish/failoverdns.dll}
work=$(mktemp -d /tmp/failoverdns-large-config.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

[ -n "${FAILOVERDNS_DLL:-}" ] || dotnet publish "$repo/src/FailoverDns.Server" -c Release -o "$repo/artifacts/publish" --nologo -v quiet

head="listen: [127.0.0.1:$port]
admin: { listen: \"127.0.0.1:0\" }
logging: { level: Information }
zones:
  - name: example.test
    nameservers: [ns1.example.test.]
    soa: { email: hostmaster@example.test }"
{
    echo "$head"
    echo "    records:"
    echo "      - { name: ns1, type: A, value: 192.0.2.53 }"
    awk -v n="$records" 'BEGIN { for (i = 0; i < n; i++) printf "      - name: h%d\n        type: A\n        value: 10.%d.%d.%d\n", i, int(i/65536)%256, int(i/256)%256, i%256 }'
} > "$work/yaml.yaml"
{
    echo "$head"
    echo "    file: large.zone"
} > "$work/zonefile.yaml"
{
    echo 'ns1 IN A 192.0.2.53'
    awk -v n="$records" 'BEGIN { for (i = 0; i < n; i++) printf "h%d IN A 10.%d.%d.%d\n", i, int(i/65536)%256, int(i/256)%256, i%256 }'
} > "$work/large.zone"

measure() {  # measure NAME FILE: serves NAME.yaml (its records in FILE), waits for the last record, prints load time and memory
    local name=$1 file=$2 last=$((records - 1)) started
    started=$(date +%s%N)
    dotnet "$dll" --config "$work/$name.yaml" > "$work/$name.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 1200); do
        dig +short +time=1 +tries=1 @127.0.0.1 -p "$port" "h$last.example.test" A 2>/dev/null | grep -q '^10\.' && break
        kill -0 "$pid" 2>/dev/null || { cat "$work/$name.log" >&2; exit 1; }
        sleep 0.1
    done
    local ms=$(( ($(date +%s%N) - started) / 1000000 ))
    local hwm rss
    hwm=$(awk '/VmHWM/ {print int($2/1024)}' "/proc/$pid/status"); rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status")
    echo "$name: $(( $(stat -c %s "$work/$file") / 1000000 )) MB of records, answering after $ms ms, peak RSS $hwm MiB, RSS $rss MiB"
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
}
echo "$records records"
measure yaml yaml.yaml
measure zonefile large.zone
