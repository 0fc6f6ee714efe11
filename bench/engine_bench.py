"""Both search engines side by side, in one run, on the same kept text (issue #15).

    python bench/engine_bench.py [DATA_DIR] [--queries N] [--rounds R]
    python bench/engine_bench.py --as-built WHOOSH_DATA_DIR TANTIVY_DATA_DIR

DATA_DIR (default: the build benchmark's corpus) must hold an indexed repository. Its
kept text is rebuilt by each engine into a copy (no PDF is read again); then the same
queries (1-3 words and questions) run through the facade, with facets, on each engine,
and, as floors, bare Whoosh (an OR of the words in `text_any`, every match scored) and
bare tantivy on the same indexes: the same OR, top 10, with a terms aggregation per
facet; then as the issue measured it, with the hits' pages and snippets; then the same
with the facade's own query (every field and language) instead of the OR. Prints
p50/p95 per row and the ratios engine / its floors and Whoosh / tantivy. Warm: every
query is asked once before timing. An engine and its floors take turns on each query,
so that their ratios hold on a machine whose speed drifts. Run it on an idle machine.
"""
import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indexer.analysis import analyse, neutral_analyzer  # noqa: E402
from indexer.engines import ENGINES                # noqa: E402
from indexer.index import rebuild                  # noqa: E402
from indexer.ingest import Indexer                 # noqa: E402
from indexer.schema import FACETS                  # noqa: E402
from indexer.search import SearchService           # noqa: E402
from repo.settings import Settings                 # noqa: E402

WORDS = ["mercury", "coal", "emissions", "power", "plants", "waste", "trade", "health",
         "artisanal", "gold", "mining", "inventory", "article", "annex", "storage",
         "mercurio", "emisiones", "carbón", "mercure", "charbon", "centrales", "déchets"]
QUESTIONS = ["what did the workshop say about coal power plants",
             "how is mercury waste stored in latin america",
             "quelles sont les émissions de mercure des centrales au charbon",
             "cuáles son las emisiones de mercurio de la minería de oro"]


def queries(n, seed=7):
    """`n` mixed queries: 1-3 common words, or a question."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        out.append(rng.choice(QUESTIONS) if i % 4 == 3 else
                   " ".join(rng.sample(WORDS, rng.randint(1, 3))))
    return out


def timed(fn, items, rounds):
    """[ms] of fn(item) for each item, `rounds` times, after one warm-up pass."""
    return timed_together({None: fn}, items, rounds)[None]


def timed_together(fns, items, rounds):
    """{name: [ms]} of each fn(item) for each item, `rounds` times, after one warm-up
    pass. The functions take turns on each item (the first of them changes from one
    item to the next), so that a change of this machine's speed during the run weighs
    on all of them alike and their ratios hold."""
    for fn in fns.values():
        for item in items:
            fn(item)
    spent = {name: [] for name in fns}
    turns = list(fns.items())
    for r in range(rounds):
        for i, item in enumerate(items):
            start = (i + r) % len(turns)
            for name, fn in turns[start:] + turns[:start]:
                started = time.perf_counter()
                fn(item)
                spent[name].append((time.perf_counter() - started) * 1000)
    return spent


def p(values, q):
    """The q-quantile (0.5, 0.95) of a list of figures."""
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def bare_whoosh(pair):
    """A function searching an OR of a query's words in text_any, all matches scored."""
    from whoosh.query import Or, Term
    from indexer.scoring import weighting
    searcher = pair.docs.searcher(weighting=weighting())
    analyzer = neutral_analyzer()

    def search(text):
        words = analyse(analyzer, text)
        return searcher.search(Or([Term("text_any", w) for w in words]), limit=None)
    return search


def _tantivy_or(pair):
    """A function making the tantivy OR of a text's words in text_any; the facets'
    terms aggregations."""
    import tantivy
    analyzer = neutral_analyzer()

    def or_of_words(text):
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(pair.schema, "text_any", w))
             for w in analyse(analyzer, text)])
    return or_of_words, {name: {"terms": {"field": name, "size": 100}} for name in FACETS}


def bare_tantivy(pair):
    """The same OR in tantivy: top 10, and a terms aggregation per facet."""
    searcher = pair.docs.searcher()
    or_of_words, aggs = _tantivy_or(pair)

    def search(text):
        q = or_of_words(text)
        searcher.search(q, 10)
        return searcher.aggregate(q, aggs)
    return search


def bare_tantivy_shown(pair, make_query=None):
    """The issue's bare tantivy: a query's top 10 and a terms aggregation per facet,
    then the ten hits' pages (one search of the pages index, scoped to them) and a
    snippet of each hit's best page by tantivy's SnippetGenerator: what a results page
    shows, with nothing of ours in between. `make_query(text)`: the tantivy query (by
    default, the OR of the words in text_any)."""
    import json
    import tantivy
    docs, pages = pair.docs.searcher(), pair.pages.searcher()
    or_of_words, aggs = _tantivy_or(pair)
    make_query = make_query or or_of_words

    def search(text):
        q = make_query(text)
        top = docs.search(q, 10).hits
        docs.aggregate(q, aggs)
        ids = [json.loads(bytes(docs.doc(a).get_first("stored")))["doc_id"] for _, a in top]
        if not ids:
            return []
        scope = tantivy.Query.term_set_query(pair.schema, "doc_id", ids)
        on_pages = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, q), (tantivy.Occur.Must, scope)])
        best = {}
        for _, a in pages.search(on_pages, 100 * len(ids)).hits:
            page = json.loads(bytes(pages.doc(a).get_first("stored")))
            best.setdefault(page["doc_id"], page)
        generator = tantivy.SnippetGenerator.create(pages, q, pair.schema, "text_any")
        out = []
        for page in best.values():
            doc = tantivy.Document()
            doc.add_text("text_any", page.get("body", ""))
            out.append(generator.snippet_from_doc(doc).to_html())
        return out
    return search


def bare_tantivy_our_query(pair, service, texts):
    """bare_tantivy_shown on the query the facade searches (every field and language,
    a best match read as the plain OR of its parts), translated before timing."""
    from indexer.engines.tantivy_engine import _without_best_match, translate
    view = service._current()
    translated = {t: translate(pair.schema, _without_best_match(
        service._parse(t, view, expand=False)[0])) for t in set(texts)}
    return bare_tantivy_shown(pair, translated.__getitem__)


def prepare(source, work, engine):
    """A copy of `source` whose index `engine` rebuilt from the kept text; seconds taken."""
    data = work / engine
    shutil.copytree(source, data)
    settings = Settings.from_env(environ={}, data_dir=data, workers=1, engine=engine)
    ix = Indexer(settings)
    started = time.perf_counter()
    with ix.repo.writing():
        rebuild(ix.repo, ix.index)
    return ix.index, time.perf_counter() - started


def main(argv=None):
    """Run the comparison and print its table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", nargs="?",
                    default=str(Path.home() / ".cache/minamata-bench/data-full"))
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--as-built", nargs="+", metavar="DATA_DIR",
                    help="time these data directories' live indexes as they are (no copy, "
                         "no rebuild): for the 100,000-page directories")
    args = ap.parse_args(argv)
    qs = queries(args.queries)
    rows, ratios = {}, []
    with tempfile.TemporaryDirectory() as tmp:
        if args.as_built:
            stores = []
            for data in args.as_built:
                settings = Settings.from_env(environ={}, data_dir=Path(data), workers=1)
                stores.append(Indexer(settings).index)
        else:
            stores = []
            for engine in ENGINES:
                store, seconds = prepare(Path(args.data), Path(tmp), engine)
                print(f"{engine}: rebuilt from kept text in {seconds:.1f} s", flush=True)
                stores.append(store)
        for store in stores:
            service = SearchService(store)
            engine = service.engine
            facade = f"{engine} engine (facade, facets)"
            pair = store.open()
            if engine == "whoosh":
                floors = {"bare whoosh (OR, every match scored)": bare_whoosh(pair)}
            else:
                floors = {"bare tantivy (OR, facets)": bare_tantivy(pair),
                          "bare tantivy (OR, facets, pages, snippets)":
                              bare_tantivy_shown(pair),
                          "bare tantivy (our query, facets, pages, snippets)":
                              bare_tantivy_our_query(pair, service, qs)}
            rows.update(timed_together(
                {facade: lambda q: service.search(q, expand=False), **floors},
                qs, args.rounds))
            ratios.extend((facade, name) for name in floors)
            service.close()
    print(f"\n{'':52} {'p50 ms':>8} {'p95 ms':>8}")
    for name, values in rows.items():
        print(f"{name:52} {p(values, 0.5):8.2f} {p(values, 0.95):8.2f}")
    figures = {name: (p(v, 0.5), p(v, 0.95)) for name, v in rows.items()}
    print()
    for engine_row, floor_row in ratios:
        print(f"{engine_row} / {floor_row}: p50 x{figures[engine_row][0] / figures[floor_row][0]:.1f}"
              f", p95 x{figures[engine_row][1] / figures[floor_row][1]:.1f}")
    engines = [n for n in figures if n.endswith("engine (facade, facets)")]
    if len(engines) == 2:
        a, b = engines
        print(f"{a} / {b}: p50 x{figures[a][0] / figures[b][0]:.1f}"
              f", p95 x{figures[a][1] / figures[b][1]:.1f}")
    print(f"(median of all {statistics.median(len(v) for v in rows.values())} timings per row)")


if __name__ == "__main__":
    main()
