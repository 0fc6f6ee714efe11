"""How a document's score is computed: BM25F with Lucene's idf.

Whoosh's BM25F takes idf as log(N / (n + 1)) + 1, which never falls below 1: a word
in every document ("the", "de", "mercury" in a mercury collection) still adds as much
as a rare one's tenth. Lucene's log(1 + (N - n + 0.5) / (n + 0.5)) tends to 0 there,
so ranking follows the words that tell documents apart. k1 and b per field were tuned
on bench/relevance.py (Cranfield and the Minamata questions).
"""
from math import log

from whoosh import scoring

K1 = 1.6
B = 0.9
FIELD_B = {"title": 0.2}     # titles are short: their length says little


class BM25(scoring.BM25F):
    """BM25F (k1, b per field) with Lucene's idf."""

    def __init__(self, k1=K1, b=B, field_b=None):
        super().__init__(B=b, K1=k1, **{f"{name}_B": v for name, v in
                                        (FIELD_B if field_b is None else field_b).items()})

    def scorer(self, searcher, fieldname, text, qf=1):
        """A BM25F scorer reading field lengths from a list kept per segment, with the
        average length over the documents that have the field."""
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if isinstance(scorer, scoring.BM25FScorer):
            scorer.dfl = field_lengths(searcher.reader(), fieldname).__getitem__
            docs, length = field_stats(searcher.get_parent().reader(), fieldname)
            scorer.avgfl = length / docs if docs else 1
        return scorer

    def idf(self, searcher, fieldname, text):
        """Lucene's idf, log(1 + (N - n + 0.5) / (n + 0.5)), N being the documents that
        have the field (as Lucene's docCount): over all documents, a French word in a
        mostly English index looked rarer than it is in the French ones."""
        parent = searcher.get_parent()
        n = parent.doc_frequency(fieldname, text)
        total = field_stats(parent.reader(), fieldname)[0] or parent.doc_count_all()
        return log(1 + (total - n + 0.5) / (n + 0.5))


def _segment_lengths(reader, fieldname):
    """(lengths by docnum, documents with the field, total length) of one segment's
    reader, read once and kept on the reader.

    Whoosh looks a document's field length up in a column for every posting it scores
    (a fifth of a long question's time). Kept on the reader, not by segment id: Whoosh
    draws ids from Python's global `random`, which any library may seed, and keying by
    id mixed two indexes' lengths up in one process (measured: the ranking changed)."""
    cache = reader.__dict__.setdefault("_minamata_lengths", {})
    found = cache.get(fieldname)
    if found is None:
        lengths = [reader.doc_field_length(d, fieldname, 0) or 0
                   for d in range(reader.doc_count_all())]
        found = cache[fieldname] = (lengths, sum(1 for n in lengths if n), sum(lengths))
    return found


def field_lengths(reader, fieldname):
    """[length of `fieldname` in each document] of one segment's reader."""
    return _segment_lengths(reader, fieldname)[0]


def field_stats(reader, fieldname):
    """(documents with a non-empty `fieldname`, their total length) over a whole index
    reader (all its segments)."""
    docs = length = 0
    for segment, _offset in reader.leaf_readers():
        _, n, total = _segment_lengths(segment, fieldname)
        docs, length = docs + n, length + total
    return docs, length


def weighting():
    """The weighting every search uses."""
    return BM25()
