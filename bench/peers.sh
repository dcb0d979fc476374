# Sourced by the scripts that measure FailoverDns beside the peers with their own dnsperf runs:
#   source bench/peers.sh THREADS PORT_BASE
# Publishes a Release build, loads the shared harness's helpers (../shared/bench/lib.sh), starts
# PEERS ["knot nsd gdnsd"] and then FailoverDns with THREADS UDP threads each on consecutive ports
# from PORT_BASE, waits until each answers, and stops them all on exit. Leaves: names (the servers,
# FailoverDns last), PORT[name], harness (the harness's directory) and session_pids NAME.
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
harness=${PEERBENCH:-$repo/../shared/bench}
dotnet publish "$repo/src/FailoverDns.Server" -c Release -o "$repo/artifacts/publish" --nologo -v quiet
source "$harness/lib.sh"
trap 'set +e; pb_stop_all' EXIT  # a stopped server's exit status must not cut the clean-up short
command -v dnsperf >/dev/null || { echo "missing tool: dnsperf" >&2; exit 1; }

OURS_CMD="bash $repo/bench/serve.sh @PORT@ @ZONE@ @THREADS@"
names=(); declare -A PORT
_port=$2
for _peer in ${PEERS:-knot nsd gdnsd}; do
    PB_INST=$_peer "pb_start_$_peer" "$_port" "$1"; names+=("$_peer"); PORT[$_peer]=$_port; _port=$((_port + 1))
done
PB_INST=failoverdns pb_start_ours "$_port" "$1"; names+=(failoverdns); PORT[failoverdns]=$_port
for _name in "${names[@]}"; do
    pb_wait_answer "${PORT[$_name]}" www.example.test A 192.0.2.1 30 || { echo "$_name did not answer" >&2; exit 1; }
    pb_dnsperf "$_name" "${PORT[$_name]}" 2 4 1 0 100 "$harness/queries.txt" > /dev/null  # warm-up
done

# The PIDs of every process in server NAME's session (NSD forks its workers).
session_pids() { ps -s "$(pb_pid_of "$1")" -o pid=; }
