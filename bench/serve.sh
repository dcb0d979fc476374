#!/usr/bin/env bash
# Serves one zone file with the published FailoverDns, for the peer benchmark harness:
#   serve.sh PORT ZONE_FILE [UDP_WORKERS] [ORIGIN]
# Writes a config next to nothing the user owns (a temp dir) and execs the server in the
# foreground, so the harness's SIGTERM reaches it.
set -euo pipefail
port=${1:?port}; zone=${2:?zone file}; workers=${3:-0}; origin=${4:-example.test}
here=$(cd "$(dirname "$0")" && pwd)
dll=${FAILOVERDNS_DLL:-$here/../artifacts/publish/failoverdns.dll}
dir=$(mktemp -d /tmp/failoverdns-bench.XXXXXX)
cat > "$dir/bench.yaml" <<YAML
listen: [127.0.0.1:$port]
server: { udpWorkers: $workers, udpBatching: ${UDP_BATCHING:-true} }
# The admin API (and so /metrics) on, as by default, but on a free port: several instances may run.
admin: { listen: "127.0.0.1:0" }
logging: { level: ${LOG_LEVEL:-Warning} }
# The zone file lies outside this temporary directory.
files: { allowOutsideConfigDirectory: true }
zones:
  - name: $origin
    file: $zone
YAML
exec dotnet "$dll" --config "$dir/bench.yaml"
