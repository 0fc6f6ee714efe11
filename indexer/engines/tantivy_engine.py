"""The tantivy engine: a `docs` and a `pages` tantivy index per directory.

Analysis equality with the Whoosh engine holds by construction: every text field is
analysed by our own analyzers (indexer.analysis, as named in indexer.schema) and handed
to tantivy as those tokens joined by spaces, which tantivy's `whitespace` tokenizer
splits back unchanged (no lower-casing, stemming or folding of its own). The query
tree indexer.query builds already holds analysed terms, so a term means the same in
both engines.

Queries are translated to tantivy's (Term, Phrase, Or, And, AndMaybe, Without, boosts);
a best match (at least k of n words, coordination) has no tantivy equivalent in the
bindings, so a subtree holding one is evaluated here: each of its parts by tantivy,
combined in Python exactly as indexer.query.BestMatch does.
"""
import bisect
import json
import math
from collections import Counter
from pathlib import Path

import tantivy
from whoosh import query as wq

from indexer.analysis import analyse
from indexer.facets import FacetValues
from indexer.query import BestMatch, Without, past_deadline
from indexer.schema import FACETS, TEXT_FIELDS, build_schema
from repo.faults import crash_point

NAME = "tantivy"
DOCS, PAGES = "docs", "pages"
WRITER_BYTES = 64_000_000
RAW_FIELDS = ("kind", "doc_id", "work", "index_key", "status", "date", "symbol")
PHRASE_FIELDS = ("title", "text_any")          # with positions, as in the Whoosh schema
VOCABULARY_FIELDS = ("title", "text_any", "symbol")   # listed for prefixes, did-you-mean
VOCABULARY_MAX = 65_000      # tantivy's bucket limit: beyond it, the commonest words
_ANALYSIS = build_schema()   # the analyzers of each text field


class _TimeUp(Exception):
    """The search's time limit passed between two of its parts."""


def _schema():
    sb = tantivy.SchemaBuilder()
    for name in RAW_FIELDS + FACETS:
        # Facets are fast fields too: tantivy's terms aggregations can count them.
        sb.add_text_field(name, tokenizer_name="raw", index_option="basic",
                          fast=name in VOCABULARY_FIELDS or name in FACETS)
    for name in ("title",) + TEXT_FIELDS:
        sb.add_text_field(name, tokenizer_name="whitespace",
                          index_option="position" if name in PHRASE_FIELDS else "freq",
                          fast=name in VOCABULARY_FIELDS)
    sb.add_bytes_field("stored", stored=True, indexed=False)
    return sb.build()


def _open_index(path):
    ix = tantivy.Index.open(str(path))
    # The vocabulary's fast fields keep the tokens as given (the whitespace tokenizer).
    ix.register_fast_field_tokenizer(
        "whitespace", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
    return ix


def create(path):
    """Empty `docs` and `pages` indexes in the directory `path`."""
    schema = _schema()
    for name in (PAGES, DOCS):
        (Path(path) / name).mkdir()
        tantivy.Index(schema, path=str(Path(path) / name), reuse=False)


def open_pair(path):
    """The TantivyPair of the directory `path`."""
    return TantivyPair(Path(path))


def generation(path):
    """What changes with every commit: each index's meta.json (tantivy rewrites it)."""
    out = []
    for name in (DOCS, PAGES):
        try:
            st = (Path(path) / name / "meta.json").stat()
            out.append((st.st_mtime_ns, st.st_size))
        except OSError:
            out.append(None)
    return tuple(out)


# -- entries ----------------------------------------------------------------------------
def facet_terms(name, value):
    """The terms a field's value is indexed as, as Whoosh's fields make them: a facet
    (KEYWORD, commas, lower case) splits at commas; an ID is kept whole."""
    if value is None or value == "":
        return []
    if name in FACETS:
        return [v.strip().lower() for v in str(value).split(",") if v.strip()]
    return [str(value)]


def tokens(field, text):
    """The tokens our analyzer of `field` makes of `text`, joined by spaces: what the
    tantivy field is given (and its whitespace tokenizer splits back)."""
    return " ".join(analyse(_ANALYSIS[field].analyzer, text))


def to_document(entry):
    """A tantivy Document of one entry of indexer.schema.document_entries."""
    doc = tantivy.Document()
    for name in RAW_FIELDS + FACETS:
        for term in facet_terms(name, entry.get(name)):
            doc.add_text(name, term)
    for name in ("title",) + TEXT_FIELDS:
        if entry.get(name):
            doc.add_text(name, tokens(name, entry[name]))
    stored = {k: v for k, v in entry.items() if k not in TEXT_FIELDS}
    doc.add_bytes("stored", json.dumps(stored, ensure_ascii=False).encode())
    return doc


def _stored(searcher, address):
    return json.loads(bytes(searcher.doc(address).get_first("stored")))


def _all(searcher, q):
    """[(score, address)] of every entry matching a tantivy query."""
    return searcher.search(q, limit=max(1, searcher.num_docs), count=False).hits


class TantivyPair:
    """The `docs` and `pages` tantivy indexes of one directory."""

    engine = NAME

    def __init__(self, path):
        self.path = path
        self.docs = _open_index(path / DOCS)
        self.pages = _open_index(path / PAGES)
        self.schema = self.docs.schema

    def _doc_entries(self):
        s = self.docs.searcher()
        q = tantivy.Query.term_query(self.schema, "kind", "doc")
        return [_stored(s, a) for _, a in _all(s, q)]

    def indexed_keys(self):
        """{document id: index key} of every document in the index."""
        return {f["doc_id"]: f["index_key"] for f in self._doc_entries()}

    def indexed_key(self, doc_id):
        """The index key of one document (None: not in the index)."""
        s = self.docs.searcher()
        hits = s.search(tantivy.Query.term_query(self.schema, "doc_id", doc_id), 1).hits
        return _stored(s, hits[0][1])["index_key"] if hits else None

    def indexed_twice(self):
        """Document ids with more than one entry in the `docs` index."""
        counts = Counter(f["doc_id"] for f in self._doc_entries())
        return sorted(i for i, n in counts.items() if n > 1)

    def writer(self, procs=1):
        """A TantivyWriter on both indexes (tantivy uses its own threads: `procs` is
        its number of indexing threads for pages)."""
        return TantivyWriter(self, procs)

    def compact(self, waste=0.25):
        """Nothing to do: tantivy merges its segments (and drops deleted entries) itself."""

    def view(self):
        """A TantivyView of the committed state."""
        return TantivyView(self)


class TantivyWriter:
    """Writers on both indexes: commits pages, then documents, or rolls both back (the
    same order, and so the same crash behaviour, as the Whoosh engine's)."""

    def __init__(self, pair, procs=1):
        self.pages = pair.pages.writer(WRITER_BYTES * max(1, procs), max(1, procs))
        self.docs = pair.docs.writer(WRITER_BYTES, 1)

    def __enter__(self):
        return self

    def delete(self, doc_id):
        """Remove a document's entries (its document entry and its pages)."""
        self.pages.delete_documents_by_term("doc_id", doc_id)
        self.docs.delete_documents_by_term("doc_id", doc_id)

    def add_entries(self, entry, pages):
        """Add a document's entry and its page entries (indexer.schema.document_entries)."""
        self.docs.add_document(to_document(entry))
        for page in pages:
            self.pages.add_document(to_document(page))

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                crash_point("during_index")
                self.pages.commit()
                self.docs.commit()
            else:
                self.pages.rollback()
                self.docs.rollback()
        finally:
            # Releases each index's writer lock now, not at garbage collection.
            for w in (self.pages, self.docs):
                try:
                    w.wait_merging_threads()
                except Exception:   # noqa: BLE001 (a rolled-back writer may refuse)
                    pass
            self.pages = self.docs = None
        return False


# -- searching --------------------------------------------------------------------------
class _Info:
    def __init__(self, df):
        self._df = df

    def doc_frequency(self):
        """How many entries have the word."""
        return self._df


class _Vocabulary:
    """The words of some fields with their document frequencies, sorted, for
    indexer.query.bound_prefixes (`schema`, `iter_prefix`) and did-you-mean."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.schema = VOCABULARY_FIELDS
        self._words = {}

    def words(self, field):
        """([word], [doc frequency]) of a field, sorted by word."""
        if field not in self._words:
            agg = self.searcher.aggregate(
                tantivy.Query.all_query(),
                {"v": {"terms": {"field": field, "size": VOCABULARY_MAX}}})
            pairs = sorted((b["key"], b["doc_count"]) for b in agg["v"]["buckets"])
            self._words[field] = ([w for w, _ in pairs], [n for _, n in pairs])
        return self._words[field]

    def iter_prefix(self, field, prefix):
        """(word, info) of the words beginning with `prefix`, in order."""
        words, counts = self.words(field)
        i = bisect.bisect_left(words, prefix)
        while i < len(words) and words[i].startswith(prefix):
            yield words[i], _Info(counts[i])
            i += 1


class TantivyView:
    """One committed state of a pair: every `doc` entry numbered (docnum), its stored
    fields and facet values read once."""

    engine = NAME

    def __init__(self, pair):
        self.pair = pair
        self.path = pair.path
        self._gen = generation(pair.path)
        self.generation = (str(pair.path), NAME, self._gen)
        self.s = pair.docs.searcher()
        self.p = pair.pages.searcher()
        self.tschema = pair.schema
        self.schema = _ANALYSIS
        hits = _all(self.s, tantivy.Query.term_query(self.tschema, "kind", "doc"))
        addresses = sorted(((a.segment_ord, a.doc) for _, a in hits))
        by_key = {(a.segment_ord, a.doc): a for _, a in hits}
        self._stored = [_stored(self.s, by_key[k]) for k in addresses]
        self._docnum_of = {k: n for n, k in enumerate(addresses)}
        self._by_id = {f["doc_id"]: n for n, f in enumerate(self._stored)}
        self._vocabulary = None
        self.facet_values = FacetValues(self._read_values, self._read_shared)

    def _read_values(self, name):
        return [tuple(sorted(set(facet_terms(name, f.get(name))))) for f in self._stored]

    def _read_shared(self):
        by_work = {}
        for n, f in enumerate(self._stored):
            by_work.setdefault(f.get("work"), []).append(n)
        return {n: work for work, ns in by_work.items() if len(ns) > 1 for n in ns}

    def up_to_date(self):
        """Whether no commit happened since this view was opened."""
        return generation(self.path) == self._gen

    def close(self):
        """Nothing held open beyond the searchers, dropped with the view."""

    def prefix_reader(self):
        """The vocabulary indexer.query.bound_prefixes lists a prefix's words from."""
        if self._vocabulary is None:
            self._vocabulary = _Vocabulary(self.s)
        return self._vocabulary

    def stored(self, docnum):
        """The stored fields of a `doc` entry."""
        return self._stored[docnum]

    def docnum(self, doc_id):
        """The docnum of a document's entry, or None."""
        return self._by_id.get(doc_id)

    def _public(self, docnum):
        return self._stored[docnum].get("status") == "published"

    def match(self, q, public_only, browsing):
        """([(score, docnum)] best first (newest first when browsing), partial)."""
        if browsing:
            shown = [n for n in range(len(self._stored)) if not public_only or self._public(n)]
            shown.sort(key=lambda n: self._stored[n].get("date") or "", reverse=True)
            return [(0.0, n) for n in shown], False
        scores, partial = self._scores(q)
        ranked = sorted(((-sc, n) for n, sc in scores.items()
                         if not public_only or self._public(n)))
        return [(-neg, n) for neg, n in ranked], partial

    def count(self, q, filters, public_only):
        """(the number of documents matching `q` and the filters, partial)."""
        if isinstance(q, wq.Every):
            found, partial = set(range(len(self._stored))), False
        else:
            scores, partial = self._scores(q)
            found = set(scores)
        for name, values in filters.items():
            # As the Whoosh engine's term filter: a date bound is no field, matches nothing.
            found &= self.facet_values.having(name, values) if name in FACETS else set()
        return sum(1 for n in found if not public_only or self._public(n)), partial

    def _scores(self, q):
        try:
            return self._evaluate(q), False
        except _TimeUp:
            return {}, True

    def _evaluate(self, q):
        """{docnum: score} of a query over the `doc` entries."""
        if past_deadline():
            raise _TimeUp
        if not _needs_python(q):
            native = translate(self.tschema, q)
            return {self._docnum_of[(a.segment_ord, a.doc)]: sc
                    for sc, a in _all(self.s, native)
                    if (a.segment_ord, a.doc) in self._docnum_of}
        if isinstance(q, BestMatch):
            out = _best_match(q, [self._evaluate(sub) for sub in q.subqueries])
        elif isinstance(q, Without):
            base, excluded = (self._evaluate(sub) for sub in q.subqueries)
            out = {n: sc for n, sc in base.items() if n not in excluded}
        elif isinstance(q, wq.AndMaybe):
            a, b = self._evaluate(q.a), self._evaluate(q.b)
            out = {n: sc + b.get(n, 0.0) for n, sc in a.items()}
        elif isinstance(q, wq.And):
            parts = [self._evaluate(sub) for sub in q.subqueries]
            common = set.intersection(*(set(p) for p in parts)) if parts else set()
            out = {n: sum(p[n] for p in parts) for n in common}
        elif isinstance(q, wq.Or):
            out = {}
            for part in (self._evaluate(sub) for sub in q.subqueries):
                for n, sc in part.items():
                    out[n] = out.get(n, 0.0) + sc
        else:
            raise TypeError(f"the tantivy engine cannot search {q!r}")
        if q.boost != 1.0 and not isinstance(q, BestMatch):    # BestMatch applies its own
            out = {n: sc * q.boost for n, sc in out.items()}
        return out

    def page_matches(self, q, doc_ids):
        """({doc id: [(score, page, page ref)]}, partial) of the pages matching `q`."""
        if past_deadline():
            return {}, True
        scope = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(self.tschema, "doc_id", i))
             for i in doc_ids])
        native = tantivy.Query.boolean_query([
            (tantivy.Occur.Must, translate(self.tschema, _without_best_match(q))),
            (tantivy.Occur.Must, scope)])
        found = {}
        for score, address in _all(self.p, native):
            page = _stored(self.p, address)
            found.setdefault(page["doc_id"], []).append((score, page["page"], page))
        return found, False

    def _pages_of(self, doc_id):
        q = tantivy.Query.term_query(self.tschema, "doc_id", doc_id)
        return sorted((_stored(self.p, a) for _, a in _all(self.p, q)),
                      key=lambda page: page["page"])

    def page_body(self, ref):
        """The text of a page entry (its ref is its stored fields)."""
        return ref["body"]

    def first_page(self, doc_id):
        """The ref of a document's first page with text, or None."""
        pages = self._pages_of(doc_id)
        return pages[0] if pages else None

    def document_text(self, doc_id):
        """A document's text, its pages joined."""
        return " ".join(p.get("body", "") for p in self._pages_of(doc_id))

    def more_like(self, docnum, text, top, public_only, numterms=20):
        """Stored fields of the documents most like `text` (not `docnum` itself): its 20
        most telling words (frequent here, rare in the index), as Whoosh's more_like."""
        counts = Counter(analyse(_ANALYSIS["text_any"].analyzer, text))
        total = max(1, self.s.num_docs)
        weighted = []
        for word, tf in counts.items():
            df = self.s.doc_freq("text_any", word)
            if df:
                weighted.append((tf * math.log(1 + total / df), word))
        key = sorted(weighted, reverse=True)[:numterms]
        if not key:
            return []
        q = wq.Or([wq.Term("text_any", w, boost=weight) for weight, w in key])
        scores = self._evaluate(q)
        ranked = sorted((-sc, n) for n, sc in scores.items()
                        if n != docnum and (not public_only or self._public(n)))
        return [self._stored[n] for _, n in ranked[:top]]

    def doc_frequency(self, field, term):
        """How many `doc` entries have `term` in `field`."""
        try:
            return self.s.doc_freq(field, term)
        except ValueError:
            return 0

    def corrections(self, term, limit=5):
        """Words of the neutral field within 2 edits of `term`, sharing its first letter,
        the commonest first (as Whoosh's corrector ranks them)."""
        words, counts = self.prefix_reader().words("text_any")
        first = term[:1]
        i = bisect.bisect_left(words, first)
        found = []
        while i < len(words) and words[i].startswith(first):
            word = words[i]
            if word != term and abs(len(word) - len(term)) <= 2 and \
                    _edits(word, term, 2) <= 2:
                found.append((-counts[i], word))
            i += 1
        return [w for _, w in sorted(found)[:limit]]


def _best_match(q, parts):
    """indexer.query.BestMatch's rule on evaluated parts: the documents worth at least
    `minimum` words, scored by their parts' sum times the coordination factor."""
    words, clauses, scores = {}, {}, {}
    for part, weight, repeat in zip(parts, q.weights, q.repeats):
        for n, sc in part.items():
            words[n] = words.get(n, 0) + weight
            clauses[n] = clauses.get(n, 0) + repeat
            scores[n] = scores.get(n, 0.0) + sc
    total = sum(q.repeats)
    return {n: scores[n] * (clauses[n] / total) ** q.coordination * q.boost
            for n, c in words.items() if c >= q.minimum}


def _needs_python(q):
    if isinstance(q, BestMatch):
        return True
    return not q.is_leaf() and any(_needs_python(c) for c in q.children())


def _without_best_match(q):
    # Pages are found by any of the words (indexer.query.any_part): a best match left
    # inside is read as a union.
    if isinstance(q, BestMatch):
        return wq.Or([_without_best_match(s) for s in q.subqueries], boost=q.boost)
    return q if q.is_leaf() else q.apply(_without_best_match)


def translate(schema, q):
    """The tantivy query of a Whoosh query tree without best matches."""
    Q, Occur = tantivy.Query, tantivy.Occur
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return Q.empty_query()
    if isinstance(q, wq.Every):
        out = Q.all_query()
    elif isinstance(q, wq.Term):
        if q.fieldname not in _FIELD_NAMES or not isinstance(q.text, str):
            return Q.empty_query()
        out = Q.term_query(schema, q.fieldname, q.text)
    elif isinstance(q, wq.Phrase):
        if q.fieldname not in _FIELD_NAMES:
            return Q.empty_query()
        out = Q.term_query(schema, q.fieldname, q.words[0]) if len(q.words) == 1 else \
            Q.phrase_query(schema, q.fieldname, list(q.words))
    elif isinstance(q, wq.Prefix):
        import re
        out = Q.regex_query(schema, q.fieldname, re.escape(q.text) + ".*")
    elif isinstance(q, Without):
        base, excluded = (translate(schema, s) for s in q.subqueries)
        out = Q.boolean_query([(Occur.Must, base), (Occur.MustNot, excluded)])
    elif isinstance(q, wq.AndMaybe):
        out = Q.boolean_query([(Occur.Must, translate(schema, q.a)),
                               (Occur.Should, translate(schema, q.b))])
    elif isinstance(q, wq.And):
        out = Q.boolean_query([(Occur.Must, translate(schema, s)) for s in q.subqueries])
    elif isinstance(q, wq.Or):
        out = Q.boolean_query([(Occur.Should, translate(schema, s)) for s in q.subqueries])
    elif isinstance(q, wq.Not):
        out = Q.boolean_query([(Occur.Must, Q.all_query()),
                               (Occur.MustNot, translate(schema, q.query))])
    else:
        raise TypeError(f"the tantivy engine cannot search {q!r}")
    return Q.boost_query(out, float(q.boost)) if q.boost != 1.0 else out


_FIELD_NAMES = frozenset(RAW_FIELDS + FACETS + ("title",) + TEXT_FIELDS)


def _edits(a, b, most):
    """The Levenshtein distance of two words, or `most` + 1 once it exceeds `most`."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        if min(current) > most:
            return most + 1
        previous = current
    return previous[-1]
