#!/usr/bin/env bash
# Issue 12's attacks, re-run on a published FailoverDns on loopback (bench/hostile.py says which):
# for each, what was sent, what the server did, and how long fresh TCP queries took meanwhile.
# The TCP slot attacks are a test (TcpDnsListenerAttackTests, timings in its output) and the
# fuzzed flood is bench/fuzz-flood.sh.
#   bash bench/hostile.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dotnet publish "$repo/src/FailoverDns.Server" -c Release -o "$repo/artifacts/publish" --nologo -v quiet
exec python3 "$repo/bench/hostile.py" "${FAILOVERDNS_DLL:-$repo/artifacts/publish/failoverdns.dll}"
