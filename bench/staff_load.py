"""Uploads under load: officers uploading while 8 delegates search, on loopback.

    python bench/staff_load.py [--seconds 60] [--uploaders 4] [--searchers 8]
    python bench/staff_load.py --uploaders 20 --compare    (target: search p95 with the
                                                            uploads <= 2x without them)

Serves a throw-away copy of documents/ with `minamata serve` (gunicorn, 2 processes),
creates a staff account, then runs the uploaders (each a signed-in session posting
3-page PDFs with a unique word, one after another) and the searchers side by side. At the
end it checks that every accepted upload is searchable and counts errors. Bounded in time.
"""
import argparse
import http.client
import io
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

from fpdf import FPDF

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.web_load import wait_for  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "benchmark password"


def _pdf(marker):
    pdf = FPDF()
    for n in range(3):
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 5, f"Page {n + 1}. Interim storage of mercury, {marker}. " * 30)
    return bytes(pdf.output())


class Session:
    """A cookie-keeping HTTP client for one officer."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";")[0]
        return response.status, data.decode("utf-8", "replace")

    def token(self, path):
        _, html = self.request("GET", path)
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _multipart(fields, file_name, content):
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                  f"{value}\r\n".encode())
    out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
              f'filename="{file_name}"\r\nContent-Type: application/pdf\r\n\r\n'.encode())
    out.write(content + b"\r\n" + f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def signed_in(port):
    """A session signed in as the bench officer (one after another: the sign-in limits
    count simultaneous attempts of one account from one address)."""
    s = Session(port)
    s.request("POST", "/staff/sign-in", urlencode({
        "name": "bench", "password": PASSWORD, "csrf_token": s.token("/staff/sign-in")}),
        {"Content-Type": "application/x-www-form-urlencoded"})
    return s


def uploader(s, deadline, results, pdfs):
    while time.monotonic() < deadline and pdfs:
        marker, content = pdfs.pop()
        body, kind = _multipart({"csrf_token": s.token("/staff/upload"),
                                 "event": "2019-osaka-waste", "type": "other",
                                 "status": "published"}, f"{marker}.pdf", content)
        started = time.perf_counter()
        status, html = s.request("POST", "/staff/upload", body, {"Content-Type": kind})
        results.append((marker, status, time.perf_counter() - started,
                        "added as" in html))
        if status == 503:
            pdfs.append((marker, content))     # not stored: the same file again later
            time.sleep(1.0)          # busy: the server said to come back (Retry-After)


def searcher(port, deadline, latencies, errors):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    rng = random.Random()
    while time.monotonic() < deadline:
        q = rng.choice(["mercury", "coal", "interim storage", "comercio", "déchets", "hanoi"])
        started = time.perf_counter()
        conn.request("GET", "/?" + urlencode({"q": q}))
        response = conn.getresponse()
        response.read()
        if response.status == 200:
            latencies.append(time.perf_counter() - started)
        else:
            errors.append(response.status)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--uploaders", type=int, default=4)
    ap.add_argument("--searchers", type=int, default=8)
    ap.add_argument("--compare", action="store_true",
                    help="first the searchers alone, then with the uploaders")
    args = ap.parse_args()
    data = Path(tempfile.mkdtemp(prefix="minamata-staff-load-"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cli = [sys.executable, "-m", "minamata.cli", "--data", str(data)]
    subprocess.run(cli + ["user", "add", "bench", "--role", "editor"], input=PASSWORD + "\n",
                   text=True, check=True, capture_output=True, cwd=ROOT)
    log = open(data.parent / f"{data.name}.log", "w")
    server = subprocess.Popen(cli + ["serve", "--port", str(port)], cwd=ROOT,
                              stdout=log, stderr=subprocess.STDOUT)
    print(f"server log: {log.name}")
    try:
        wait_for(port, 120)
        if args.compare:
            alone, errors = [], []
            deadline = time.monotonic() + args.seconds
            threads = [threading.Thread(target=searcher, args=(port, deadline, alone, errors))
                       for _ in range(args.searchers)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(args.seconds + 60)
            alone.sort()
            baseline = alone[int(len(alone) * 0.95) - 1]
            print(f"searches alone: {len(alone)} ({len(errors)} errors), p50 "
                  f"{statistics.median(alone) * 1000:.0f} ms, p95 {baseline * 1000:.0f} ms")
        uploads, latencies, errors = [], [], []
        # Made before the clock starts: the load generator's own PDF making would take
        # the CPU the server is measured on.
        markers = ["m" + uuid.uuid4().hex[:10] for _ in range(int(args.seconds) * 4)]
        pdfs = [(m, _pdf(m)) for m in markers]
        sessions = [signed_in(port) for _ in range(args.uploaders)]
        deadline = time.monotonic() + args.seconds
        threads = [threading.Thread(target=uploader, args=(s, deadline, uploads, pdfs))
                   for s in sessions]
        threads += [threading.Thread(target=searcher, args=(port, deadline, latencies, errors))
                    for _ in range(args.searchers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(args.seconds + 180)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        missing = 0
        for marker, status, _, added in uploads:
            conn.request("GET", "/api/search?" + urlencode({"q": marker}))
            found = conn.getresponse().read().count(marker.encode()) > 0
            missing += added and not found
        busy = sum(1 for _, status, _, _ in uploads if status == 503)
        failed = sum(1 for _, status, _, added in uploads
                     if status != 503 and (status != 200 or not added))
        up_times = sorted(t for _, status, t, _ in uploads if status != 503)
        latencies.sort()
        print(f"{len(uploads) - busy} uploads ({failed} failed, {missing} not searchable "
              f"after; {busy} answers 'busy, retry'), "
              f"upload p50 {statistics.median(up_times):.2f} s, max {up_times[-1]:.2f} s; "
              f"{len(latencies)} searches ({len(errors)} errors {sorted(set(errors))}), p50 "
              f"{statistics.median(latencies) * 1000:.0f} ms, p95 "
              f"{latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} ms, in {args.seconds:.0f} s")
        if args.compare:
            ratio = latencies[int(len(latencies) * 0.95) - 1] / baseline
            print(f"search p95 with {args.uploaders} uploaders / alone: {ratio:.2f}x "
                  f"(target <= 2x)")
    finally:
        server.terminate()
        server.wait(15)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
