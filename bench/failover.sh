#!/usr/bin/env bash
# Failover and failback time of FailoverDns beside gdnsd's simplefo (../shared/bench/failover.sh):
# kill the primary web server, time until dig stops naming it; restart it, time until it is back.
# FailoverDns: interval 1 s, thresholds 2 (override with INTERVAL/THRESHOLD). Knobs of the harness
# pass through (TRIALS, POLL_S, ...). Extra arguments choose the variants (default: ours gdnsd-fast).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
harness=${PEERBENCH:-$repo/../shared/bench}
dotnet publish "$repo/src/FailoverDns.Server" -c Release -o "$repo/artifacts/publish" --nologo -v quiet
export OURS_CMD="bash $repo/bench/serve-failover.sh @PORT@ @HTTP_PORT@ @ZONE@ ${INTERVAL:-1s} ${THRESHOLD:-2}"
[ $# -eq 0 ] && set -- ours gdnsd-fast
exec "$harness/failover.sh" "$@"
