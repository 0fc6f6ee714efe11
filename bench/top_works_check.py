"""The tantivy engine's own top works against scoring every match, on a built directory.

    python bench/top_works_check.py DATA_DIR [--queries 200] [--long-native-from N]

DATA_DIR must hold a tantivy index (`minamata --data DIR index --rebuild --engine
tantivy`). Runs the same mixed searches (engine_bench's queries plus operators, phrases,
prefixes, a long question and the build benchmark's twelve 12-18 word questions; facet filters, pages 1-5, drafts shown or not, preferred
languages) twice: with TantivyView.top_works, then with the facade scoring every match,
and counts the pages that differ in anything (total, hits, scores, pages, snippets,
facets, the download's ids, the suggestion); target 0. Then times both ways, 1-3 words,
questions and the long questions apart. `--long-native-from N` ranks long questions
natively from N entries (tantivy_engine.LONG_NATIVE_FROM; 0: at every size), to measure
where that pays.
"""
import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.build_bench import QUESTIONS as LONG_QUESTIONS      # noqa: E402
from bench.engine_bench import QUESTIONS, p, queries, timed   # noqa: E402
from indexer.engines import tantivy_engine                      # noqa: E402
from indexer.ingest import Indexer                              # noqa: E402
from indexer.search import SearchService                        # noqa: E402
from repo.settings import Settings                              # noqa: E402

EXTRA = ["mercury -coal", '"coal power"', "mercur*", "+mercury coal china", "type:report mercury",
         "zzzqqq", "mercury OR coal", "artisanal gold mining in africa and asia trade"]
LONG = [q for q, _ in LONG_QUESTIONS]
FILTERS = [{}, {"language": ["en"]}, {"type": ["report"], "region": ["africa"]},
           {"language": ["fr", "es"], "year": ["2019"]}]


def page(service, case):
    """Everything a results page shows of one search."""
    q, filters, number, drafts, prefer = case
    r = service.search(q, filters=filters, page=number, include_unpublished=drafts,
                       prefer_languages=prefer, ids_up_to=30)
    return (r.total, r.page, [(h.id, h.score, tuple(h.pages), h.snippet) for h in r.hits],
            {k: [(v.value, v.count, v.selected) for v in vs] for k, vs in r.facets.items()},
            r.first_ids, r.suggestion)


def main():
    """Check, then time."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--long-native-from", type=int, default=tantivy_engine.LONG_NATIVE_FROM)
    args = ap.parse_args()
    tantivy_engine.LONG_NATIVE_FROM = args.long_native_from
    ix = Indexer(Settings.from_env(environ={}, data_dir=Path(args.data), workers=1))
    service = SearchService(ix.index)
    if service.engine != "tantivy":
        sys.exit(f"{args.data}: its live index is a {service.engine} index")
    rng = random.Random(1)
    cases = [(q, rng.choice(FILTERS), rng.choice([1, 1, 2, 5]), rng.random() < 0.3,
              rng.choice([(), ("fr",), ("es", "en")]))
             for q in queries(args.queries, seed=3) + EXTRA + LONG]
    own = tantivy_engine.TantivyView.top_works
    native = [page(service, c) for c in cases]
    tantivy_engine.TantivyView.top_works = lambda *a: None
    every = [page(service, c) for c in cases]
    differ = [c for c, a, b in zip(cases, native, every) if a != b]
    print(f"{len(cases)} searches, {len(differ)} pages differ (target 0)")
    for case in differ[:5]:
        print("  differs:", case)
    words = [q for q in queries(100) if q not in QUESTIONS]
    questions = [q for q in queries(100) if q in QUESTIONS]
    started = time.perf_counter()
    for name, top_works in (("tantivy's top works", own), ("every match scored", None)):
        tantivy_engine.TantivyView.top_works = top_works or (lambda *a: None)
        a = timed(lambda q: service.search(q, expand=False), words, 3)
        b = timed(lambda q: service.search(q, expand=False), questions, 3)
        c = timed(lambda q: service.search(q, expand=False), LONG, 3)
        print(f"{name:22} 1-3 words p50 {p(a, .5):.2f} p95 {p(a, .95):.2f} ms; "
              f"questions p50 {p(b, .5):.2f} p95 {p(b, .95):.2f} ms; "
              f"long questions p50 {p(c, .5):.2f} p95 {p(c, .95):.2f} ms")
    tantivy_engine.TantivyView.top_works = own
    print(f"({time.perf_counter() - started:.0f} s; this index has "
          f"{len(service._current()._stored):,} documents)")


if __name__ == "__main__":
    main()
