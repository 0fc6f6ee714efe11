"""Time from an upload request to the document being searchable, for a 20-page PDF.

    python bench/upload_latency.py [--runs 5]

Builds a throw-away data directory with documents/, a staff account, and posts 20-page
PDFs (different each run) to /staff/upload through the app, then searches for a word
only that PDF contains. Prints each run and the median.
"""
import argparse
import io
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fpdf import FPDF                              # noqa: E402

from bench.corpus import shipped_corpus_indexer    # noqa: E402
from repo.settings import Settings                 # noqa: E402
from webui import create_app                       # noqa: E402
from webui.settings import WebSettings             # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def twenty_pages(marker):
    pdf = FPDF()
    for n in range(20):
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 5, (f"Page {n + 1}. The national action plan on artisanal and "
                              "small-scale gold mining sets out strategies to reduce "
                              f"mercury use and releases. Reference {marker}. ") * 20)
    return bytes(pdf.output())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    data = Path(tempfile.mkdtemp(prefix="minamata-upload-"))
    try:
        settings = Settings.from_env(environ={}, data_dir=data)
        ix = shipped_corpus_indexer(data)
        ix.repo.accounts.add("bench", "benchmark password", "editor")
        client = create_app(WebSettings(store=settings)).test_client()
        token = lambda path="/staff/upload": re.search(                    # noqa: E731
            r'name="csrf_token" value="([^"]+)"',
            client.get(path).get_data(as_text=True)).group(1)
        client.post("/staff/sign-in", data={"name": "bench", "password": "benchmark password",
                                            "csrf_token": token("/staff/sign-in")})
        times = []
        for run in range(args.runs):
            marker = f"zq{run}x{int(time.time())}"
            body = {"csrf_token": token(), "event": "2019-osaka-waste", "type": "report",
                    "status": "published", "files": [(io.BytesIO(twenty_pages(marker)), "r.pdf")]}
            started = time.perf_counter()
            r = client.post("/staff/upload", data=body, content_type="multipart/form-data")
            found = client.get(f"/api/search?q={marker}").get_json()["total"]
            elapsed = time.perf_counter() - started
            assert r.status_code == 200 and found == 1, (r.status_code, found)
            times.append(elapsed)
            print(f"run {run + 1}: upload to searchable in {elapsed:.2f} s")
        print(f"median {statistics.median(times):.2f} s, max {max(times):.2f} s "
              f"(20-page PDF, {args.runs} runs)")
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
