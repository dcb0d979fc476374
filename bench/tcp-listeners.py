#!/usr/bin/env python3
"""Accept-and-close TCP listeners on COUNT consecutive loopback ports from FIRST, for the
health-check scale benchmark. Runs until killed. Usage: tcp-listeners.py FIRST COUNT"""
import asyncio
import resource
import sys


async def main(first: int, count: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, count * 2 + 1024)), hard))

    async def close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    servers = [await asyncio.start_server(close, "127.0.0.1", port, backlog=64) for port in range(first, first + count)]
    print(f"listening on 127.0.0.1:{first}-{first + count - 1}", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
