"""A large repository for scale benchmarks, made from text alone (no PDF is drawn or read).

    python bench/scale_data.py OUT [--docs 10000] [--pages 10]

Writes a data directory of `docs` documents of `pages` pages each (10,000 x 10 = 100,000
pages) through our own Repository: the same events, types, languages and pseudo-text as
bench/corpus.py's PDFs, kept as extracted text, each "PDF" a small placeholder file (its
hash makes it unique). Then build and measure it as any data directory:

    minamata --data OUT index --rebuild --engine whoosh     (or tantivy)
    python bench/search_bench.py OUT

The placeholders are not PDFs: `minamata check` would report them, and nothing may
re-extract them. It is a bench fixture, made once (a second run reuses OUT).
"""
import argparse
import hashlib
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import COUNTRIES, REGIONS, TYPES, paragraph   # noqa: E402
from repo.models import Document, Event                         # noqa: E402
from repo.settings import Settings                              # noqa: E402
from repo.store import Repository                               # noqa: E402

EVENTS = 50


def events():
    """The bench corpus's events."""
    rng = random.Random(2019)
    out = []
    for i in range(EVENTS):
        year = 2018 + i % 8
        out.append(Event(id=f"bench-{i:03d}", titles={"en": f"Benchmark workshop {i}"},
                         city=f"City {i}", country=COUNTRIES[i % len(COUNTRIES)],
                         region=REGIONS[i % len(REGIONS)], start=f"{year}-0{1 + i % 9}-10",
                         end=f"{year}-0{1 + i % 9}-12", topics=rng.sample(
                             ["emissions", "trade", "waste", "ASGM", "BAT/BEP", "inventory"],
                             2)))
    return out


def kept_text(rng, lang, pages):
    """What extraction would keep of a document in `lang`: its pages' text and languages."""
    texts = ["\n\n".join(paragraph(rng, lang) for _ in range(5)) for _ in range(pages)]
    return {"extractor": "bench-text", "page_count": pages, "languages": [lang],
            "pages": [{"text": t, "languages": [lang]} for t in texts],
            "text_status": "ok", "failed_pages": [], "unreadable_pages": [],
            "pdf_title": "", "first_line": ""}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--pages", type=int, default=10)
    args = ap.parse_args()
    repo = Repository(Settings.from_env(environ={}, data_dir=Path(args.out)))
    for event in events():
        if not repo.has_event(event.id):
            repo.put_event(event)
    have = {d.id for d in repo.documents()}
    with tempfile.TemporaryDirectory() as tmp, repo.writing():
        placeholder = Path(tmp) / "placeholder.pdf"
        for d in range(args.docs):
            doc_id = f"bench-doc-{d:06d}"
            if doc_id in have:
                continue
            lang = ("en", "en", "fr", "es")[d % 4]
            content = f"%PDF-1.4 placeholder of {doc_id}\n".encode()
            placeholder.write_bytes(content)
            doc = Document(id=doc_id, event_id=f"bench-{d % EVENTS:03d}",
                           type=TYPES[d % len(TYPES)], title=f"Benchmark document {d}",
                           sha256=hashlib.sha256(content).hexdigest(), size=len(content),
                           original_name=f"{doc_id}.pdf", page_count=args.pages,
                           declared_language=lang, detected_languages=[lang],
                           origin="manifest:bench-scale", added_by="bench")
            repo.add_document(doc, placeholder, kept_text(random.Random(d), lang, args.pages))
            if d % 1000 == 999:
                print(f"{d + 1} documents", flush=True)
    print(f"{len(repo.documents())} documents in {args.out}")
    repo.close()


if __name__ == "__main__":
    main()
