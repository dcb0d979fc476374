#!/usr/bin/env bash
# The cost of DNSSEC signing, in one run:
#  1. load time and peak RSS of `failoverdns validate` (it loads and signs every zone) with and
#     without `dnssec: on`: the sample config, and a generated zone of RECORDS records with SETS
#     failover sets (two tiers, one in four `whenAllUnhealthy: nodata`) beside the same zone with
#     those names as plain A records; RRSIGs counted in an AXFR of each signed zone;
#  2. dnsperf with and without DO against FailoverDns and Knot serving the same signed zone (the
#     AXFR of FailoverDns's, loaded by knotd as a plain zone), interleaved rounds.
#   ROUNDS=3 DURATION=5 REPS=3 bash bench/dnssec.sh
# Uses ../shared/bench/lib.sh (PEERBENCH) to start, measure and stop the servers.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
harness=${PEERBENCH:-$repo/../shared/bench}
records=${RECORDS:-100000}; sets=${SETS:-1000}; reps=${REPS:-3}
rounds=${ROUNDS:-3}; duration=${DURATION:-5}; clients=${CLIENTS:-4}; outstanding=${OUTSTANDING:-100}
threads=${SERVER_THREADS:-1}; port=${PORT_BASE:-25461}
dll=${FAILOVERDNS_DLL:-$repo/artifacts/publish/failoverdns.dll}
work=$(mktemp -d /tmp/failoverdns-dnssec.XXXXXX)
export PB_RUN=$work/pb
source "$harness/lib.sh"
# lib.sh is not written for set -e: a stopped server's exit status would end the clean-up early.
trap 'set +e; pb_stop_all; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
trap 'echo "bench/dnssec.sh: failed at line $LINENO" >&2' ERR

[ -n "${FAILOVERDNS_DLL:-}" ] || dotnet publish "$repo/src/FailoverDns.Server" -c Release -o "$repo/artifacts/publish" --nologo -v quiet
for p in $port $((port + 1)) $((port + 2)); do pb_port_free "$p" || { echo "port $p busy; set PORT_BASE" >&2; exit 1; }; done

# Each config set in its own directory: keygen writes to keys/ beside the config, and a second key
# for the same zone would be used too.
mkdir -p "$work/sample" "$work/large"
cp -r "$repo/config/zones" "$work/sample/"
python3 "$repo/bench/dnssec-gen.py" sample "$repo/config/failoverdns.yaml" "$work/sample" "$port"
python3 "$repo/bench/dnssec-gen.py" large "$work/large" "$records" "$sets" $((port + 1)) "$threads"
for zone in example.test 2.0.192.in-addr.arpa; do
    dotnet "$dll" dnssec keygen "$zone" --config "$work/sample/sample-signed.yaml" > /dev/null
done
dotnet "$dll" dnssec keygen example.test --config "$work/large/failover-signed.yaml" > /dev/null

# ---- 1. signing at load ---------------------------------------------------------------------
# CPU seconds beside wall seconds: the box is shared, and CPU time suffers less from other load.
validate() {  # validate FILE: prints "seconds MiB cpu-seconds" of one `failoverdns validate`
    /usr/bin/time -f '%e %M %U %S' -o "$work/time.txt" dotnet "$dll" validate "$1" > /dev/null
    awk '{printf "%.2f %.0f %.2f\n", $1, $2 / 1024, $3 + $4}' "$work/time.txt"
}
declare -A S M C
for r in $(seq 1 "$reps"); do  # the configs interleaved, so that other load on the box hits all alike
    for c in sample/sample-unsigned sample/sample-signed large/plain-unsigned large/plain-signed large/failover-unsigned large/failover-signed; do
        out=$(validate "$work/$c.yaml"); read -r s m cpu <<< "$out"
        S[$c]+="$s "; M[$c]+="$m "; C[$c]+="$cpu "
        pb_log "validate $c: $s s, CPU $cpu s, peak RSS $m MiB"
    done
done
med() { tr ' ' '\n' <<< "$1" | grep . | pb_median; }

# RRSIGs as served: an AXFR of each signed zone (it holds the tier each failover set serves now,
# not the other tiers, lowered-TTL forms or NSEC variants, which are signed too).
axfr() {  # axfr PORT ZONE: the zone as transferred, the closing SOA dropped
    kdig +time=30 @127.0.0.1 -p "$1" AXFR "$2" | awk '!/^;/ && NF && !($4 == "SOA" && soa++)'
}
serve() {  # serve NAME CONFIG PORT QNAME EXPECT: starts FailoverDns, waits for an answer
    pb_spawn "$1" dotnet "$dll" --config "$2"
    pb_wait_answer "$3" "$4" A "$5" 60 || { cat "$PB_RUN/logs/$1.log" >&2; exit 1; }
}
serve sample "$work/sample/sample-signed.yaml" "$port" www.example.test 192.0.2.1
sample_rrsigs=0
for zone in example.test 2.0.192.in-addr.arpa; do
    sample_rrsigs=$((sample_rrsigs + $(axfr "$port" "$zone" | awk '$4 == "RRSIG"' | wc -l)))
done
pb_stop sample || true
large_port=$((port + 1)); knot_port=$((port + 2))
last=$((records * 4 / 5 - 1))  # the last A name, as dnssec-gen.py numbers it
serve failoverdns "$work/large/failover-signed.yaml" "$large_port" h$last.example.test 10.$((last >> 16 & 255)).$((last >> 8 & 255)).$((last & 255))
axfr "$large_port" example.test > "$work/large/signed.zone"
large_rrsigs=$(awk '$4 == "RRSIG"' "$work/large/signed.zone" | wc -l)
# Signed but not in the AXFR, per set: the other tier, both tiers' lowered-TTL forms (ttl 60 >
# unsettledTtl 5), and for a NODATA set the NSEC without A.
nodata_sets=$(( (sets + 3) / 4 ))
large_made=$((large_rrsigs + 3 * sets + nodata_sets))

row() {  # row LABEL CONFIG_PREFIX RRSIGS_SERVED RRSIGS_MADE
    local u=$2-unsigned s=$2-signed
    printf '%-28s %6s %6s %6.2f | %6s %6s %6.2f | %6s %6s %5.0f | %10s %10s\n' "$1" \
        "$(med "${S[$u]}")" "$(med "${S[$s]}")" "$(delta "${S[$s]}" "${S[$u]}")" \
        "$(med "${C[$u]}")" "$(med "${C[$s]}")" "$(delta "${C[$s]}" "${C[$u]}")" \
        "$(med "${M[$u]}")" "$(med "${M[$s]}")" "$(delta "${M[$s]}" "${M[$u]}")" "$3" "$4"
}
delta() { awk -v a="$(med "${1}")" -v b="$(med "${2}")" 'BEGIN{print a-b}'; }

# ---- 2. dnsperf with and without DO, FailoverDns and Knot on the same signed zone -------------
mkdir -p "$PB_RUN/knot/db"
pb_render "$harness/conf/knot.conf.in" "$PB_RUN/knot/knot.conf" "$knot_port" "$threads" "$PB_RUN/knot" "$work/large/signed.zone"
pb_spawn knot knotd -c "$PB_RUN/knot/knot.conf"
pb_wait_answer "$knot_port" h0.example.test A 10.0.0.0 60 || { cat "$PB_RUN/logs/knot.log" >&2; exit 1; }

# The same answers from both, with DO: rcode and section counts of one query of each kind.
for q in "h0.example.test A" "h1.example.test AAAA" "h$((records / 2)).example.test AAAA" "nx1.example.test A" \
         "x.wild.example.test A" "fo0.example.test A" "fo1.example.test A" "example.test DNSKEY" "example.test SOA"; do
    for p in $large_port $knot_port; do
        dig +dnssec +norec +time=2 +tries=1 @127.0.0.1 -p "$p" $q | awk '/status:/ {s = $6} /^;; flags:/ {sub(/.*QUERY/, "QUERY"); print s, $0}'
    done | uniq | awk -v q="$q" '{a[NR] = $0} END {if (NR > 1) print "  differs with DO: " q ": failoverdns " a[1] "; knot " a[2]}' >&2
done
for p in $large_port $knot_port; do  # one answer of each to read by eye (DIG_SHOW=1)
    [ -n "${DIG_SHOW:-}" ] && dig +dnssec +norec +multiline @127.0.0.1 -p "$p" ${DIG_SHOW_Q:-fo0.example.test A} >&2
done

# dnsperf through lib.sh's pb_dnsperf (its CPU accounting included), which has no knob for -D: a
# dnsperf first in PATH adds $DNSPERF_EXTRA.
mkdir -p "$work/bin"
printf '#!/bin/sh\nexec %s $DNSPERF_EXTRA "$@"\n' "$(command -v dnsperf)" > "$work/bin/dnsperf"
chmod +x "$work/bin/dnsperf"; export PATH=$work/bin:$PATH
res=$work/results.tsv; : > "$res"
queries=$work/large/queries.txt
for n in failoverdns knot; do  # warm-up; "|| true": lib.sh's CPU sums fail now and then under set -e (a process gone while read)
    p=$large_port; [ $n = knot ] && p=$knot_port
    DNSPERF_EXTRA=-D pb_dnsperf $n $p 2 "$clients" 1 0 "$outstanding" "$queries" > /dev/null || true
done
for r in $(seq 1 "$rounds"); do
    order="failoverdns knot"; [ $((r % 2)) = 0 ] && order="knot failoverdns"
    for mode in do nodo; do
        extra=; [ $mode = do ] && extra=-D
        for n in $order; do
            p=$large_port; [ $n = knot ] && p=$knot_port
            line=$(DNSPERF_EXTRA=$extra pb_dnsperf $n $p "$duration" "$clients" 1 0 "$outstanding" "$queries")
            set -- $line
            printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$r" $mode $n "$4" "$9" "$3" >> "$res"
            pb_log "round $r $mode $n: qps=$4 lost=$3 cpu srv/gen/other=$9/${10}/${11}%"
        done
    done
done
col() { awk -F'\t' -v m="$1" -v n="$2" -v f="$3" '$2 == m && $3 == n {print $f}' "$res"; }
kq() { awk -F'\t' -v m="$1" -v n="$2" '$2 == m && $3 == n && $5 > 0 {printf "%.1f\n", $4 / ($5 / 100) / 1000}' "$res" | pb_median; }
ratios() {  # per-round FailoverDns/Knot qps, min-max
    awk -F'\t' -v m="$1" '$2 == m {q[$1, $3] = $4; r[$1]} END {for (i in r) printf "%.2f\n", q[i, "failoverdns"] / q[i, "knot"]}' "$res" |
        sort -g | awk 'NR == 1 {a = $1} {b = $1} END {print a "-" b}'
}

# ---- the table ------------------------------------------------------------------------------
{
echo
echo "== FailoverDns DNSSEC cost, $(date '+%F %T %Z') on $(hostname): $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "1. failoverdns validate (loads and signs; includes ~0.2 s of .NET start-up), median of $reps runs, interleaved"
echo "   wall s, CPU s (user+system) and peak RSS MiB: unsigned, signed, difference"
printf '%-28s %6s %6s %6s | %6s %6s %6s | %6s %6s %5s | %10s %10s\n' '' wall_s signed +diff cpu_s signed +diff MiB signed +diff RRSIGs: '' 
printf '%-28s %6s %6s %6s | %6s %6s %6s | %6s %6s %5s | %10s %10s\n' config '' '' '' '' '' '' '' '' '' in_AXFR made
row "sample (2 zones, 1 set)" sample/sample "$sample_rrsigs" ">=$((sample_rrsigs + 3))"
row "$records rec + $sets plain A" large/plain "-" "-"
row "$records rec + $sets fo sets" large/failover "$large_rrsigs" ">=$large_made"
fs=$(delta "${C[large/failover-signed]}" "${C[large/plain-signed]}"); fu=$(delta "${C[large/failover-unsigned]}" "${C[large/plain-unsigned]}")
ms=$(delta "${M[large/failover-signed]}" "${M[large/plain-signed]}"); mu=$(delta "${M[large/failover-unsigned]}" "${M[large/plain-unsigned]}")
echo "per failover set, signing's share (sets minus plain names, signed minus unsigned): $(awk -v a="$fs" -v b="$fu" -v n="$sets" 'BEGIN{printf "%.2f ms CPU", (a-b)/n*1000}')," \
     "$(awk -v a="$ms" -v b="$mu" -v n="$sets" 'BEGIN{printf "%.1f KiB", (a-b)/n*1024}'); 3 extra RRSIGs (other tier, 2 lowered-TTL forms) + 1 NSEC variant for NODATA sets;" \
     "at the signed zone's mean $(awk -v s="$(delta "${C[large/failover-signed]}" "${C[large/failover-unsigned]}")" -v n="$large_made" 'BEGIN{printf "%.1f µs CPU", s/n*1e6}') per RRSIG made" \
     "(so $(awk -v s="$(delta "${C[large/failover-signed]}" "${C[large/failover-unsigned]}")" -v n="$large_made" -v x=$((3 * sets + nodata_sets)) -v k="$sets" 'BEGIN{printf "%.2f ms", s/n*x/k*1000}') CPU per set modelled)"
echo
echo "2. dnsperf -c $clients -T 1 -q $outstanding -l $duration, $rounds rounds (order alternating), $threads UDP thread(s) per server;"
echo "   the $records-record signed zone, FailoverDns's AXFR loaded by Knot $(knotd -V | awk '{print $NF}'); mix: 50 % positive A/AAAA, 10 % NODATA, 15 % NXDOMAIN, 10 % wildcard, 15 % failover"
printf '%-6s %14s %14s %7s %12s %14s %14s %5s\n' mode failoverdns_qps knot_qps ratio round_ratios fdns_kq/cpu-s knot_kq/cpu-s lost
for mode in do nodo; do
    fq=$(col $mode failoverdns 4 | pb_median); kq_=$(col $mode knot 4 | pb_median)
    lost=$(awk -F'\t' -v m=$mode '$2 == m {l += $6} END {print l + 0}' "$res")
    printf '%-6s %14s %14s %7s %12s %14s %14s %5s\n' "$([ $mode = do ] && echo "+DO" || echo "no DO")" "$fq" "$kq_" \
        "$(awk -v a="$fq" -v b="$kq_" 'BEGIN{printf "%.2f", a/b}')" "$(ratios $mode)" "$(kq $mode failoverdns)" "$(kq $mode knot)" "$lost"
done
}
