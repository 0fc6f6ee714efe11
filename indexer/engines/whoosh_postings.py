"""Scoring a Whoosh query a term at a time, from whole posting blocks.

Whoosh scores a query document by document through a tree of matchers: each posting
costs a dozen Python calls (is_active, id, next, score at every level of the tree), and
a word searched in every field and language makes the tree five times wider. Here each
term's postings are read a block (up to 128 postings) at a time, its BM25F scores added
into a dict in one loop, and the query's tree is combined on those dicts: the same
matches and scores (indexer.scoring's BM25F; a sum may add the same numbers in another
order than Whoosh's matcher tree, so the last bit of a score can differ).

With `within` (the pages of the hits shown), a term's blocks that hold none of those
entries are stepped over by their headers, unread, and an entry is found in a block by
bisection: Whoosh's own skip_to reads every block and steps through it posting by posting.

A node this module does not know (a phrase, a range) is scored by Whoosh's own matcher.
The block reading uses the attributes of whoosh-reloaded 2.7.5's W3LeafMatcher (the
version setup.cfg pins); any other matcher is read posting by posting.
"""
import pickle
import zlib
from bisect import bisect_left
from itertools import accumulate

from whoosh import query as wq
from whoosh.matching import FilterMatcher
from whoosh.scoring import BM25FScorer, WeightScorer
from whoosh.searching import TimeLimit

from indexer.query import BestMatch, Without, is_null, past_deadline, scored_matches
from indexer.scoring import field_lengths


def scores(searcher, q, within=None):
    """{docnum: score} of every live entry of `searcher` that `q` matches; `within`: a
    sorted list of docnums to look at, and no others. TimeLimit once the search's
    deadline (indexer.query.current_deadline) is past."""
    out = {}
    for sub, offset in searcher.subsearchers or [(searcher, 0)]:
        wanted = None
        if within is not None:
            size = sub.doc_count_all()
            wanted = [d - offset for d in within if offset <= d < offset + size]
            if not wanted:
                continue
        found = _Segment(sub, wanted).scores(q)
        out.update((d + offset, s) for d, s in found.items())
    return out


def ranked(found):
    """[(score, docnum)] best first, ties in docnum order (as Whoosh's collector)."""
    return sorted(((s, d) for d, s in found.items()), key=lambda p: (-p[0], p[1]))


class _Segment:
    """The scores of one segment's entries (segment docnums)."""

    def __init__(self, searcher, wanted):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.wanted = wanted
        self.wanted_set = set(wanted) if wanted is not None else None

    def scores(self, q):
        """{segment docnum: score} of the live entries `q` matches."""
        found = self.node(q)
        deleted = self.reader.deleted_docs_set
        if deleted:
            found = {d: s for d, s in found.items() if d not in deleted}
        return found

    def node(self, q):
        """{docnum: score} of one node of the query (deleted entries not yet removed)."""
        if is_null(q):
            return {}
        kind = type(q)
        if kind is wq.Term:
            return self.term(q)
        if kind is BestMatch:
            return q.combine([self.node(sub) for sub in q.subqueries])
        if kind in (wq.Or, wq.And) and not getattr(q, "scale", 0) and \
                not getattr(q, "minmatch", 0):
            return self.compound(q)
        if kind is wq.AndMaybe:
            a, b = self.node(q.a), self.node(q.b)
            return {d: s + b[d] if d in b else s for d, s in a.items()}
        if kind is Without:
            base, excluded = (self.node(sub) for sub in q.subqueries)
            boost = q.boost
            return {d: s * boost if boost != 1.0 else s for d, s in base.items()
                    if d not in excluded}
        return self.by_matcher(q)

    def compound(self, q):
        # As Whoosh: a single part is that part (the compound's boost unused); otherwise
        # an Or adds the scores of the parts a document matches, an And of all of them.
        subs = q.subqueries
        if not subs:
            return {}
        if len(subs) == 1:
            return self.node(subs[0])
        parts = [self.node(sub) for sub in subs]
        if type(q) is wq.And:
            if not all(parts):
                return {}
            common = set(min(parts, key=len))
            for part in parts:
                common.intersection_update(part)
            out = {d: 0.0 for d in sorted(common)}
            for part in parts:
                for d in out:
                    out[d] += part[d]
        else:
            out = dict(parts[0])
            for part in parts[1:]:
                get = out.get
                for d, s in part.items():
                    out[d] = get(d, 0.0) + s
        if q.boost != 1.0:
            boost = q.boost
            out = {d: s * boost for d, s in out.items()}
        return out

    def term(self, q):
        """The scores of one term's postings, a block at a time."""
        if past_deadline():
            raise TimeLimit
        searcher, fieldname = self.searcher, q.fieldname
        if fieldname not in searcher.schema:
            return {}
        try:
            text = searcher.schema[fieldname].to_bytes(q.text)
        except ValueError:
            return {}
        if (fieldname, text) not in self.reader:
            return {}
        scorer = searcher.weighting.scorer(searcher, fieldname, text)
        if not isinstance(scorer, (BM25FScorer, WeightScorer)):
            return self.by_matcher(q)
        postings = self.reader.postings(fieldname, text, scorer=scorer)
        if isinstance(postings, FilterMatcher):   # deletions: removed at the end
            postings = postings.child
        out = {}
        if isinstance(scorer, BM25FScorer):
            # whoosh.scoring.bm25, term by term as written there (same floats).
            idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
            lengths = field_lengths(self.reader, fieldname)
            for ids, weights in self.blocks(postings):
                for d, tf in zip(ids, weights):
                    out[d] = idf * ((tf * (K1 + 1)) /
                                    (tf + K1 * ((1 - B) + B * lengths[d] / avgfl)))
        else:                                     # an unscored field: its weight
            for ids, weights in self.blocks(postings):
                out.update(zip(ids, weights))
        if q.boost != 1.0:
            boost = q.boost
            out = {d: s * boost for d, s in out.items()}
        return out

    def blocks(self, m):
        """(ids, weights) of a leaf matcher's postings, block by block (only `wanted`
        ones, if any)."""
        if type(m).__name__ != "W3LeafMatcher":
            yield from self._posting_by_posting(m)
            return
        wanted, i, n = self.wanted, 0, 0
        while m.is_active():
            n += 1
            if n % 64 == 0 and past_deadline():
                raise TimeLimit
            if wanted is None:
                yield _block_ids(m), _block_weights(m)
            else:
                if i == len(wanted):
                    return
                top = m.block_max_id()
                if wanted[i] <= top:
                    ids, hits = _block_ids(m), []
                    while i < len(wanted) and wanted[i] <= top:
                        j = bisect_left(ids, wanted[i])
                        if j < len(ids) and ids[j] == wanted[i]:
                            hits.append(j)
                        i += 1
                    if hits:
                        weights = _block_weights(m)
                        yield [ids[j] for j in hits], [weights[j] for j in hits]
            m._next_block()

    def _posting_by_posting(self, m):
        ids, weights, keep = [], [], self.wanted_set
        while m.is_active():
            d = m.id()
            if keep is None or d in keep:
                ids.append(d)
                weights.append(m.weight())
            m.next()
        yield ids, weights

    def by_matcher(self, q):
        """A node's scores from Whoosh's own matcher."""
        if past_deadline():
            raise TimeLimit
        found = scored_matches(q.matcher(self.searcher, self.searcher.context()))
        keep = self.wanted_set
        return found if keep is None else {d: s for d, s in found.items() if d in keep}


def _block_ids(m):
    if m._ids is None:
        _read_ids_and_weights(m)
    return m._ids


def _block_weights(m):
    if m._weights is None:
        if m._ids is None:
            _read_ids_and_weights(m)
        else:
            m._read_weights()
    return m._weights


# A block's data is the protocol-2 pickle of (ids, weights, values), compressed. With
# more than 3 postings, the ids' tuple ends with TUPLE and its memo (BINPUT 0), and a
# weights' tuple (neither all 1.0 nor all equal) begins with MARK and a BINFLOAT. These
# five bytes cannot occur earlier: every id is an opcode (K, M or J) and at most 4
# bytes, and none of the five is K, M or J.
_IDS_END = b"tq\x00(G"
_TUPLE2_STOP = b"\x86."


def _read_ids_and_weights(m):
    """Sets a block's ids and weights (Whoosh's _read_ids and _read_weights) from the
    beginning of its data only. A block of a field with positions (text_any, title)
    holds a pickled positions list per posting after them: decompressing and
    unpickling those made a search's dearest blocks ten times dearer."""
    n = m._blocklength
    if m._data is None and n > 3 and not m._byteids:
        data = m._postfile.get(m._dataoffset, m._nextoffset - m._dataoffset)
        most = 14 * n + 16        # the pickle's bytes up to the weights' end, at most
        head = zlib.decompressobj().decompress(data, most) if m._compression \
            else data[:most]
        cut = head.find(_IDS_END)
        end = cut + 4 + 9 * n     # the weights' TUPLE: MARK, then 9 bytes a weight
        if cut > 0 and head[end:end + 1] == b"t":
            try:
                ids, weights = pickle.loads(head[:end + 1] + _TUPLE2_STOP)
            except Exception:    # the pattern met elsewhere (weights all equal): read whole
                ids = weights = None
            if type(ids) is tuple and type(weights) is tuple and \
                    len(ids) == n and len(weights) == n:
                m._ids, m._weights = tuple(accumulate(ids)), weights
                return
    if m._data is None:
        m._read_data()
    ids = m._data[0]
    # W3LeafMatcher._read_ids decodes the deltas through a generator, a call per id.
    m._ids = ids if m._byteids else tuple(accumulate(ids))
    m._read_weights()
