#!/usr/bin/env bash
# Fixed-rate latency of FailoverDns beside the peers, with the scheduler free and with every
# server pinned: tells a latency gap that comes from a server's own work (it stays when pinned)
# from one that comes from where the scheduler happens to put its thread (it goes).
#   ROUNDS=3 bash bench/placement.sh
# Knobs: PEERS ["knot nsd gdnsd"], ROUNDS [3], DURATION [5], FIXED_QPS [20000], PORT_BASE [25351].
# "pinned": the server's threads on the last CPU, dnsperf on CPU 0 (taskset). One UDP thread each.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
harness=${PEERBENCH:-$repo/../shared/bench}
dotnet publish "$repo/src/FailoverDns.Server" -c Release -o "$repo/artifacts/publish" --nologo -v quiet
source "$harness/lib.sh"
trap 'set +e; pb_stop_all' EXIT  # a stopped server's exit status must not cut the clean-up short
for tool in dnsperf taskset; do command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 1; }; done
[ "$(nproc)" -ge 2 ] || { echo "needs at least 2 CPUs" >&2; exit 1; }

rounds=${ROUNDS:-3}; secs=${DURATION:-5}; rate=${FIXED_QPS:-20000}
all_cpus=0-$(($(nproc) - 1)); server_cpu=$(($(nproc) - 1))
OURS_CMD="bash $repo/bench/serve.sh @PORT@ @ZONE@ @THREADS@"
names=(); declare -A PORT
port=${PORT_BASE:-25351}
for peer in ${PEERS:-knot nsd gdnsd}; do
    PB_INST=$peer "pb_start_$peer" "$port" 1; names+=("$peer"); PORT[$peer]=$port; port=$((port + 1))
done
PB_INST=failoverdns pb_start_ours "$port" 1; names+=(failoverdns); PORT[failoverdns]=$port
for n in "${names[@]}"; do
    pb_wait_answer "${PORT[$n]}" www.example.test A 192.0.2.1 30 || { echo "$n did not answer" >&2; exit 1; }
done

# Sets the CPUs of every thread of every process in server NAME's session.
pin_server() {
    local pid
    for pid in $(ps -s "$(pb_pid_of "$1")" -o pid=); do taskset -a -c -p "$2" "$pid" > /dev/null; done
}

results=$PB_RUN/placement.tsv
for n in "${names[@]}"; do pb_dnsperf "$n" "${PORT[$n]}" 2 4 1 0 100 "$harness/queries.txt" > /dev/null; done
for r in $(seq 1 "$rounds"); do
    for arrangement in free pinned; do
        for n in "${names[@]}"; do
            if [ "$arrangement" = pinned ]; then pin_server "$n" "$server_cpu"; taskset -c -p 0 $$ > /dev/null; fi
            set -- $(pb_dnsperf "$n" "${PORT[$n]}" "$secs" 4 1 "$rate" 100 "$harness/queries.txt")
            pin_server "$n" "$all_cpus"; taskset -c -p "$all_cpus" $$ > /dev/null
            printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$arrangement" "$n" "$5" "$3" >> "$results"
            pb_log "round $r $arrangement $n: avg=${5}ms lost=$3"
        done
    done
done

# Median average latency per server and arrangement, and its ratio to the best peer's.
echo "fixed rate $rate qps, dnsperf -c 4 -q 100 -l $secs, $rounds rounds; medians of the average latency"
printf '%-12s %12s %8s %12s %8s\n' server free_ms /best pinned_ms /best
declare -A MED BEST
for a in free pinned; do
    for n in "${names[@]}"; do
        MED[$n,$a]=$(awk -F'\t' -v a="$a" -v n="$n" '$2==a && $3==n {print $4}' "$results" | pb_median)
        [ "$n" != failoverdns ] && BEST[$a]=$(printf '%s\n%s\n' "${BEST[$a]:-}" "${MED[$n,$a]}" | grep . | sort -g | head -1)
    done
done
for n in "${names[@]}"; do
    awk -v n="$n" -v f="${MED[$n,free]}" -v bf="${BEST[free]}" -v p="${MED[$n,pinned]}" -v bp="${BEST[pinned]}" \
        'BEGIN { printf "%-12s %12.3f %8.2f %12.3f %8.2f\n", n, f, f / bf, p, p / bp }'
done
