#!/usr/bin/env bash
# Cluster mode on loopback: (a) failover and failback time of one instance (no cluster section) and of
# three instances in cluster mode on one etcd (probing from 127.0.0.2/.3/.4, default quorum route53);
# (b) etcd traffic (writes and watch events) per check per second with CHECKS checks, in steady state
# and over a window in which the backend is stopped and started once.
# (a) Also: an override set (then cleared) through the first instance's admin API, and how soon each instance
# serves it. Checks every 100 ms, failureThreshold 2, recoveryThreshold 2, against a python3 HTTP backend that is
# killed (SIGKILL) and started again. A python3 poller sends raw DNS A queries over UDP to every instance
# every ~2 ms and records when each one switches: failover = from the kill until the instance answers the
# secondary; failback = from the restarted backend listening until it answers the primary again. For the
# three instances: the first, the last and the spread (last - first); median and max over ROUNDS rounds.
# (b) etcdWrites/etcdEvents from each instance's /api/cluster before and after a STEADY-second window with
# the backend up, then a FLAP-second window in which it is killed and, halfway, started again (checks every
# TRAFFIC_INTERVAL); an etcd watch on the prefix lists what the flap wrote. Flap damping is off throughout.
# About 75 s with the defaults.
#   bash bench/cluster.sh        (ROUNDS=5 CHECKS=100 STEADY=20 FLAP=12 TRAFFIC_INTERVAL=100ms;
#                                 FAILOVERDNS_DLL=... skips publishing; ETCD=... another etcd binary)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
rounds=${ROUNDS:-5}; checks=${CHECKS:-100}; steady=${STEADY:-20}; flap=${FLAP:-12}; traffic_interval=${TRAFFIC_INTERVAL:-100ms}
dll=${FAILOVERDNS_DLL:-$repo/artifacts/publish/failoverdns.dll}
etcd_bin=${ETCD:-etcd}
work=$(mktemp -d /tmp/failoverdns-cluster.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

[ -n "${FAILOVERDNS_DLL:-}" ] || dotnet publish "$repo/src/FailoverDns.Server" -c Release -o "$repo/artifacts/publish" --nologo -v quiet

# Free loopback ports: etcd client and peer, the backend, and DNS and admin for up to three instances.
read -r etcd_port peer_port backend_port dns1 dns2 dns3 adm1 adm2 adm3 < <(python3 - <<'PY'
import socket
socks = []
for _ in range(9):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(*[s.getsockname()[1] for s in socks])
PY
)
dns=("$dns1" "$dns2" "$dns3"); adm=("$adm1" "$adm2" "$adm3")

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

# The poller: owns the backend (starts, kills, restarts it) and polls every instance's answer.
cat > "$work/poll.py" <<'PY'
import os, select, signal, socket, statistics, struct, subprocess, sys, time, json, urllib.request
backend_cmd, rounds, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ports = [int(p) for p in sys.argv[4].split(",")]
admin = sys.argv[5] if len(sys.argv) > 5 else None  # the first instance's admin API: overrides are set there
PRIMARY, SECONDARY = "10.0.0.1", "10.0.1.1"

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
    """One query to every instance; their answers (None where none came within 50 ms)."""
    qid[0] = (qid[0] + 1) & 0xFFFF
    for s in socks: s.send(query(qid[0]))
    got, deadline = {}, time.monotonic() + 0.05
    while len(got) < len(socks) and time.monotonic() < deadline:
        r, _, _ = select.select([s for s in socks if s not in got], [], [], max(0, deadline - time.monotonic()))
        for s in r:
            try: m = s.recv(4096)
            except OSError: continue
            if struct.unpack(">H", m[:2])[0] == qid[0]: got[s] = answer(m)
    return [got.get(s) for s in socks]

def wait_all(value, t0, limit):
    """Polls every ~2 ms until every instance answers value; the time each switched (s after t0)."""
    at = [None] * len(socks)
    while any(a is None for a in at):
        if time.monotonic() - t0 > limit: return None
        tick = time.monotonic()
        for k, a in enumerate(poll_once()):
            if a == value and at[k] is None: at[k] = time.monotonic() - t0
        time.sleep(max(0, 0.002 - (time.monotonic() - tick)))
    return at

def start_backend():
    b = subprocess.Popen(backend_cmd.split(), stdout=subprocess.PIPE, text=True)
    line = b.stdout.readline()
    t = time.monotonic()
    assert line.strip() == "ready", line
    return b, t

backend, _ = start_backend()
results = []
try:
    if wait_all(PRIMARY, time.monotonic(), 30) is None: sys.exit("instances never answered the primary")
    time.sleep(0.5)
    for r in range(rounds):
        t0 = time.monotonic(); backend.send_signal(signal.SIGKILL); backend.wait()
        down = wait_all(SECONDARY, t0, 20)
        if down is None: sys.exit(f"round {r + 1}: not every instance failed over within 20 s")
        time.sleep(0.5)
        backend, t1 = start_backend()
        up = wait_all(PRIMARY, t1, 20)
        if up is None: sys.exit(f"round {r + 1}: not every instance failed back within 20 s")
        result = {"failover": down, "failback": up}
        if admin:
            # An override set through the first instance: how soon every instance serves it, and its clearing.
            time.sleep(0.5)
            body = json.dumps({"state": "unhealthy", "reason": "bench"}).encode()
            t2 = time.monotonic()
            urllib.request.urlopen(urllib.request.Request(admin + "/api/health-checks/web0/override", body, {"Content-Type": "application/json"}, method="PUT"), timeout=5).read()
            result["override"] = wait_all(SECONDARY, t2, 20)
            t3 = time.monotonic()
            urllib.request.urlopen(urllib.request.Request(admin + "/api/health-checks/web0/override", method="DELETE"), timeout=5).read()
            result["cleared"] = wait_all(PRIMARY, t3, 20)
            if None in (result["override"], result["cleared"]): sys.exit(f"round {r + 1}: the override did not reach every instance within 20 s")
        results.append(result)
        print(f"  round {r + 1}: " + "; ".join(f"{k} " + " ".join(f"{x * 1000:.0f}" for x in v) + " ms" for k, v in result.items()), flush=True)
        time.sleep(0.5)
finally:
    backend.kill(); backend.wait()
json.dump(results, open(out, "w"))
PY

# A config: config FILE INSTANCE(1..3) CHECKS CLUSTER(yes|no)
config() {
    local file=$1 i=$2 n=$3 clustered=$4 k interval=100ms
    [ "$n" -gt 1 ] && interval=$traffic_interval
    {
        echo "listen: [127.0.0.1:${dns[$((i - 1))]}]"
        echo "admin: { listen: \"127.0.0.1:${adm[$((i - 1))]}\" }"
        echo "logging: { level: Warning }"
        echo "health: { flapDamping: off }   # on by default: it would hold a check down after a few rounds"
        if [ "$clustered" = yes ]; then
            cat <<YAML
cluster:
  location: loc-$i
  etcd: { endpoints: [http://127.0.0.1:$etcd_port], prefix: /bench-$n/ }
YAML
        fi
        echo "healthChecks:"
        for ((k = 0; k < n; k++)); do
            echo "  - { name: web$k, type: http, target: 127.0.0.1, port: $backend_port, interval: $interval, failureThreshold: 2, recoveryThreshold: 2$([ "$clustered" = yes ] && echo ", sourceAddress: 127.0.0.$((i + 1))") }"
        done
        cat <<YAML
zones:
  - name: example.test
    soa: { email: hostmaster@example.test }
    nameservers: [ns1.example.test.]
    records:
      - { name: ns1, type: A, value: 192.0.2.53 }
    failover:
YAML
        for ((k = 0; k < n; k++)); do
            echo "      - { name: www$([ "$k" -gt 0 ] && echo "$k"), type: A, ttl: 30, primary: { value: 10.0.0.1, healthCheck: web$k }, secondary: { value: 10.0.1.1 } }"
        done
    } > "$file"
}

start_instances() {  # start_instances COUNT CHECKS CLUSTER LOGNAME: starts them, waits for their admin API
    local count=$1 n=$2 clustered=$3 log=$4 i
    inst=()
    for ((i = 1; i <= count; i++)); do
        config "$work/i$i.yaml" "$i" "$n" "$clustered"
        dotnet "$dll" --config "$work/i$i.yaml" > "$work/$log-$i.log" 2>&1 &
        pids+=($!); inst+=($!)
    done
    for ((i = 1; i <= count; i++)); do
        for _ in $(seq 200); do
            curl -sf "http://127.0.0.1:${adm[$((i - 1))]}/healthz" > /dev/null 2>&1 && break
            sleep 0.1
        done
    done
}
stop_instances() { local p; for p in "${inst[@]}"; do kill "$p"; wait "$p" 2>/dev/null || true; done; inst=(); }

# etcd: one node, data on tmpfs-or-not under the temp dir.
"$etcd_bin" --name n0 --data-dir "$work/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "n0=http://127.0.0.1:$peer_port" > "$work/etcd.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$etcd_port/health" > /dev/null 2>&1 && break; sleep 0.1; done

backend_cmd="python3 $work/backend.py $backend_port"
echo "(a) failover/failback, interval 100ms, thresholds 2/2, $rounds rounds (times in ms; per instance)"
echo " one instance, no cluster:"
start_instances 1 1 no one
python3 "$work/poll.py" "$backend_cmd" "$rounds" "$work/one.json" "$dns1"
stop_instances
echo " three instances, cluster mode on one etcd (sources 127.0.0.2/.3/.4):"
start_instances 3 1 yes three
python3 "$work/poll.py" "$backend_cmd" "$rounds" "$work/three.json" "$dns1,$dns2,$dns3" "http://127.0.0.1:$adm1"
stop_instances

# (b) traffic: counters from /api/cluster of every instance.
counters() {  # counters: "writes events" of each instance, comma-separated
    local i j w=() e=()
    for i in 1 2 3; do
        j=$(curl -sf "http://127.0.0.1:${adm[$((i - 1))]}/api/cluster")
        read -r a b < <(python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["etcdWrites"], d["etcdEvents"])' <<< "$j")
        w+=("$a"); e+=("$b")
    done
    (IFS=,; echo "${w[*]} ${e[*]}")
}
echo "(b) etcd traffic, three instances, $checks checks (each its own record set), interval $traffic_interval, steady ${steady}s, flap window ${flap}s"
python3 "$work/backend.py" "$backend_port" > /dev/null & backend=$!; pids+=($backend)
start_instances 3 "$checks" yes traffic
sleep 5  # every check probed, verdicts published and seen
read -r w0 e0 < <(counters); t0=$(date +%s%N)
sleep "$steady"
read -r w1 e1 < <(counters); t1=$(date +%s%N)
# What the flap writes, as etcd sees it: a watch on the prefix (etcd's JSON gateway) for the window.
curl -sN "http://127.0.0.1:$etcd_port/v3/watch" -d "{\"create_request\": {\"key\": \"$(printf "/bench-$checks/" | base64)\", \"range_end\": \"$(printf "/bench-${checks}0" | base64)\"}}" > "$work/watch.json" &
watcher=$!; pids+=($watcher)
sleep 0.3
kill -9 "$backend"; wait "$backend" 2>/dev/null || true
sleep $((flap / 2))
python3 "$work/backend.py" "$backend_port" > /dev/null & backend=$!; pids+=($backend)
sleep $((flap - flap / 2))
read -r w2 e2 < <(counters); t2=$(date +%s%N)
kill "$watcher"; wait "$watcher" 2>/dev/null || true
stop_instances
echo "  log lines naming etcd or the cluster during (b), per instance: $(grep -hciE 'etcd|cluster' "$work"/traffic-*.log | paste -sd' ')"
grep -hiE 'etcd|cluster' "$work"/traffic-*.log | head -5 | sed 's/^/    /' || true
kill "$backend"; wait "$backend" 2>/dev/null || true

python3 - "$work/one.json" "$work/three.json" "$checks" "$w0" "$e0" "$t0" "$w1" "$e1" "$t1" "$w2" "$e2" "$t2" "$work/watch.json" <<'PY'
import base64, collections, json, statistics, sys
one, three = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
checks = int(sys.argv[3])
v = [[int(x) for x in a.split(",")] for a in sys.argv[4:13]]
w0, e0, t0, w1, e1, t1, w2, e2, t2 = [x if len(x) > 1 else x[0] for x in v]
per = lambda a, b: ",".join(str(y - x) for x, y in zip(a, b))
def row(label, xs):
    xs = [x * 1000 for x in xs]
    print(f"  {label:<34} {statistics.median(xs):>8.0f} {max(xs):>8.0f}")
print()
print(f"  {'(a) time in ms, ' + str(len(one)) + ' rounds':<34} {'median':>8} {'max':>8}")
for kind in ("failover", "failback"):
    row(f"{kind}, one instance", [r[kind][0] for r in one])
    row(f"{kind}, 3 in cluster: first", [min(r[kind]) for r in three])
    row(f"{kind}, 3 in cluster: last", [max(r[kind]) for r in three])
    row(f"{kind}, 3 in cluster: spread", [max(r[kind]) - min(r[kind]) for r in three])
for kind in ("override", "cleared"):
    row(f"{kind} through instance 1: own", [r[kind][0] for r in three])
    row(f"{kind} through instance 1: last", [max(r[kind]) for r in three])
print()
print(f"  {'(b) etcd traffic, ' + str(checks) + ' checks x 3':<34} {'secs':>6} {'writes':>7} {'events':>7} {'writes/chk/s':>13} {'events/chk/s':>13}")
for label, a, b, ea, eb, dt in (("steady (backend up)", w0, w1, e0, e1, (t1 - t0) / 1e9), ("flap (backend down, up once)", w1, w2, e1, e2, (t2 - t1) / 1e9)):
    dw, de = sum(b) - sum(a), sum(eb) - sum(ea)
    print(f"  {label:<34} {dt:>6.1f} {dw:>7} {de:>7} {dw / checks / dt:>13.4f} {de / checks / dt:>13.4f}   per instance: writes {per(a, b)}, events {per(ea, eb)}")
print("  (writes and events summed over the three instances)")
seen = collections.Counter()
for line in open(sys.argv[13]):
    for ev in json.loads(line).get("result", {}).get("events", []):
        key = base64.b64decode(ev["kv"]["key"]).decode().split("/")
        value = json.loads(base64.b64decode(ev["kv"].get("value", "")) or "{}")
        seen[(key[2], key[-1] if key[2] == "verdicts" else "", ev.get("type", "PUT"), value.get("status", ""))] += 1
print(f"  keys written in the flap window, from an etcd watch on the prefix ({sum(seen.values())} in all):")
for (kind, loc, op, status), n in sorted(seen.items()):
    print(f"    {kind:<9} {loc:<6} {op:<6} {status:<10} {n:>5}")
changes = sum(n for (kind, _, op, _), n in seen.items() if kind == "verdicts" and op == "PUT")
if changes:
    print(f"  per verdict change in the flap window: {(sum(w2) - sum(w1)) / changes:.2f} writes, {(sum(e2) - sum(e1)) / changes:.2f} events"
          " (events: every instance hears every location's change, its own included)")
PY
