#!/usr/bin/env python3
"""Issue 12's attacks on a published FailoverDns on loopback, re-run: for each, what was sent, what the
server did, and how long a fresh query took meanwhile. Run by bench/hostile.sh, which publishes first.
    python3 bench/hostile.py DLL
Prints one table row per attack; exits 1 when the server stopped answering or a secret leaked."""
import json, os, socket, struct, subprocess, sys, tempfile, threading, time, urllib.error, urllib.request

DLL = sys.argv[1]
TOKEN = "hostile-admin-token-0123456789"
WORK = tempfile.mkdtemp(prefix="failoverdns-hostile.")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


DNS, ADMIN = free_port(), free_port()
ZONE = """$ORIGIN example.test.
$TTL 300
@ SOA ns1 hostmaster 1 3600 600 86400 300
@ NS ns1
ns1 A 192.0.2.53
www A 192.0.2.1
@ MX 10 mail1
@ MX 20 mail2
@ MX 30 mail3
mail1 A 192.0.2.25
mail2 A 192.0.2.26
mail3 A 192.0.2.27
""" + "".join(f'big TXT "{i}{"x" * 250}"\n' for i in range(10))


def config(zone_file, outside=False):
    return f"""listen: [127.0.0.1:{DNS}]
server: {{ tcpMaxConnections: 50, rateLimit: {{ whitelist: [] }} }}
admin: {{ listen: "127.0.0.1:{ADMIN}", token: {TOKEN} }}
logging: {{ level: Information }}
files: {{ allowOutsideConfigDirectory: {str(outside).lower()} }}
healthChecks:
  - {{ name: web, type: tcp, target: 127.0.0.1, port: {free_port()}, interval: 1s }}
zones:
  - name: example.test
    file: {zone_file}
    failover:
      - {{ name: app, type: A, primary: {{ value: 10.0.0.1, healthCheck: web }}, secondary: {{ value: 10.0.1.1 }} }}
"""


def write(name, text):
    with open(os.path.join(WORK, name), "w") as f:
        f.write(text)


def query(name, qtype=1, tcp=False, source="127.0.0.1", timeout=3.0):
    """One query; returns (seconds, reply length) or (seconds, None) when none came."""
    labels = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    msg = struct.pack(">HHHHHH", 0x1234, 0, 1, 0, 0, 0) + labels + struct.pack(">HH", qtype, 1)
    start = time.monotonic()
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM) as s:
            s.settimeout(timeout)
            s.bind((source, 0))
            s.connect(("127.0.0.1", DNS))
            if tcp:
                s.sendall(struct.pack(">H", len(msg)) + msg)
                size = struct.unpack(">H", recv_exactly(s, 2))[0]
                reply = recv_exactly(s, size)
            else:
                s.send(msg)
                reply = s.recv(65535)
        return time.monotonic() - start, len(reply)
    except OSError:
        return time.monotonic() - start, None


def recv_exactly(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


class Fresh:
    """Fresh TCP queries every 100 ms while an attack runs (TCP: what a resolver retries a truncated answer with)."""

    def __init__(self):
        self.times, self.failed, self._stop = [], 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            took, size = query("www.example.test", tcp=True, source="127.0.0.9")
            if size is None:
                self.failed += 1
            self.times.append(took)
            self._stop.wait(0.1)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_):
        self._stop.set()
        self._thread.join()

    def __str__(self):
        t = sorted(self.times)
        return f"{len(t)} asked, {self.failed} unanswered, median {t[len(t) // 2] * 1000:.1f} ms, slowest {t[-1] * 1000:.1f} ms" if t else "none asked"


def admin(method, path, body=None, headers=None, token=True, limit=300):
    request = urllib.request.Request(f"http://127.0.0.1:{ADMIN}{path}", data=body, method=method, headers=headers or {})
    if token:
        request.add_header("Authorization", f"Bearer {TOKEN}")
    if body is not None and "Content-Type" not in (headers or {}):
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def reload():
    start = time.monotonic()
    status, body = admin("POST", "/api/reload")
    return status, body, time.monotonic() - start


def rss(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmRSS"))


def log_lines():
    with open(os.path.join(WORK, "server.log"), errors="replace") as f:
        return sum(1 for _ in f)


def short(body, n=110):
    text = body.decode(errors="replace") if isinstance(body, bytes) else body
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n] + "…"


broken = False


def row(attack, did, fresh):
    print(f"- {attack}: {did} | fresh queries: {fresh}", flush=True)


write("zone.db", ZONE)
write("failoverdns.yaml", config("zone.db"))
log = open(os.path.join(WORK, "server.log"), "w")
server = subprocess.Popen(["dotnet", DLL, "--config", os.path.join(WORK, "failoverdns.yaml")], stdout=log, stderr=subprocess.STDOUT,
                          env={**os.environ, "HOSTILE_SECRET": "env-secret-that-must-not-leak"})
try:
    for _ in range(300):
        if query("www.example.test", timeout=0.2)[1]:
            break
        time.sleep(0.1)
    else:
        sys.exit("the server did not start: " + open(os.path.join(WORK, "server.log")).read()[-2000:])

    # A zone file that never ends, and one that never delivers.
    write("failoverdns.yaml", config("/dev/zero", outside=True))
    before = rss(server.pid)
    with Fresh() as fresh:
        status, body, took = reload()
    row("`file: /dev/zero`, reload", f"{status} after {took:.2f} s: {short(json.loads(body).get('errors', [body.decode()])[0] if status != 200 else body)}; RSS {before} → {rss(server.pid)} MiB", fresh)
    os.mkfifo(os.path.join(WORK, "zone.fifo"))
    write("failoverdns.yaml", config("zone.fifo"))
    with Fresh() as fresh:
        status, body, took = reload()
    write("failoverdns.yaml", config("zone.db"))
    after = reload()
    row("`file:` a FIFO nobody writes, reload", f"{status} after {took:.1f} s: {short(json.loads(body)['errors'][0])}; the next reload: {after[0]} after {after[2]:.2f} s", fresh)

    # Secrets through error text.
    write("zone.db", ZONE + "$INCLUDE /proc/self/environ\n")
    status, body, _ = reload()
    ready = admin("GET", "/readyz", token=False)[1]
    leaked = any(secret.encode() in text for secret in (TOKEN, "env-secret-that-must-not-leak") for text in (body, ready))
    broken |= leaked
    row("`$INCLUDE /proc/self/environ`, reload", f"{status}: {short(json.loads(body)['errors'][0])}; /readyz without the token: {short(ready, 90)}; a secret quoted anywhere: {'YES' if leaked else 'no'}", "-")
    write("zone.db", ZONE + "www TXT \"" + TOKEN + "\" 3 ( broken\n")
    status, body, _ = reload()
    leaked = TOKEN.encode() in body
    broken |= leaked
    row("a bad zone line holding the token, reload", f"{status}: {short(json.loads(body)['errors'][0], 140)}; the token quoted: {'YES' if leaked else 'no'}", "-")

    # A million bad lines.
    write("zone.db", ZONE + "bad line here\n" * 1_000_000)
    lines = log_lines()
    with Fresh() as fresh:
        status, body, took = reload()
    ready = admin("GET", "/readyz", token=False)[1]
    row("zone file with 1,000,000 bad lines, reload", f"{status} after {took:.1f} s, {len(body):,} bytes ({len(json.loads(body)['errors'])} errors listed, the last: {short(json.loads(body)['errors'][-1], 60)}); /readyz {len(ready)} bytes; {log_lines() - lines} log lines", fresh)
    write("zone.db", ZONE)
    reload()

    # The admin API.
    # Only the headers of a 20 MB body: the server answers before reading it.
    with socket.create_connection(("127.0.0.1", ADMIN), timeout=10) as s:
        s.sendall(f"PUT /api/health-checks/web/override HTTP/1.1\r\nHost: 127.0.0.1:{ADMIN}\r\nAuthorization: Bearer {TOKEN}\r\n"
                  f"Content-Type: application/json\r\nContent-Length: 20000030\r\n\r\n{{\"state\": \"unhealthy\", \"reason\": \"xxxx".encode())
        head, body = s.recv(65535).split(b"\r\n\r\n", 1)
    row("override with a 20 MB reason", f"{head.split(b' ')[1].decode()}: {short(body)}", "-")
    status, body = admin("PUT", "/api/health-checks/web/override", json.dumps({"state": "unhealthy", "reason": "drill\n[00:00:00 INF] forged"}).encode())
    row("override reason with a newline", f"{status}: {short(body)}", "-")
    status, body = admin("PUT", "/api/health-checks/web/override", json.dumps({"state": "unhealthy", "until": "9999-12-31T00:00:00Z"}).encode())
    row("override until 9999", f"{status}: {short(body)}", "-")
    status, body = admin("PUT", "/api/health-checks/web/override", b"{not json", )
    row("override with broken JSON", f"{status}: {short(body)}", "-")
    status, body = admin("PUT", "/api/health-checks/web/override", b"state=unhealthy", {"Content-Type": "text/plain"})
    row("override as text/plain", f"{status}: {short(body)}", "-")
    status, body = admin("GET", "/api/health-checks", headers={"Host": "attacker.example"})
    row("`Host: attacker.example` (DNS rebinding)", f"{status}: {short(body)}", "-")

    # Fifty clients from fifty addresses holding every TCP slot (tcpMaxConnections: 50), with the default deadlines.
    big = b"\x12\x34\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03big\x07example\x04test\x00\x00\x10\x00\x01"
    for attack in ("trickle", "pipeline"):
        stop, opened = threading.Event(), [0]

        def attacker(i):
            while not stop.is_set():
                try:
                    with socket.socket() as s:
                        s.bind((f"127.0.1.{i + 10}", 0))
                        s.settimeout(1)
                        s.connect(("127.0.0.1", DNS))
                        opened[0] += 1
                        if attack == "trickle":
                            s.sendall(b"\xff\xff")  # a 65535-byte message, one byte every 100 ms
                            while not stop.wait(0.1):
                                s.sendall(b"x")
                        else:
                            batch = (struct.pack(">H", len(big)) + big) * 20  # never a reply read
                            while not stop.is_set():
                                try:
                                    s.sendall(batch)
                                except socket.timeout:
                                    pass
                except OSError:
                    pass  # closed by the server: back at once

        threads = [threading.Thread(target=attacker, args=(i,), daemon=True) for i in range(50)]
        for t in threads:
            t.start()
        time.sleep(1)
        with Fresh() as fresh:
            time.sleep(12)
        stop.set()
        for t in threads:
            t.join()
        row(f"50 TCP clients {'trickling a 65535-byte message a byte every 100 ms' if attack == 'trickle' else 'pipelining queries for a 2.7 KB answer, never reading'}, 13 s",
            f"{opened[0]} connections opened (closed by the deadlines or evicted when the table was full)", fresh)

    # TCP connections refused by the per-client limit, as fast as they come, for 4 s.
    lines = log_lines()
    held, opened, deadline = [], 0, time.monotonic() + 4
    with Fresh() as fresh:
        while time.monotonic() < deadline:
            try:
                s = socket.create_connection(("127.0.0.1", DNS), timeout=1)
                opened += 1
                if len(held) < 25:
                    held.append(s)
                else:
                    s.close()
            except OSError:
                pass
    for s in held:
        s.close()
    metrics = admin("GET", "/metrics")[1].decode()
    refused = sum(float(line.split()[-1]) for line in metrics.splitlines() if line.startswith("failoverdns_dns_tcp_connections_closed_total") and "per_client_limit" in line)
    row(f"{opened:,} TCP connections from one address in 4 s (25 held)", f"{refused:,.0f} refused by the per-client limit (counted in the metric); {log_lines() - lines} log lines", fresh)

    # Reflection: identical MX queries from one (non-whitelisted) address, as fast as they go.
    mx = b"\x12\x34\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07example\x04test\x00\x00\x0f\x00\x01"
    sent, received, replies = 20_000, 0, 0
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s, Fresh() as fresh:
        s.bind(("127.0.0.1", 0))
        s.setblocking(False)
        start = time.monotonic()
        for i in range(sent):
            s.sendto(mx, ("127.0.0.1", DNS))
            if i % 50 == 0:
                time.sleep(0.001)
        s.settimeout(0.5)
        try:
            while True:
                data = s.recv(65535)
                received += len(data)
                replies += 1
        except OSError:
            pass
        other = query("example.test", qtype=15, source="127.0.1.1")
    row(f"{sent:,} identical MX queries from one address in {time.monotonic() - start - 0.5:.1f} s ({sent * len(mx):,} bytes)", f"{replies:,} replies, {received:,} bytes back ({received / (sent * len(mx)):.2f}× what was sent); another prefix's MX query: {'answered' if other[1] else 'UNANSWERED'}", fresh)

    alive = query("www.example.test")[1] is not None and server.poll() is None
    broken |= not alive
    print(f"still answering at the end: {'yes' if alive else 'NO'}; RSS {rss(server.pid) if server.poll() is None else 0} MiB")
finally:
    server.terminate()
    server.wait(15)

    # A busy admin port, and an address it cannot bind.
    with socket.socket() as busy:
        busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        busy.bind(("127.0.0.1", ADMIN))
        busy.listen()
        for admin_listen in (f"127.0.0.1:{ADMIN}", f"[::ffff:127.0.0.1]:{free_port()}"):
            run = subprocess.run(["dotnet", DLL, "--config", os.path.join(WORK, "failoverdns.yaml"), "--admin-listen", admin_listen],
                                 capture_output=True, text=True, timeout=60)
            out = [line for line in (run.stdout + run.stderr).splitlines() if line.strip()]
            row(f"admin on {admin_listen} ({'busy' if '::ffff' not in admin_listen else 'IPv4-mapped'})", f"exit {run.returncode}, {len(out)} line(s): {short(out[-1] if out else '', 130)}", "-")
sys.exit(1 if broken else 0)
