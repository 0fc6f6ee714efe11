"""Where a page's build time goes: extraction, normalisation, language detection (in a
worker), storing and indexing (in the main process), each in ms of CPU per page.

    python bench/page_costs.py [--files 60] [--engine whoosh|tantivy]

Uses the first PDFs of the build benchmark's corpus (run bench/build_bench.py first) and
a throw-away data directory; every step runs in this one process, one after the other.
"""
import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indexer.extract import analyse_pdf, open_pdf, _page_texts   # noqa: E402
from indexer.index import IndexSession                           # noqa: E402
from indexer.ingest import Indexer                               # noqa: E402
from indexer.language import _factory, document_page_languages   # noqa: E402
from indexer.textnorm import normalise_pages                     # noqa: E402
from repo.files import sha256_of                                 # noqa: E402
from repo.models import Document, Event                          # noqa: E402
from repo.settings import Settings                               # noqa: E402

CORPUS = Path.home() / ".cache" / "minamata-bench" / "corpus" / "pdf"


def worker_side(files):
    """{step: seconds} and the page count of extracting, normalising and detecting."""
    spent = {"extract (pypdf)": 0.0, "normalise": 0.0, "detect languages": 0.0}
    pages = 0
    # A worker starts with langdetect's profiles loaded (by its fork server, once per
    # build): their loading is not a page's cost.
    _factory()
    for path in files:
        started = time.perf_counter()
        raw, _ = _page_texts(open_pdf(path))
        spent["extract (pypdf)"] += time.perf_counter() - started
        started = time.perf_counter()
        texts = normalise_pages(raw)
        spent["normalise"] += time.perf_counter() - started
        started = time.perf_counter()
        document_page_languages(texts)      # as analyse_pdf does: once per document
        spent["detect languages"] += time.perf_counter() - started
        pages += len(texts)
    return spent, pages


def main_side(files, engine=""):
    """{step: seconds} and the page count of storing and indexing analysed files."""
    kept = [(path, analyse_pdf(path)) for path in files]
    ix = Indexer(Settings.from_env(environ={}, data_dir=Path(tempfile.mkdtemp()) / "data",
                                   engine=engine))
    event = Event(id="bench", titles={"en": "Bench"}, city="Nairobi", country="KE",
                  region="africa", start="2020-01-01", end="2020-01-02")
    indexing = f"index ({ix.index.building_engine()})"
    spent = {"store (files, catalog)": 0.0, indexing: 0.0, "commit": 0.0}
    pages = 0
    with ix.repo.writing():
        ix.repo.put_event(event)
        session = IndexSession(ix.index)
        with session:
            for n, (path, result) in enumerate(kept):
                doc = Document(id=f"d{n}", event_id="bench", type="report", title=f"D{n}",
                               sha256=sha256_of(path), size=1, original_name="d.pdf",
                               page_count=result["page_count"],
                               detected_languages=result["languages"])
                started = time.perf_counter()
                ix.repo.add_document(doc, Path(path), result)
                spent["store (files, catalog)"] += time.perf_counter() - started
                started = time.perf_counter()
                session.add(ix.repo, doc)
                spent[indexing] += time.perf_counter() - started
                pages += result["page_count"]
            started = time.perf_counter()
        spent["commit"] = time.perf_counter() - started
    return spent, pages


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=60)
    ap.add_argument("--engine", default="", help="search engine (default: Whoosh)")
    args = ap.parse_args()
    files = sorted(CORPUS.rglob("*.pdf"))[:args.files]
    if not files:
        raise SystemExit(f"no PDFs under {CORPUS}: run bench/build_bench.py first")
    total = 0.0
    for side, (spent, pages) in (("worker", worker_side(files)),
                                   ("main", main_side(files, args.engine))):
        for step, seconds in spent.items():
            per_page = seconds / pages * 1000
            total += per_page
            print(f"{side:6} {step:24} {per_page:5.2f} ms/page")
    print(f"total  {'':24} {total:5.2f} ms of CPU per page: at most {2000 / total:.0f} "
          f"pages/s on 2 cores")


if __name__ == "__main__":
    main()
