"""Ranking quality, measured: the Cranfield collection through our real pipeline, beside
peer engines in the same run, and the judged Minamata questions on the shipped corpus.

    python bench/relevance.py [--cranfield DIR] [--skip-peers] [--skip-minamata]
                              [--engine whoosh|tantivy]

Cranfield (../shared/ir/cranfield, or tests/data/cranfield): each of the 1,400 abstracts
is rendered to a one-page PDF (cached under ~/.cache/minamata-bench), loaded with a
manifest as `minamata index` loads documents/ (pypdf, langdetect, the store, Whoosh) and
the 225 questions are run through the search facade exactly as typed. Peers index the same
text (title + abstract): bm25s with the Snowball English stemmer and its stop words, and
SQLite FTS5 with the `porter` tokenizer; tantivy too when it is installed.

Metrics as trec_eval computes them (runs cut at depth 1000): MAP, P@10, nDCG@10 and
recall@100, grades 1-3 relevant (the collection README's convention A; nDCG gains 1->3,
2->2, 3->1). The Minamata questions (bench/data/minamata_questions.json) are graded 2/1;
a hit counts for the best grade among its language versions.
"""
import argparse
import gzip
import json
import math
import re
import sqlite3
import sys
import tempfile
import time
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_CRANFIELD = [ROOT.parent / "shared" / "ir" / "cranfield",
                     ROOT / "tests" / "data" / "cranfield"]
QUESTIONS = ROOT / "bench" / "data" / "minamata_questions.json"
DEPTH = 1000


# -- the collection ---------------------------------------------------------------------
def find_cranfield(given=None):
    """The Cranfield folder: `given`, else shared/, else the copy in tests/data."""
    for path in ([Path(given)] if given else DEFAULT_CRANFIELD):
        if (path / "queries.tsv").exists() or (path / "queries.tsv.gz").exists():
            return path
    raise SystemExit("Cranfield collection not found (give --cranfield DIR)")


def _read(path):
    gz = path.with_name(path.name + ".gz")
    if not path.exists() and gz.exists():
        return gzip.open(gz, "rt", encoding="utf-8").read()
    return path.read_text(encoding="utf-8")


def load_cranfield(folder):
    """(docs {id: {title, text}}, queries [(qid, text)], qrels {qid: {docid: grade}})."""
    folder = Path(folder)
    docs = {}
    for line in _read(folder / "cranfield.jsonl").splitlines():
        if line.strip():
            d = json.loads(line)
            docs[int(d["id"])] = {"title": d["title"], "text": d["text"]}
    queries = []
    for row in _read(folder / "queries.tsv").splitlines()[1:]:
        qid, _raw, text = row.split("\t", 2)
        queries.append((int(qid), text))
    qrels = {}
    for row in _read(folder / "qrels.tsv").splitlines()[1:]:
        qid, docid, grade, _binary = row.split()
        qrels.setdefault(int(qid), {})[int(docid)] = int(grade)
    return docs, queries, qrels


def cranfield_gains(grades):
    """Convention A: grades 1-3 relevant, gains 1->3, 2->2, 3->1; 4 and -1 not."""
    return {d: 4 - g for d, g in grades.items() if 1 <= g <= 3}


# -- metrics ----------------------------------------------------------------------------
def evaluate(run, gains_by_query):
    """{metric: mean over every judged query}; `run` is {qid: [docid, ...] best first},
    `gains_by_query` {qid: {docid: gain > 0}}. A query with no relevant doc scores 0."""
    totals = {"MAP": 0.0, "P@10": 0.0, "nDCG@10": 0.0, "R@100": 0.0}
    for qid, gains in gains_by_query.items():
        ranked = run.get(qid, [])[:DEPTH]
        relevant = {d for d, g in gains.items() if g > 0}
        if not relevant:
            continue
        found, ap = 0, 0.0
        for rank, d in enumerate(ranked, 1):
            if d in relevant:
                found += 1
                ap += found / rank
        totals["MAP"] += ap / len(relevant)
        totals["P@10"] += sum(d in relevant for d in ranked[:10]) / 10
        totals["R@100"] += len(relevant & set(ranked[:100])) / len(relevant)
        dcg = sum(gains.get(d, 0) / math.log2(r + 1) for r, d in enumerate(ranked[:10], 1))
        ideal = sorted(gains.values(), reverse=True)[:10]
        idcg = sum(g / math.log2(r + 1) for r, g in enumerate(ideal, 1))
        totals["nDCG@10"] += dcg / idcg if idcg else 0.0
    n = len(gains_by_query)
    return {k: v / n for k, v in totals.items()}


# -- our engine -------------------------------------------------------------------------
def _render(args):
    path, title, text = args
    from fpdf import FPDF
    pdf = FPDF()
    pdf.set_creation_date(__import__("datetime").datetime(2020, 1, 1))
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 5, text.encode("latin-1", "replace").decode("latin-1") or " ")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    pdf.output(str(tmp))
    tmp.replace(path)


def cranfield_manifest(docs, root, procs=2):
    """Render each abstract to a PDF under `root` (kept for the next run) and write the
    manifest that loads them; returns its path."""
    root = Path(root)
    jobs = [(root / "pdf" / f"{i:04d}.pdf", d["title"] or f"Cranfield {i}", d["text"])
            for i, d in sorted(docs.items())]
    todo = [j for j in jobs if not j[0].exists()]
    if todo:
        with Pool(procs) as pool:
            pool.map(_render, todo, chunksize=20)
    manifest = {
        "collection": "cranfield",
        "events": [{"id": "cranfield", "titles": {"en": "Cranfield collection"},
                    "city": "Cranfield", "country": "GB", "region": "weog",
                    "start": "1966-01-01", "end": "1966-01-01", "topics": ["aeronautics"]}],
        "documents": [{"id": f"cran-{i:04d}", "event": "cranfield", "type": "report",
                       "title": d["title"] or f"Cranfield {i}", "language": "en",
                       "file": f"pdf/{i:04d}.pdf"} for i, d in sorted(docs.items())],
    }
    path = root / "manifest.json"
    path.write_text(json.dumps(manifest))
    return path


def index_manifest(manifest, data_dir, workers=2, engine=""):
    """An Indexer on `data_dir` with the manifest loaded and indexed (as `minamata index`,
    by `engine`, else the default one)."""
    from indexer.ingest import Indexer
    from repo.settings import Settings
    indexer = Indexer(Settings.from_env(environ={}, data_dir=data_dir, workers=workers,
                                        engine=engine))
    with indexer.repo.writing():
        indexer.load_manifest(manifest)
        indexer.update_index()
    return indexer


def search_run(service, queries, to_id, depth=DEPTH, **kwargs):
    """{qid: [ids best first]} with the search facade, pages of 100 up to `depth`."""
    run = {}
    for qid, text in queries:
        ranked = []
        for page in range(1, depth // 100 + 1):
            result = service.search(text, page=page, page_size=100, **kwargs)
            ranked += [to_id(h) for h in result.hits]
            if page * 100 >= result.total:
                break
        run[qid] = ranked
    return run


def ours_on_cranfield(docs, queries, cache, data_dir, engine=""):
    """Our run over the Cranfield questions: {qid: [docid, ...]}."""
    from indexer.search import MatchCache, SearchService
    manifest = cranfield_manifest(docs, cache)
    indexer = index_manifest(manifest, data_dir, engine=engine)
    service = SearchService(indexer.index, time_limit=30.0, cache=MatchCache())
    try:
        return search_run(service, queries, lambda h: int(h.id.split("-")[1]))
    finally:
        service.close()
        indexer.close()


# -- peers ------------------------------------------------------------------------------
def _tokens(text):
    return re.findall(r"[a-z0-9]+", text.lower())


def peer_bm25s(docs, queries):
    """bm25s (k1=1.2, b=0.75), Snowball English stemmer and stop words."""
    import bm25s
    import Stemmer
    ids = sorted(docs)
    stemmer = Stemmer.Stemmer("english")
    corpus = [f"{docs[i]['title']}\n{docs[i]['text']}" for i in ids]
    retriever = bm25s.BM25(k1=1.2, b=0.75)
    retriever.index(bm25s.tokenize(corpus, stopwords="en", stemmer=stemmer,
                                   show_progress=False), show_progress=False)
    run = {}
    for qid, text in queries:
        q = bm25s.tokenize([text], stopwords="en", stemmer=stemmer, show_progress=False)
        if not q.ids or not q.ids[0]:
            run[qid] = []
            continue
        found, scores = retriever.retrieve(q, k=len(ids), show_progress=False)
        run[qid] = [ids[j] for j, s in zip(found[0], scores[0]) if s > 0]
    return run


def peer_fts5(docs, queries):
    """SQLite FTS5, `porter` tokenizer, its bm25(); the question's words ORed."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE d USING fts5(body, tokenize='porter')")
    db.executemany("INSERT INTO d(rowid, body) VALUES (?, ?)",
                   [(i, f"{d['title']}\n{d['text']}") for i, d in docs.items()])
    run = {}
    for qid, text in queries:
        words = sorted(set(_tokens(text)))
        if not words:
            run[qid] = []
            continue
        match = " OR ".join(f'"{w}"' for w in words)
        rows = db.execute("SELECT rowid FROM d WHERE d MATCH ? ORDER BY bm25(d), rowid DESC "
                          "LIMIT ?", (match, DEPTH)).fetchall()
        run[qid] = [r[0] for r in rows]
    return run


def peer_tantivy(docs, queries):
    """tantivy's BM25 with its `en_stem` tokenizer (only when installed)."""
    import tantivy
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True)
    builder.add_text_field("body", tokenizer_name="en_stem")
    index = tantivy.Index(builder.build())
    writer = index.writer()
    for i, d in docs.items():
        writer.add_document(tantivy.Document(id=i, body=f"{d['title']}\n{d['text']}"))
    writer.commit()
    index.reload()
    searcher = index.searcher()
    run = {}
    for qid, text in queries:
        words = _tokens(text)
        if not words:
            run[qid] = []
            continue
        hits = searcher.search(index.parse_query(" ".join(words), ["body"]), DEPTH).hits
        run[qid] = [searcher.doc(a)["id"][0] for _, a in hits]
    return run


PEERS = {"bm25s": peer_bm25s, "sqlite-fts5": peer_fts5, "tantivy": peer_tantivy}


# -- the Minamata questions -------------------------------------------------------------
def load_questions(path=QUESTIONS):
    """The judged questions about the shipped corpus."""
    return json.loads(Path(path).read_text(encoding="utf-8"))["questions"]


def work_keys(service):
    """{document id: its work's key (the smallest id among its versions)}."""
    keys = {}
    for hit in service.search("", page_size=100, include_unpublished=True).hits:
        versions = {v["id"] for v in hit.versions} | {hit.id}
        keys.update((v, min(versions)) for v in versions)
    return keys


def minamata_run(service, questions, keys, **kwargs):
    """({qid: [work key, ...]}, {qid: {work key: gain}}): hits and judgements by work
    (search shows one result per work), a work judged by its best-graded version."""
    run, gains = {}, {}
    for q in questions:
        result = service.search(q["query"], page_size=100, **kwargs)
        run[q["id"]] = [keys.get(h.id, h.id) for h in result.hits]
        judged = {}
        for doc_id, grade in q["relevant"].items():
            key = keys.get(doc_id, doc_id)
            judged[key] = max(judged.get(key, 0), grade)
        gains[q["id"]] = judged
    return run, gains


def ours_on_minamata(data_dir, questions, engine="", **kwargs):
    """({"all"|language|"cross-language": metrics}, questions whose best answer is not
    in the top 3) on the shipped corpus."""
    from bench.corpus import shipped_corpus_indexer
    from indexer.search import SearchService
    indexer = shipped_corpus_indexer(data_dir, engine)
    service = SearchService(indexer.index, time_limit=30.0)
    try:
        run, gains = minamata_run(service, questions, work_keys(service), **kwargs)
    finally:
        service.close()
        indexer.close()
    groups = {"all": [q["id"] for q in questions]}
    for lang in sorted({q["language"] for q in questions}):
        groups[lang] = [q["id"] for q in questions if q["language"] == lang]
    groups["cross-language"] = [q["id"] for q in questions if q.get("cross_language")]
    out = {name: evaluate({i: run[i] for i in ids}, {i: gains[i] for i in ids})
           for name, ids in groups.items() if ids}
    misses = [q for q in questions if not set(run[q["id"]][:3]) & {
        d for d, g in gains[q["id"]].items() if g >= 2}]
    return out, misses


# -- report -----------------------------------------------------------------------------
def _row(name, m, seconds=None):
    t = f"  ({seconds:.1f} s)" if seconds is not None else ""
    return (f"| {name:<22} | {m['MAP']:.4f} | {m['P@10']:.4f} | {m['nDCG@10']:.4f} | "
            f"{m['R@100']:.4f} |{t}")


def _header(title):
    print(f"\n{title}\n| engine                 | MAP    | P@10   | nDCG@10 | R@100  |")
    print("|---|---|---|---|---|")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cranfield", help="the collection's folder")
    ap.add_argument("--cache", default=str(Path.home() / ".cache" / "minamata-bench"))
    ap.add_argument("--skip-peers", action="store_true")
    ap.add_argument("--skip-minamata", action="store_true")
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--engine", default="", help="our search engine (default: Whoosh)")
    args = ap.parse_args()
    docs, queries, qrels = load_cranfield(find_cranfield(args.cranfield))
    gains = {qid: cranfield_gains(qrels.get(qid, {})) for qid, _ in queries}
    figures = {}
    _header(f"Cranfield: {len(docs)} documents, {len(queries)} questions")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        run = ours_on_cranfield(docs, queries, Path(args.cache) / "cranfield", Path(tmp) / "data",
                                args.engine)
        figures["minamata"] = evaluate(run, gains)
        print(_row(f"minamata ({args.engine or 'whoosh'})", figures["minamata"],
                   time.perf_counter() - started))
        empty = sum(1 for qid, _ in queries if not run.get(qid))
        print(f"  questions with no result: {empty} of {len(queries)}")
    if not args.skip_peers:
        for name, peer in PEERS.items():
            try:
                started = time.perf_counter()
                figures[name] = evaluate(peer(docs, queries), gains)
            except ImportError:
                print(f"| {name:<22} | (not installed) |")
                continue
            print(_row(name, figures[name], time.perf_counter() - started))
    if not args.skip_minamata and QUESTIONS.exists():
        questions = load_questions()
        with tempfile.TemporaryDirectory() as tmp:
            out, misses = ours_on_minamata(Path(tmp) / "data", questions, args.engine)
        _header(f"Minamata questions: {len(questions)} about the shipped corpus")
        for name, m in out.items():
            print(_row(name, m))
        figures["minamata_questions"] = out
        for q in misses:
            print(f"  best answer not in the top 3: {q['id']} {q['query']!r}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
