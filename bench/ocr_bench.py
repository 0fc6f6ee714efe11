"""OCR: speed with 1 and 2 documents at once, word accuracy on clean and noisy scans, and
the time from an upload to its scanned pages being searchable.

    python bench/ocr_bench.py [--pages 50]

The scans are made here (scripts/corpus/scans.py) from the text of the shipped reports, so
the words that went in are known. "Distinctive words" are words of 5 letters or more; a
page scores the share of its distinctive words found in what OCR read (as a set: order and
line breaks do not count). Noisy scans are turned 2 degrees and speckled (1.2 specks per
thousand pixels).
"""
import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import unicodedata
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader                                     # noqa: E402

from indexer.ocr import ocr_availability, run_ocr               # noqa: E402
from scripts.corpus.scans import scanned_pdf                     # noqa: E402

LINES_PER_PAGE = 24
WORD = re.compile(r"[a-zà-ÿ]{5,}")


def source_lines():
    """Lines of about 55 characters from the shipped reports' text."""
    words = []
    for name in ("2019-hanoi-coal/workshop-report-en.pdf",
                 "2019-la-paz-trade/informe-taller-es.pdf",
                 "2019-osaka-waste/chair-summary-en.pdf"):
        for page in PdfReader(ROOT / "documents" / name).pages:
            # NFKC: the reports' ligature glyphs (ﬁ) as letters, as a printed page shows them.
            words += unicodedata.normalize("NFKC", page.extract_text() or "").split()
    lines, line = [], []
    for w in words:
        if sum(len(x) + 1 for x in line) + len(w) > 55:
            lines.append(" ".join(line))
            line = []
        line.append(w)
    return lines


def pages_of(lines, count, offset=0):
    """`count` pages of LINES_PER_PAGE lines, cycling through the source lines."""
    out = []
    for p in range(count):
        start = (offset + p * LINES_PER_PAGE) % max(1, len(lines) - LINES_PER_PAGE)
        out.append(lines[start:start + LINES_PER_PAGE])
    return out


def accuracy(pages, read):
    """Per page: share of its distinctive words that OCR gave back."""
    scores = []
    for lines, page in zip(pages, read):
        want = set(WORD.findall(" ".join(lines).lower()))
        got = set(WORD.findall(page.text.lower()))
        if want:
            scores.append(len(want & got) / len(want))
    return scores


def ocr_file(pdf, n, availability, work):
    return run_ocr(pdf, list(range(1, n + 1)), ["en", "es"], work, 3600, availability)[0]


def speed_and_accuracy(args, availability, tmp):
    lines = source_lines()
    per_file = 10
    files = args.pages // per_file
    results = {}
    for label, angle, noise in (("clean", 0.0, 0.0), ("noisy", 2.0, 1.2)):
        docs = []
        for i in range(files):
            pages = pages_of(lines, per_file, offset=i * 37 + (5 if noise else 0))
            pdf = tmp / f"{label}-{i}.pdf"
            scanned_pdf(pdf, pages, seed=100 + i, angle=angle, noise=noise)
            docs.append((pdf, pages))
        # One document at a time (one worker).
        started = time.perf_counter()
        scores = []
        for i, (pdf, pages) in enumerate(docs):
            scores += accuracy(pages, ocr_file(pdf, per_file, availability, tmp / f"w1-{label}-{i}"))
        one = time.perf_counter() - started
        # Two at once (two workers).
        started = time.perf_counter()
        queue = list(enumerate(docs))
        lock = threading.Lock()

        def work():
            while True:
                with lock:
                    if not queue:
                        return
                    i, (pdf, _pages) = queue.pop()
                ocr_file(pdf, per_file, availability, tmp / f"w2-{label}-{i}")
        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        two = time.perf_counter() - started
        n = files * per_file
        results[label] = {"pages": n, "pages_per_s_1_worker": round(n / one, 2),
                          "pages_per_s_2_workers": round(n / two, 2),
                          "speedup_2_vs_1": round(one / two, 2),
                          "distinctive_words_recovered_mean": round(statistics.mean(scores), 4),
                          "worst_page": round(min(scores), 4)}
    return results


def upload_to_searchable(tmp):
    """Seconds from `minamata add` of a 10-page scan to a search finding its last page."""
    data = tmp / "data"
    cli = [sys.executable, "-m", "minamata.cli", "--data", str(data)]
    subprocess.run(cli + ["index"], cwd=ROOT, check=True, capture_output=True)
    lines = source_lines()
    pages = pages_of(lines, 10, offset=11)
    pages[-1] = pages[-1] + ["zygomorphic quillwort"]      # words only its page 10 has
    pdf = tmp / "ten.pdf"
    scanned_pdf(pdf, pages, seed=7, angle=1.0, noise=0.6)
    worker = subprocess.Popen(cli + ["worker"], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        time.sleep(3)                                    # the worker is up and idle
        started = time.perf_counter()
        subprocess.run(cli + ["add", str(pdf), "--event", "2019-osaka-waste", "--type",
                              "other", "--title", "Ten scanned pages", "--language", "en"],
                       cwd=ROOT, check=True, capture_output=True)
        stored = time.perf_counter() - started
        while True:
            out = subprocess.run(cli + ["search", "zygomorphic quillwort", "--json"],
                                 cwd=ROOT, capture_output=True, text=True).stdout
            if json.loads(out)["total"]:
                break
            if time.perf_counter() - started > 600:
                raise SystemExit("not searchable after 600 s")
            time.sleep(0.25)
        return {"upload_returned_s": round(stored, 2),
                "scanned_pages_searchable_s": round(time.perf_counter() - started, 2)}
    finally:
        worker.terminate()
        worker.wait(10)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50, help="pages per kind (clean, noisy)")
    args = parser.parse_args()
    availability = ocr_availability()
    if not availability.ok:
        raise SystemExit(availability.describe())
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        report = {"tool": availability.version, **speed_and_accuracy(args, availability, tmp),
                  "ten_page_scan": upload_to_searchable(tmp)}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
