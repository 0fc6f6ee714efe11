"""Search latency with facets on an already built data directory.

    python bench/search_bench.py [DATA_DIR]   (default: the build benchmark's full corpus)
"""
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.build_bench import search_latencies    # noqa: E402
from indexer.ingest import Indexer                # noqa: E402
from repo.settings import Settings                # noqa: E402


def main():
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else \
        Path.home() / ".cache" / "minamata-bench" / "data-full"
    ix = Indexer(Settings.from_env(environ={}, data_dir=data))
    times = sorted(search_latencies(ix))
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"{len(ix.repo.documents())} documents: search with facets p50 "
          f"{statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms "
          f"({len(times)} searches)")


if __name__ == "__main__":
    main()
