#!/usr/bin/env bash
# CPU per answered query, split into user and kernel time, for FailoverDns beside the peers under
# the same dnsperf load (interleaved rounds): where a server's CPU goes, and so how much of it
# any server could still save.
#   ROUNDS=3 bash bench/cpu-per-query.sh
# Knobs: PEERS ["knot nsd gdnsd"], SERVER_THREADS [1], ROUNDS [3], DURATION [8], PORT_BASE [25361].
set -euo pipefail
threads=${SERVER_THREADS:-1}
source "$(dirname "$0")/peers.sh" "$threads" "${PORT_BASE:-25361}"
rounds=${ROUNDS:-3}; secs=${DURATION:-8}

# "user system" clock ticks of server NAME's processes (a process's own line counts the threads
# that have ended too).
ticks() {
    local pid
    for pid in $(session_pids "$1"); do cat /proc/"$pid"/stat 2>/dev/null; done |
        sed 's/^[0-9]* (.*) //' | awk '{u += $12; s += $13} END {print u + 0, s + 0}'
}

hz=$(getconf CLK_TCK)
results=$PB_RUN/cpu.tsv
for r in $(seq 1 "$rounds"); do
    for n in "${names[@]}"; do
        read -r u0 s0 < <(ticks "$n")
        set -- $(pb_dnsperf "$n" "${PORT[$n]}" "$secs" 4 1 0 100 "$harness/queries.txt")
        read -r u1 s1 < <(ticks "$n")
        awk -v r="$r" -v n="$n" -v q="$2" -v qps="$4" -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v hz="$hz" \
            'BEGIN { if (q + 0 == 0) { printf "%s\t%s\tNA\tNA\tNA\tNA\n", r, n; exit }  # dnsperf failed
                     u = u / hz / q * 1e6; s = s / hz / q * 1e6; printf "%s\t%s\t%s\t%.3f\t%.3f\t%.3f\n", r, n, qps, u, s, u + s }' >> "$results"
        pb_log "round $r $n: $(tail -1 "$results" | cut -f3-)"
    done
done

echo "dnsperf -c 4 -T 1 -q 100 -l $secs, $threads server thread(s), $rounds rounds; medians; µs of CPU per answered query"
printf '%-12s %9s %8s %8s %8s %14s\n' server qps user_us sys_us total_us answers/cpu-s
median() { awk -F'\t' -v n="$1" -v c="$2" '$2==n {print $c}' "$results" | pb_median; }
best=
for n in "${names[@]}"; do
    [ "$n" != failoverdns ] && best=$(printf '%s\n%s\n' "$best" "$(median "$n" 6)" | grep . | sort -g | head -1)
done
for n in "${names[@]}"; do
    awk -v n="$n" -v q="$(median "$n" 3)" -v u="$(median "$n" 4)" -v s="$(median "$n" 5)" -v t="$(median "$n" 6)" -v b="$best" \
        'BEGIN { printf "%-12s %9d %8.3f %8.3f %8.3f %8.0fk %.2fx\n", n, q, u, s, t, 1000 / t, b / t }'
done
echo "(the ratio is answers per CPU-second against the best peer's)"
