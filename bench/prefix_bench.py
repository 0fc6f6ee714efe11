"""A prefix search on an index with many distinct words: every word vs the commonest.

    python bench/prefix_bench.py

Indexes 4,000 entries of 100 random `con.....` words (about 390,000 distinct words
beginning with `con`) in a temporary folder, then times `con*` as Whoosh expands it (every
word beginning so) and as the search facade runs it (its PREFIX_WORDS commonest words).
"""
import random
import resource
import shutil
import string
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from whoosh.filedb.filestore import FileStorage          # noqa: E402

from indexer.query import bound_prefixes, parse_query    # noqa: E402
from indexer.schema import build_schema                   # noqa: E402
from indexer.scoring import weighting                     # noqa: E402


def build(folder, entries=4000, words=100, seed=1):
    """An index of `entries` entries of `words` random words beginning with `con`."""
    rng = random.Random(seed)
    ix = FileStorage(str(folder)).create_index(build_schema())
    writer = ix.writer(limitmb=256)
    for i in range(entries):
        text = " ".join("con" + "".join(rng.choice(string.ascii_lowercase) for _ in range(5))
                        for _ in range(words))
        writer.add_document(kind="doc", doc_id=f"d{i}", text_any=text, status="published")
    writer.commit()
    return ix


def main():
    folder = Path(tempfile.mkdtemp(prefix="minamata-prefix-"))
    try:
        with build(folder).searcher(weighting=weighting()) as s:
            distinct = sum(1 for _ in s.reader().expand_prefix("text_any", "con"))
            print(f"{distinct:,} distinct words begin with 'con'")
            # Ours first: the peak RSS after it is its own.
            for label, bounded in (("commonest (ours)", True), ("every word (Whoosh)", False)):
                q = parse_query("con*")
                started = time.perf_counter()
                if bounded:
                    q, _ = bound_prefixes(q, s.reader())
                found = len(s.search(q, limit=None))
                ms = (time.perf_counter() - started) * 1000
                rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
                print(f"con*, {label}: {ms:,.0f} ms, {found} matches, peak RSS {rss} MB")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
