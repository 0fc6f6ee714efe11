"""Benchmark of the build and search on a synthetic corpus (~2,000 PDFs, ~20,000 pages).

    python bench/build_bench.py [--docs 2000] [--pages 10] [--sample 300] [--rounds 3]
                                [--engine whoosh|tantivy] [--sample-only]

Generates the corpus once into ~/.cache/minamata-bench (outside git), then reports:
pypdf extraction pages/s alone and the end-to-end build (extract + detect + store +
index) on a sample, with 1 process and 1 worker, then with 2 processes and 2 workers in
`--rounds` turns (each round's build as a share of pypdf's rate in that round), the
full build with 2 workers, a rebuild from kept text, index size, peak memory, and
search p50/p95 with facets. Results go to stdout and bench/out/build.json. `--engine`
builds with that search engine; `--sample-only` stops after the sample's rows.
"""
import argparse
import json
import resource
import shutil
import statistics
import sys
import time
from multiprocessing import Pool
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import build                       # noqa: E402
from indexer.ingest import Indexer                   # noqa: E402
from indexer.search import SearchService             # noqa: E402
from repo.settings import Settings                   # noqa: E402

QUERIES = [
    ("mercury", {}), ("coal combustion", {}), ('"interim storage"', {}), ("déchets", {}),
    ("mercurio aduanas", {}), ("emiss*", {}), ("trade", {"language": ["en"]}),
    ("inventory", {"type": ["report"]}), ("amalgam", {"region": ["africa"]}),
    ("gestión", {"language": ["es"], "year": ["2020"]}), ("capacity building", {}),
    ("laboratoire formation", {}), ("consent OR consentement", {}),
    ("minería artesanal", {}), ("workshop", {"topic": ["trade"]}), ("data NOT soil", {}),
    ("", {"event": ["bench-001", "bench-002"]}), ("health", {"country": ["ke"]}),
    ("plan", {"type": ["presentation", "agenda"]}), ("guidance Convention", {}),
]


def _extract_file(path):
    from pypdf import PdfReader
    return sum(len(p.extract_text() or "") >= 0 for p in PdfReader(path).pages)


def extraction_rate(files, procs):
    """Pages per second of plain pypdf extract_text over `files`."""
    started = time.perf_counter()
    if procs == 1:
        pages = sum(_extract_file(f) for f in files)
    else:
        with Pool(procs) as pool:
            pages = sum(pool.map(_extract_file, files, chunksize=4))
    return pages / (time.perf_counter() - started)


def end_to_end(manifest, data, workers, engine=""):
    """Seconds and pages of a first build: manifest load (extraction) + index."""
    shutil.rmtree(data, ignore_errors=True)
    ix = Indexer(Settings.from_env(environ={}, data_dir=data, workers=workers, engine=engine))
    started = time.perf_counter()
    with ix.repo.writing():
        report = ix.load_manifest(manifest)
        ix.update_index()
    seconds = time.perf_counter() - started
    pages = sum(d.page_count for d in ix.repo.documents())
    assert not report.refused, report.refused[:3]
    return ix, seconds, pages


# Questions of 8 to 20 words as delegates type them, in the benchmark corpus's vocabulary.
QUESTIONS = [
    ("what technical assistance is available for the national inventory of mercury "
     "releases from coal combustion", {}),
    ("which best available techniques and environmental practices reduce mercury emissions "
     "from coal power plants", {}),
    ("how should the Parties manage mercury waste and contaminated sites under the "
     "Convention", {}),
    ("import and export of mercury: what consent is needed and how do customs check it", {}),
    ("dental amalgam and other mercury products: what are the obligations and the "
     "implementation guidance for each country government", {}),
    ("quelles sont les meilleures techniques disponibles pour réduire les émissions de "
     "mercure du charbon", {}),
    ("comment gérer les déchets de mercure et les sites contaminés dans le cadre de la "
     "Convention", {}),
    ("qué asistencia técnica existe para el inventario nacional de emisiones de mercurio "
     "del carbón", {}),
    ("cómo se controla la importación y exportación de mercurio en las aduanas de cada país",
     {}),
    ("minería aurífera artesanal y en pequeña escala: plan de acción nacional y salud de las "
     "comunidades", {"language": ["es"]}),
    ("monitoring and measurement of mercury in soil water and air: laboratory data and "
     "training needs of experts", {}),
    ("regional cooperation workshop report on interim storage of mercury and capacity "
     "building", {"type": ["report"]}),
]


def search_latencies(ix, rounds=5, queries=QUERIES):
    """Milliseconds of each search (with facets), after one warm-up pass."""
    service = SearchService(ix.index, 3.0)
    for q, f in queries:
        service.search(q, f)
    times = []
    for _ in range(rounds):
        for q, f in queries:
            started = time.perf_counter()
            service.search(q, f)
            times.append((time.perf_counter() - started) * 1000)
    return times


def _dir_mb(path):
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 1e6


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--pages", type=int, default=10)
    ap.add_argument("--sample", type=int, default=300)
    ap.add_argument("--cache", default=str(Path.home() / ".cache" / "minamata-bench"))
    ap.add_argument("--engine", default="", help="search engine (default: Whoosh)")
    ap.add_argument("--sample-only", action="store_true")
    ap.add_argument("--rounds", type=int, default=3,
                    help="turns of pypdf alone and the 2-worker build on the sample")
    args = ap.parse_args()
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    cache = Path(args.cache)
    t = time.perf_counter()
    manifest = build(cache / "corpus", args.docs, args.pages)
    print(f"corpus ready in {time.perf_counter() - t:.0f} s: {manifest}")
    full = json.loads(manifest.read_text())
    sample = dict(full, documents=full["documents"][: args.sample])
    sample_manifest = manifest.parent / "sample-manifest.json"
    sample_manifest.write_text(json.dumps(sample))
    files = [manifest.parent / d["file"] for d in sample["documents"]]
    out = {"docs": args.docs, "pages_per_doc": args.pages, "sample_docs": args.sample}
    out["extract_pages_per_s_1proc"] = extraction_rate(files, 1)
    _, seconds, pages = end_to_end(sample_manifest, cache / "data-sample", 1, args.engine)
    out["build_pages_per_s_1w"] = pages / seconds
    print(f"pypdf alone, 1 process: {out['extract_pages_per_s_1proc']:.1f} pages/s; "
          f"end-to-end build, 1 worker: {pages / seconds:.1f} pages/s "
          f"({pages} pages in {seconds:.1f} s)")
    # The 2-worker build beside pypdf's 2-process rate, in turns (the first rotating):
    # the machine's speed drifts, and a ratio of two figures taken a minute apart moved
    # with it.
    shares, floors, builds = [], [], []
    for n in range(args.rounds):
        for step in (("floor", "build") if n % 2 == 0 else ("build", "floor")):
            if step == "floor":
                floors.append(extraction_rate(files, 2))
            else:
                _, seconds, pages = end_to_end(sample_manifest, cache / "data-sample", 2,
                                               args.engine)
                builds.append(pages / seconds)
        shares.append(builds[-1] / floors[-1])
        print(f"round {n + 1}: pypdf alone, 2 processes: {floors[-1]:.1f} pages/s; "
              f"end-to-end build, 2 workers: {builds[-1]:.1f} pages/s "
              f"({pages} pages in {pages / builds[-1]:.1f} s): {shares[-1]:.0%} of pypdf's rate")
    out.update(extract_pages_per_s_2proc=statistics.median(floors),
               build_pages_per_s_2w=statistics.median(builds),
               build_share_of_pypdf_2w=statistics.median(shares),
               build_share_of_pypdf_2w_rounds=shares)
    print(f"2-worker build: median {out['build_share_of_pypdf_2w']:.0%} of pypdf's "
          f"2-process rate ({', '.join(f'{x:.0%}' for x in shares)})")
    if args.sample_only:
        return
    ix, seconds, pages = end_to_end(manifest, cache / "data-full", 2, args.engine)
    out.update(full_build_s=seconds, full_pages=pages, full_build_pages_per_s=pages / seconds)
    print(f"full build, 2 workers: {pages} pages in {seconds:.1f} s ({pages / seconds:.1f} "
          f"pages/s, {pages / seconds / out['extract_pages_per_s_2proc']:.0%} of pypdf's "
          "median 2-process rate on the sample)")
    with ix.repo.writing():
        report = ix.rebuild_index()
    out.update(rebuild_s=report.seconds, rebuild_pages_per_s=pages / report.seconds)
    print(f"rebuild from kept text: {report.seconds:.1f} s ({pages / report.seconds:.1f} pages/s, "
          f"{seconds / report.seconds:.1f}x faster than the first build)")
    out["index_mb"] = _dir_mb(ix.index.current_dir())
    out["text_mb"] = _dir_mb(ix.repo.texts.root)
    times = sorted(search_latencies(ix))
    out["search_ms_p50"] = statistics.median(times)
    out["search_ms_p95"] = times[int(len(times) * 0.95) - 1]
    out["peak_rss_mb_main"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["peak_rss_mb_worker"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"index {out['index_mb']:.0f} MB, kept text {out['text_mb']:.0f} MB; "
          f"search with facets p50 {out['search_ms_p50']:.1f} ms, p95 {out['search_ms_p95']:.1f} ms "
          f"({len(times)} searches); peak RSS main {out['peak_rss_mb_main']:.0f} MB, "
          f"largest worker {out['peak_rss_mb_worker']:.0f} MB")
    dest = Path(__file__).parent / "out"
    dest.mkdir(exist_ok=True)
    (dest / "build.json").write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
