"""Load test of the web UI on loopback: 8 concurrent clients running typical searches.

    python bench/web_load.py [--requests 800] [--seconds 60] [--clients 8]

Uses the build benchmark's 2,000-document data directory (run bench/build_bench.py
first), adds the shipped documents/ to it, serves it with `minamata serve` (waitress) on
127.0.0.1, and reports searches per second and p50/p95 latency of the HTML search page.
Bounded in count and time; it stops by itself.
"""
import argparse
import http.client
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
QUERIES = [
    {"q": "mercury"}, {"q": "coal combustion"}, {"q": "\"interim storage\""},
    {"q": "déchets"}, {"q": "mercurio aduanas"}, {"q": "emiss*"},
    {"q": "trade", "language": "en"}, {"q": "inventory", "type": "report"},
    {"q": "amalgam", "region": "africa"}, {"q": "hanoi"}, {"q": "capacity building"},
    {"q": "waste", "year": "2019"}, {"q": ""}, {"q": "customs", "sort": "date"},
    {"q": "mercury", "page": "2"}, {"q": "laboratoire formation"},
]


def _free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, seconds=30):
    """Return once something listens on 127.0.0.1:port (or give up after `seconds`)."""
    import socket
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"the server did not listen on port {port} within {seconds} s")


def _client(port, deadline, budget, lock, times, errors):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    rng = random.Random(threading.get_ident())
    while time.monotonic() < deadline:
        with lock:
            if budget[0] <= 0:
                break
            budget[0] -= 1
        path = "/?" + urlencode(rng.choice(QUERIES))
        started = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            (times if ok else errors).append(elapsed)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=800)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--data", default=str(Path.home() / ".cache" / "minamata-bench" / "data-full"))
    args = ap.parse_args()
    port = _free_port()
    cmd = [sys.executable, "-m", "minamata.cli", "--data", args.data, "serve", "--port",
           str(port), "--threads", "4"]
    server = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        for line in server.stdout:                      # wait until it serves
            if "Serving" in line:
                break
        wait_for(port)
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for params in QUERIES:
            warm.request("GET", "/?" + urlencode(params))
            warm.getresponse().read()
        times, errors, lock = [], [], threading.Lock()
        budget = [args.requests]
        deadline = time.monotonic() + args.seconds
        started = time.perf_counter()
        threads = [threading.Thread(target=_client, args=(port, deadline, budget, lock, times,
                                                          errors)) for _ in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(10)
    times.sort()
    print(f"{len(times)} searches, {len(errors)} errors in {wall:.1f} s with {args.clients} "
          f"clients: {len(times) / wall:.1f} searches/s, p50 {statistics.median(times):.0f} ms, "
          f"p95 {times[int(len(times) * 0.95) - 1]:.0f} ms")


if __name__ == "__main__":
    main()
