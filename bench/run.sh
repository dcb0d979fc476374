#!/usr/bin/env bash
# Throughput and latency beside Knot, NSD, gdnsd and PowerDNS, interleaved in one run
# (../shared/bench/run.sh). Publishes a Release build first. Knobs of the harness pass through
# (ROUNDS, DURATION, SERVER_THREADS, PEERS, ...). Prints the harness's table.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
harness=${PEERBENCH:-$repo/../shared/bench}
dotnet publish "$repo/src/FailoverDns.Server" -c Release -o "$repo/artifacts/publish" --nologo -v quiet
export OURS_CMD="bash $repo/bench/serve.sh @PORT@ @ZONE@ @THREADS@"
export OURS_NAME=${OURS_NAME:-failoverdns}
exec "$harness/run.sh"
