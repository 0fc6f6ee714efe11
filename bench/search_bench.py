"""Search latency with facets on an already built data directory.

    python bench/search_bench.py [DATA_DIR]   (default: the build benchmark's full corpus)

Prints the facade's p50/p95 over the build benchmark's fixed query set (1-3 words) and its
questions (8-20 words, best match: at least 2 of their words), then the CPU cost
of one whole search page (Flask, search and rendering, in this process, no network) for
60 queries of the web load test's kind: the first time each is asked (its matches not
cached) and the second (answered from the match cache).
"""
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.build_bench import QUESTIONS, search_latencies  # noqa: E402
from bench.web_load import query_pool, tail_query  # noqa: E402
from indexer.ingest import Indexer                # noqa: E402
from repo.settings import Settings                # noqa: E402
from webui import create_app                      # noqa: E402
from webui.settings import WebSettings            # noqa: E402


def page_costs(settings, count=60):
    """(first-time ms, cached ms) per search page, each a list over `count` queries."""
    client = create_app(WebSettings(store=settings)).test_client()
    client.get("/?q=mercury")                      # open the searchers
    rng, pool = random.Random(7), query_pool()
    queries = [rng.choice(pool) if n % 2 else tail_query(rng, pool) for n in range(count)]
    rounds = []
    for _ in range(2):
        spent = []
        for q in queries:
            started = time.process_time()
            client.get("/?" + urlencode({"q": q}))
            spent.append((time.process_time() - started) * 1000)
        rounds.append(spent)
    return rounds


def main():
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else \
        Path.home() / ".cache" / "minamata-bench" / "data-full"
    settings = Settings.from_env(environ={}, data_dir=data)
    ix = Indexer(settings)
    for name, queries in (("1-3 word queries", None), ("8-20 word questions", QUESTIONS)):
        times = sorted(search_latencies(ix, queries=queries) if queries else
                       search_latencies(ix))
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"{len(ix.repo.documents())} documents, {name}: search with facets p50 "
              f"{statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms "
              f"({len(times)} searches)")
    first, cached = page_costs(settings)
    print(f"one search page, CPU: {statistics.mean(first):.1f} ms the first time a query is "
          f"asked, {statistics.mean(cached):.1f} ms from the match cache "
          f"(means over {len(first)} queries)")


if __name__ == "__main__":
    main()
