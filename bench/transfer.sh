#!/usr/bin/env bash
# FailoverDns as a hidden primary on loopback.
# (a) Knot (knotd), NSD (nsd) and BIND (named), each in turn a secondary of FailoverDns: how long after
# FailoverDns switches the secondary serves the switch. FailoverDns (check every 100 ms, failureThreshold 2,
# recoveryThreshold 2, flap damping off, transfer.notify to the secondary) is started first, then the
# secondary (its config as tests/FailoverDns.Server.Tests/Support/SecondaryServer.cs writes it, NSD pointed
# straight at the primary), which must serve the zone before the rounds begin. ROUNDS times: the python3
# HTTP backend is killed (SIGKILL) and a python3 poller sends raw DNS A queries over UDP to both servers
# every ~2 ms: t1 = FailoverDns answers the secondary value, t2 = the secondary server answers it; the
# figure is t2 - t1 (switch to secondary-serving; the SOA serial change, NOTIFY, IXFR and reload), with t1
# (from the kill) for context. Then the backend is started again and failback is timed the same way (t1
# from the backend listening). Median and max per daemon.
# (b) AXFR of a RECORDS-record zone file (hN 300 IN A 10.x.y.z, plus SOA, NS and the NS's A) served by
# FailoverDns (file:) and by knotd (journal-content: none, zonefile-sync: -1): kdig ... AXFR +noall +stats,
# TRIES times each, interleaved; records/s (median) and FailoverDns/Knot. Both transfers are checked once
# (untimed) to hold the same records: line count (SOA twice) and a digest of the sorted answer.
# About 3 minutes with the defaults.
#   bash bench/transfer.sh        (ROUNDS=10 RECORDS=1000000 TRIES=3; DAEMONS="knot nsd bind";
#                                  FAILOVERDNS_DLL=... skips publishing)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
rounds=${ROUNDS:-10}; records=${RECORDS:-1000000}; tries=${TRIES:-3}; daemons=${DAEMONS:-knot nsd bind}
dll=${FAILOVERDNS_DLL:-$repo/artifacts/publish/failoverdns.dll}
work=$(mktemp -d /tmp/failoverdns-transfer.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

[ -n "${FAILOVERDNS_DLL:-}" ] || dotnet publish "$repo/src/FailoverDns.Server" -c Release -o "$repo/artifacts/publish" --nologo -v quiet

# Free loopback ports: FailoverDns, the secondary, the backend; FailoverDns and knotd for (b).
read -r fdns_port sec_port backend_port axfr_fdns axfr_knot < <(python3 - <<'PY'
import socket
socks = []
for _ in range(5):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(*[s.getsockname()[1] for s in socks])
PY
)

stop() {  # stop PID: stops one process started here and drops it from pids
    local p=$1 rest=() q
    kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true
    for q in "${pids[@]}"; do [ "$q" = "$p" ] || rest+=("$q"); done
    pids=("${rest[@]}")
}

serves() {  # serves PORT: true once the server on PORT answers example.test SOA (NOERROR, an answer)
    local out
    out=$(dig +norec +time=1 +tries=1 @127.0.0.1 -p "$1" example.test SOA 2>/dev/null) || return 1
    grep -q 'status: NOERROR' <<< "$out" && grep -qE 'ANSWER: [1-9]' <<< "$out"
}
wait_serves() {  # wait_serves PORT WHAT SECONDS LOG
    local i
    for ((i = 0; i < $3 * 10; i++)); do serves "$1" && return 0; sleep 0.1; done
    echo "$2 did not serve example.test within $3 s; its log:" >&2; tail -n 30 "$4" >&2; exit 1
}

# The backend: answers 200 to every GET; prints "ready" once it listens (the poller times failback from then).
cat > "$work/backend.py" <<'PY'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *a): pass
class S(http.server.ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True
    def handle_error(self, request, client_address): pass  # a probe that hangs up early is no news
s = S(("127.0.0.1", int(sys.argv[1])), H)
print("ready", flush=True)
s.serve_forever()
PY

# The poller: owns the backend (starts, kills, restarts it) and polls FailoverDns and the secondary.
cat > "$work/poll.py" <<'PY'
import json, select, signal, socket, struct, subprocess, sys, time
backend_cmd, rounds, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ports = [int(p) for p in sys.argv[4].split(",")]  # FailoverDns, then the secondary
PRIMARY, SECONDARY = "10.0.0.1", "10.0.1.1"
LIMIT = 30

def query(qid):
    q = b"".join(bytes([len(l)]) + l.encode() for l in "www.example.test".split(".")) + b"\0"
    return struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 0) + q + struct.pack(">HH", 1, 1)

def skip_name(m, i):
    while True:
        n = m[i]
        if n == 0: return i + 1
        if n & 0xC0 == 0xC0: return i + 2
        i += n + 1

def answer(m):
    if len(m) < 12: return None
    qd, an = struct.unpack(">HH", m[4:8])
    i = 12
    for _ in range(qd): i = skip_name(m, i) + 4
    for _ in range(an):
        i = skip_name(m, i)
        t, _, _, rdlen = struct.unpack(">HHIH", m[i:i + 10]); i += 10
        if t == 1 and rdlen == 4: return socket.inet_ntoa(m[i:i + 4])
        i += rdlen
    return None

socks = []
for p in ports:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.connect(("127.0.0.1", p)); s.setblocking(False); socks.append(s)
qid = [0]

def poll_once():
    """One query to each server; their answers (None where none came within 50 ms)."""
    qid[0] = (qid[0] + 1) & 0xFFFF
    for s in socks:
        try: s.send(query(qid[0]))
        except OSError: pass
    got, deadline = {}, time.monotonic() + 0.05
    while len(got) < len(socks) and time.monotonic() < deadline:
        r, _, _ = select.select([s for s in socks if s not in got], [], [], max(0, deadline - time.monotonic()))
        for s in r:
            try: m = s.recv(4096)
            except OSError: continue
            if len(m) >= 2 and struct.unpack(">H", m[:2])[0] == qid[0]: got[s] = answer(m)
    return [got.get(s) for s in socks]

def wait_all(value, t0, limit):
    """Polls every ~2 ms until both answer value (and keep it: a later other answer resets); seconds after t0."""
    at = [None] * len(socks)
    while any(a is None for a in at):
        if time.monotonic() - t0 > limit: return None, at
        tick = time.monotonic()
        for k, a in enumerate(poll_once()):
            if a == value and at[k] is None: at[k] = time.monotonic() - t0
        time.sleep(max(0, 0.002 - (time.monotonic() - tick)))
    return at, at

def start_backend():
    b = subprocess.Popen(backend_cmd.split(), stdout=subprocess.PIPE, text=True)
    line = b.stdout.readline()
    t = time.monotonic()
    assert line.strip() == "ready", line
    return b, t

backend, t = start_backend()
results = {"failover": [], "failback": []}
try:
    at, partial = wait_all(PRIMARY, t, LIMIT)
    if at is None: sys.exit(f"  did not both answer the primary within {LIMIT} s of the backend starting (got {partial})")
    time.sleep(0.5)
    for r in range(rounds):
        t0 = time.monotonic(); backend.send_signal(signal.SIGKILL); backend.wait()
        down, partial = wait_all(SECONDARY, t0, LIMIT)
        if down is None: sys.exit(f"  round {r + 1}: failover not served by both within {LIMIT} s (FailoverDns, secondary: {partial})")
        time.sleep(0.5)
        backend, t1 = start_backend()
        up, partial = wait_all(PRIMARY, t1, LIMIT)
        if up is None: sys.exit(f"  round {r + 1}: failback not served by both within {LIMIT} s (FailoverDns, secondary: {partial})")
        results["failover"].append(down); results["failback"].append(up)
        print(f"  round {r + 1}: failover t1 {down[0] * 1000:.0f} t2-t1 {(down[1] - down[0]) * 1000:.1f} ms;"
              f" failback t1 {up[0] * 1000:.0f} t2-t1 {(up[1] - up[0]) * 1000:.1f} ms", flush=True)
        time.sleep(0.5)
finally:
    backend.kill(); backend.wait()
    json.dump(results, open(out, "w"))
PY

cat > "$work/fdns.yaml" <<YAML
listen: [127.0.0.1:$fdns_port]
admin: { listen: "127.0.0.1:0" }
logging: { level: Warning }
health: { flapDamping: off }   # on by default: it would hold the check down after a few rounds
healthChecks:
  - { name: web, type: http, target: 127.0.0.1, port: $backend_port, interval: 100ms, failureThreshold: 2, recoveryThreshold: 2 }
zones:
  - name: example.test
    soa: { email: hostmaster@example.test, refresh: 1h, retry: 10m, expire: 2w }
    nameservers: [ns1.example.test.]
    transfer: { allow: [127.0.0.0/8], notify: ['127.0.0.1:$sec_port'] }
    records:
      - { name: ns1, type: A, value: 192.0.2.53 }
    failover:
      - { name: www, type: A, ttl: 30, primary: { value: 10.0.0.1, healthCheck: web }, secondary: { value: 10.0.1.1 } }
YAML

secondary_config() {  # secondary_config KIND DIR: writes the config, prints the command line
    local kind=$1 d=$2
    mkdir -p "$d"
    case $kind in
    knot)
        mkdir -p "$d/db"
        cat > "$d/knot.conf" <<CONF
server:
    rundir: "$d"
    listen: 127.0.0.1@$sec_port
log:
  - target: stderr
    any: info
database:
    storage: "$d/db"
remote:
  - id: primary
    address: 127.0.0.1@$fdns_port
acl:
  - id: notify-from-primary
    address: 127.0.0.1
    action: notify
zone:
  - domain: example.test
    master: primary
    acl: notify-from-primary
    file: "$d/example.test.zone"
    journal-content: changes
    zonefile-sync: -1
CONF
        echo "knotd -c $d/knot.conf" ;;
    nsd)
        cat > "$d/nsd.conf" <<CONF
server:
    ip-address: 127.0.0.1@$sec_port
    port: $sec_port
    pidfile: "$d/nsd.pid"
    zonesdir: "$d"
    xfrdfile: "$d/xfrd.state"
    xfrdir: "$d"
    zonelistfile: "$d/zone.list"
    database: ""
    username: ""
    chroot: ""
    logfile: "$d/nsd.log"
    verbosity: 2
    # By default NSD waits 1 s after a transfer before its server processes serve it.
    xfrd-reload-timeout: 0
remote-control:
    control-enable: no
zone:
    name: example.test
    zonefile: "$d/example.test.zone"
    request-xfr: 127.0.0.1@$fdns_port NOKEY
    allow-notify: 127.0.0.1 NOKEY
CONF
        echo "nsd -d -c $d/nsd.conf" ;;
    bind)
        cat > "$d/named.conf" <<CONF
options {
    directory "$d";
    listen-on port $sec_port { 127.0.0.1; };
    listen-on-v6 { none; };
    pid-file "$d/named.pid";
    session-keyfile "$d/session.key";
    managed-keys-directory "$d";
    allow-query { any; };
    recursion no;
    dnssec-validation no;
    notify no;
};
controls { };
zone "example.test" {
    type secondary;
    primaries port $fdns_port { 127.0.0.1; };
    allow-notify { 127.0.0.1; };
    file "$d/example.test.db";
};
CONF
        echo "named -g -4 -c $d/named.conf" ;;
    esac
}

echo "(a) a secondary of FailoverDns: check every 100ms, thresholds 2/2, NOTIFY + IXFR, $rounds rounds"
for kind in $daemons; do
    echo " $kind ($(case $kind in knot) knotd --version ;; nsd) nsd -v 2>&1 | head -1 ;; bind) named -v ;; esac | head -1)):"
    dotnet "$dll" --config "$work/fdns.yaml" > "$work/fdns-$kind.log" 2>&1 &
    fdns=$!; pids+=($fdns)
    wait_serves "$fdns_port" FailoverDns 30 "$work/fdns-$kind.log"
    cmd=$(secondary_config "$kind" "$work/$kind")
    # shellcheck disable=SC2086
    $cmd > "$work/$kind.log" 2>&1 &
    sec=$!; pids+=($sec)
    wait_serves "$sec_port" "$kind" 30 "$work/$kind.log"
    if ! python3 "$work/poll.py" "python3 $work/backend.py $backend_port" "$rounds" "$work/$kind.json" "$fdns_port,$sec_port"; then
        echo "  $kind log (last lines):"; tail -n 20 "$work/$kind.log" | sed 's/^/    /'
        [ -f "$work/$kind/nsd.log" ] && tail -n 20 "$work/$kind/nsd.log" | sed 's/^/    /'
    fi
    stop "$sec"; stop "$fdns"
    grep -E '^\[[0-9:]+ (ERR|CRT|FTL)\]' "$work/fdns-$kind.log" | head -5 | sed 's/^/  FailoverDns: /' || true
done

# (b) AXFR throughput: one zone file, served by FailoverDns and by knotd.
mkdir -p "$work/b/db"
python3 - "$work/b/example.test.zone" "$records" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    f.write("$ORIGIN example.test.\n$TTL 300\n")
    f.write("@ 3600 IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 1209600 300\n")
    f.write("@ 3600 IN NS ns1.example.test.\nns1 300 IN A 192.0.2.53\n")
    f.write("".join(f"h{i} 300 IN A 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}\n" for i in range(n)))
PY
cat > "$work/b/fdns.yaml" <<YAML
listen: [127.0.0.1:$axfr_fdns]
admin: { listen: "127.0.0.1:0" }
logging: { level: Warning }
zones:
  - name: example.test
    file: example.test.zone
    transfer: { allow: [127.0.0.0/8] }
YAML
cat > "$work/b/knot.conf" <<CONF
server:
    rundir: "$work/b"
    listen: 127.0.0.1@$axfr_knot
log:
  - target: stderr
    any: warning
database:
    storage: "$work/b/db"
acl:
  - id: transfer
    address: 127.0.0.1
    action: transfer
zone:
  - domain: example.test
    file: "$work/b/example.test.zone"
    journal-content: none
    zonefile-sync: -1
    acl: transfer
CONF
echo "(b) AXFR of a $records-record zone file ($(du -h "$work/b/example.test.zone" | cut -f1)), $tries transfers each, interleaved"
t=$(date +%s%N)
dotnet "$dll" --config "$work/b/fdns.yaml" > "$work/b/fdns.log" 2>&1 &
pids+=($!)
wait_serves "$axfr_fdns" FailoverDns 120 "$work/b/fdns.log"
echo "  FailoverDns loaded and serving after $(( ($(date +%s%N) - t) / 1000000 )) ms"
t=$(date +%s%N)
knotd -c "$work/b/knot.conf" > "$work/b/knot.log" 2>&1 &
pids+=($!)
wait_serves "$axfr_knot" knotd 120 "$work/b/knot.log"
echo "  knotd loaded and serving after $(( ($(date +%s%N) - t) / 1000000 )) ms"

# Same records from both (untimed): line count, and a digest of the sorted answer without its SOA lines
# (with transfer: FailoverDns serves its own SOA serial, not the file's), SOA serials apart.
for who in fdns:$axfr_fdns knot:$axfr_knot; do
    f=$work/b/${who%%:*}.axfr
    kdig @127.0.0.1 -p "${who#*:}" AXFR example.test +noall +answer > "$f"
    echo "  ${who%%:*}: $(wc -l < "$f") lines ($(grep -c $'\tSOA\t' "$f") SOA, serial $(awk -F'\t' '$4 == "SOA" { split($5, a, " "); print a[3]; exit }' "$f"))," \
        "sorted non-SOA sha256 $(grep -v $'\tSOA\t' "$f" | sort | sha256sum | cut -c1-16)"
    rm -f "$f"
done

: > "$work/b/times"
for ((i = 1; i <= tries; i++)); do
    for who in fdns:$axfr_fdns knot:$axfr_knot; do
        t=$(date +%s%N)
        stats=$(kdig @127.0.0.1 -p "${who#*:}" AXFR example.test +noall +stats)
        ms=$(( ($(date +%s%N) - t) / 1000000 ))
        n=$(grep -oE '[0-9]+ records' <<< "$stats" | grep -oE '[0-9]+' || echo 0)
        echo "${who%%:*} $ms $n" >> "$work/b/times"
        echo "  try $i ${who%%:*}: $ms ms, $n records ($(grep -oE 'Received [^;]*' <<< "$stats" | head -1))"
    done
done

python3 - "$work" "$daemons" "$work/b/times" <<'PY'
import json, os, statistics, sys
work, daemons, times = sys.argv[1], sys.argv[2].split(), sys.argv[3]
print()
print(f"  {'(a) ms; t2-t1 = switch to secondary serving':<46} {'rounds':>6} {'median':>8} {'max':>8}   {'t1 median':>9} {'t1 max':>7}")
for d in daemons:
    path = os.path.join(work, d + ".json")
    r = json.load(open(path)) if os.path.exists(path) else {"failover": [], "failback": []}
    for kind in ("failover", "failback"):
        xs = r[kind]
        if not xs:
            print(f"  {d + ' ' + kind:<46} {0:>6} {'-':>8} {'-':>8}"); continue
        lag = [(b - a) * 1000 for a, b in xs]; t1 = [a * 1000 for a, _ in xs]
        print(f"  {d + ' ' + kind:<46} {len(xs):>6} {statistics.median(lag):>8.1f} {max(lag):>8.1f}   {statistics.median(t1):>9.0f} {max(t1):>7.0f}")
print("  (t1: FailoverDns answering the new value, from the kill (failover) or the backend listening (failback))")
rows = [l.split() for l in open(times)]
print()
print(f"  {'(b) AXFR':<14} {'records':>9} {'ms (each)':>24} {'records/s median':>17}")
rate = {}
for who, label in (("fdns", "FailoverDns"), ("knot", "knotd")):
    mine = [(int(ms), int(n)) for w, ms, n in rows if w == who]
    rate[who] = statistics.median(n / (ms / 1000) for ms, n in mine)
    print(f"  {label:<14} {'/'.join(sorted({str(n) for _, n in mine})):>9} {' '.join(str(ms) for ms, _ in mine):>24} {rate[who]:>17,.0f}")
print(f"  FailoverDns/Knot: {rate['fdns'] / rate['knot']:.2f}")
PY
