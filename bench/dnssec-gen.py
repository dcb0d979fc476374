#!/usr/bin/env python3
"""Inputs of bench/dnssec.sh, every config in an unsigned and a signed form that differ only in dnssec:
  dnssec-gen.py sample SRC_YAML DIR PORT          the sample config, on PORT, transferable
  dnssec-gen.py large DIR RECORDS SETS PORT THREADS
      DIR/plain.zone (RECORDS records, plus the SETS failover names as plain A records) and
      DIR/failover.zone (RECORDS records) with SETS failover sets in the YAML; DIR/queries.txt
"""
import random
import re
import sys


def sample(src, out_dir, port):
    text = open(src, encoding="utf-8").read()
    # Loopback on our port only, admin API on a free port: another instance may be running.
    text = text.replace("127.0.0.1:5300", f"127.0.0.1:{port}").replace('  - "[::1]:5300"\n', "")
    text = text.replace("listen: 127.0.0.1:8053", 'listen: "127.0.0.1:0"')
    for signed in (False, True):
        extra = "    transfer: { allow: [127.0.0.1] }\n" + ("    dnssec: on\n" if signed else "")
        # After each zone's name line: list entries indented by two with a name, below "zones:".
        top, zones = text.split("\nzones:\n", 1)
        out = top + "\nzones:\n" + re.sub(r"(?m)^(  - name: .*\n)", lambda m: m.group(1) + extra, zones)
        open(f"{out_dir}/sample-{'signed' if signed else 'unsigned'}.yaml", "w", encoding="utf-8").write(out)


def large(out_dir, records, sets, port, threads):
    head = ("$ORIGIN example.test.\n$TTL 300\n"
            "@ IN SOA ns1.example.test. hostmaster.example.test. 2026120101 3600 900 1209600 300\n"
            "@ IN NS ns1.example.test.\nns1 IN A 192.0.2.53\n*.wild IN A 192.0.2.80\n")
    # Four in five names have an A, the first fifth also an AAAA (the rest of the A names give NODATA).
    names_a = records * 4 // 5
    names_aaaa = records - names_a
    body = "".join(f"h{i} IN A 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}\n" for i in range(names_a))
    body += "".join(f"h{i} IN AAAA 2001:db8::{i >> 16:x}:{i & 0xffff:x}\n" for i in range(names_aaaa))
    primary = lambda i: f"10.255.{i >> 8 & 255}.{i & 255}"
    open(f"{out_dir}/failover.zone", "w").write(head + body)
    open(f"{out_dir}/plain.zone", "w").write(head + body + "".join(f"fo{i} IN A {primary(i)}\n" for i in range(sets)))

    fo = "".join(
        f"      - {{ name: fo{i}, type: A, ttl: 60, primary: {{ value: {primary(i)}, healthCheck: up }}, "
        f"secondary: {{ value: 10.254.{i >> 8 & 255}.{i & 255} }}{', whenAllUnhealthy: nodata' if i % 4 == 0 else ''} }}\n"
        for i in range(sets))
    for kind in ("plain", "failover"):
        for signed in (False, True):
            conf = f"""listen: [127.0.0.1:{port}]
server: {{ udpWorkers: {threads} }}
admin: {{ listen: "127.0.0.1:0" }}
logging: {{ level: Warning }}
# Always healthy, never probed: the primary is served and transferred, as Knot will serve it.
healthChecks:
  - {{ name: up, type: tcp, target: 127.0.0.1, port: 9, disabled: true }}
zones:
  - name: example.test
    file: {kind}.zone
    transfer: {{ allow: [127.0.0.1] }}
"""
            if signed:
                conf += "    dnssec: on\n"
            if kind == "failover":
                conf += "    failover:\n" + fo
            open(f"{out_dir}/{kind}-{'signed' if signed else 'unsigned'}.yaml", "w").write(conf)

    # The peer benchmark's mix: positive, NODATA, NXDOMAIN, wildcard and failover names.
    rnd = random.Random(53)
    mix = [(40, lambda: f"h{rnd.randrange(names_a)}.example.test A"),
           (10, lambda: f"h{rnd.randrange(names_aaaa)}.example.test AAAA"),
           (10, lambda: f"h{rnd.randrange(names_aaaa, names_a)}.example.test AAAA"),
           (15, lambda: f"nx{rnd.randrange(1 << 30)}.example.test A"),
           (10, lambda: f"w{rnd.randrange(1 << 30)}.wild.example.test A"),
           (15, lambda: f"fo{rnd.randrange(sets)}.example.test A")]
    pick = [make for weight, make in mix for _ in range(weight)]
    open(f"{out_dir}/queries.txt", "w").write("".join(rnd.choice(pick)() + "\n" for _ in range(100_000)))


if __name__ == "__main__":
    if sys.argv[1] == "sample":
        sample(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        large(sys.argv[2], *map(int, sys.argv[3:7]))
