#!/usr/bin/env bash
# Serves the bench zone plus the failover record fo.example.test A (primary 127.0.0.1 guarded by
# an HTTP check of http://127.0.0.1:HTTP_PORT/, secondary 127.0.0.2), for ../shared/bench/failover.sh:
#   serve-failover.sh PORT HTTP_PORT ZONE_FILE [INTERVAL] [THRESHOLD]
set -euo pipefail
port=${1:?port}; http_port=${2:?http port}; zone=${3:?zone file}; interval=${4:-1s}; threshold=${5:-2}
here=$(cd "$(dirname "$0")" && pwd)
dll=${FAILOVERDNS_DLL:-$here/../artifacts/publish/failoverdns.dll}
dir=$(mktemp -d /tmp/failoverdns-failover.XXXXXX)
cat > "$dir/failover.yaml" <<YAML
listen: [127.0.0.1:$port]
# The admin API (and so /metrics) on, as by default, but on a free port: several instances may run.
admin: { listen: "127.0.0.1:0" }
logging: { level: Warning }
# The zone file lies outside this temporary directory.
files: { allowOutsideConfigDirectory: true }
healthChecks:
  - { name: web, type: http, target: 127.0.0.1, port: $http_port, interval: $interval, failureThreshold: $threshold }
zones:
  - name: example.test
    file: $zone
    failover:
      - name: fo
        type: A
        ttl: 30
        primary: { value: 127.0.0.1, healthCheck: web }
        secondary: { value: 127.0.0.2 }
YAML
exec dotnet "$dll" --config "$dir/failover.yaml"
