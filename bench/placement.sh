#!/usr/bin/env bash
# Fixed-rate latency of FailoverDns beside the peers, with the scheduler free and with every
# server pinned: tells a latency gap that comes from a server's own work (it stays when pinned)
# from one that comes from where the scheduler happens to put its thread (it goes).
#   ROUNDS=3 bash bench/placement.sh
# Knobs: PEERS ["knot nsd gdnsd"], ROUNDS [3], DURATION [5], FIXED_QPS [20000], PORT_BASE [25351].
# "pinned": the server's threads on the last CPU, dnsperf on CPU 0 (taskset). One UDP thread each.
set -euo pipefail
[ "$(nproc)" -ge 2 ] || { echo "needs at least 2 CPUs" >&2; exit 1; }
command -v taskset >/dev/null || { echo "missing tool: taskset" >&2; exit 1; }
source "$(dirname "$0")/peers.sh" 1 "${PORT_BASE:-25351}"

rounds=${ROUNDS:-3}; secs=${DURATION:-5}; rate=${FIXED_QPS:-20000}
all_cpus=0-$(($(nproc) - 1)); server_cpu=$(($(nproc) - 1))

# Sets the CPUs of every thread of server NAME.
pin_server() {
    local pid
    for pid in $(session_pids "$1"); do taskset -a -c -p "$2" "$pid" > /dev/null; done
}

results=$PB_RUN/placement.tsv
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

# Per server and arrangement: the median average latency, and the median of its ratio to the best
# peer's in the same round (pinned runs on this VM swing between two speeds together for every
# server, so a ratio within the round is the steadier figure).
awk -F'\t' '$3 != "failoverdns" && (!(($1, $2) in best) || $4 < best[$1, $2]) {best[$1, $2] = $4}
    {rows[NR] = $0} END {for (i = 1; i <= NR; i++) {split(rows[i], f, "\t"); print rows[i] "\t" f[4] / best[f[1], f[2]]}}' \
    "$results" > "$results.ratios"
med() { awk -F'\t' -v n="$1" -v a="$2" -v c="$3" '$3==n && $2==a {print $c}' "$results.ratios" | pb_median; }
echo "fixed rate $rate qps, dnsperf -c 4 -q 100 -l $secs, $rounds rounds; medians; ratios against the best peer in the same round"
printf '%-12s %10s %8s %10s %8s\n' server free_ms /best pinned_ms /best
for n in "${names[@]}"; do
    printf '%-12s %10.3f %8.2f %10.3f %8.2f\n' "$n" "$(med "$n" free 4)" "$(med "$n" free 6)" "$(med "$n" pinned 4)" "$(med "$n" pinned 6)"
done
