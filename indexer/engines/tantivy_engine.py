"""The tantivy engine: a `docs` and a `pages` tantivy index per directory.

Analysis equality with the Whoosh engine holds by construction: every text field is
analysed by our own analyzers (indexer.analysis, as named in indexer.schema) and handed
to tantivy as those tokens joined by spaces, which tantivy's `whitespace` tokenizer
splits back unchanged (no lower-casing, stemming or folding of its own). The query
tree indexer.query builds already holds analysed terms, so a term means the same in
both engines.

Queries are translated to tantivy's (Term, Phrase, Or, And, AndMaybe, Without, boosts);
a best match (at least k of n words, coordination) has no tantivy equivalent in the
bindings, so a subtree holding one is scored here: each of its parts by tantivy,
combined in Python exactly as indexer.query.BestMatch does. For a results page
(TantivyView.top_works) tantivy matches, counts and facets by itself, and ranks the
matches by a bound of that score; only the best candidates are scored here.

A process's threads share one view per commit (VIEWS_SHARED, indexer.index.IndexStore.
view); a rebuild's entries are analysed on `procs` processes (TantivyWriter).
"""
import bisect
import json
import math
import os
import re
from collections import Counter, deque
from itertools import combinations
from multiprocessing import get_context
from pathlib import Path

import tantivy
from whoosh import query as wq

from indexer.analysis import analyse
from indexer.engines import TopWorks
from indexer.facets import FacetValues
from indexer.query import (BestMatch, Without, is_null, past_deadline, present_parts,
                            without_absent)
from indexer.schema import FACETS, TEXT_FIELDS, build_schema
from repo.faults import crash_point
from repo.lifetime import die_with_parent

NAME = "tantivy"
VIEWS_SHARED = True     # a TantivyView is read-only once open: a process's threads share it
DOCS, PAGES = "docs", "pages"
WRITER_BYTES = 64_000_000
RAW_FIELDS = ("kind", "doc_id", "work", "index_key", "status", "date", "symbol")
PHRASE_FIELDS = ("title", "text_any")          # with positions, as in the Whoosh schema
VOCABULARY_FIELDS = ("title", "text_any", "symbol")   # listed for prefixes, did-you-mean
VOCABULARY_MAX = 65_000      # tantivy's bucket limit: beyond it, the commonest words
ENTRIES = "_entries"          # the aggregation counting the matches
TOP_CANDIDATES = 64          # entries scored exactly at first by top_works (then x4)
PAGE_HEADS_KEPT = 20_000     # page entries' (doc id, page) a view keeps (~6 MB)
SUBSETS_MAX_PARTS = 6        # a best match of more parts is bounded by their sum
CANDIDATES_MAX = 1024        # top_works scores every match rather than more candidates
# Entries below which a long question (a best match of more than SUBSETS_MAX_PARTS parts)
# is left to the facade: with up to CANDIDATES_MAX candidates scored, its rounds cost
# more than scoring every match (bench/top_works_check.py --long-native-from 0: p50 1.1x
# slower at 2,000 documents, 4.7x faster at 10,000).
LONG_NATIVE_FROM = 4 * CANDIDATES_MAX
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


def analysed(entry):
    """{field: tokens joined by spaces} of an entry's title and text fields: the costly
    part of indexing it (our analyzers, in Python), done apart so that a rebuild can
    spread it over processes."""
    return {name: tokens(name, entry[name]) for name in ("title",) + TEXT_FIELDS
            if entry.get(name)}


def analysed_entries(entries):
    """[analysed(entry)] of a document's entries, its document entry first, then its
    pages (a pool worker's job).

    A document entry's text field is its pages' texts of that field joined by line
    breaks (indexer.schema), and no token spans a line break: its tokens are its pages'
    tokens in order, taken from them rather than analysed a second time (it halves the
    analysis, most of a build's time in the main process)."""
    if not entries:
        return []
    entry, pages = entries[0], entries[1:]
    analysed_pages = [analysed(page) for page in pages]
    fields = {"title": tokens("title", entry["title"])} if entry.get("title") else {}
    for name in (n for n in TEXT_FIELDS if entry.get(n)):
        parts = [(page[name], done[name]) for page, done in zip(pages, analysed_pages)
                 if page.get(name)]
        if entry[name] == "\n".join(text for text, _ in parts):
            fields[name] = " ".join(terms for _, terms in parts if terms)
        else:
            fields[name] = tokens(name, entry[name])
    return [fields] + analysed_pages


def to_document(entry, fields=None):
    """A tantivy Document of one entry of indexer.schema.document_entries (`fields`:
    its analysed(entry), if already made)."""
    doc = tantivy.Document()
    for name in RAW_FIELDS + FACETS:
        for term in facet_terms(name, entry.get(name)):
            doc.add_text(name, term)
    for name, text in (analysed(entry) if fields is None else fields).items():
        doc.add_text(name, text)
    stored = {k: v for k, v in entry.items() if k not in TEXT_FIELDS}
    doc.add_bytes("stored", json.dumps(stored, ensure_ascii=False).encode())
    return doc


def _stored(searcher, address):
    return json.loads(bytes(searcher.doc(address).get_first("stored")))


# A page entry's stored JSON begins with its document and page (indexer.schema's order):
# read from there, its text is not decoded for every matching page.
_PAGE_HEAD = re.compile(rb'\{"kind": "page", "doc_id": ("(?:[^"\\]|\\.)*"), "page": (\d+)[,}]')


def _page_head(searcher, address):
    """(doc id, page number) of a page entry."""
    raw = bytes(searcher.doc(address).get_first("stored"))
    head = _PAGE_HEAD.match(raw)
    if head is None:
        page = json.loads(raw)
        return page["doc_id"], page["page"]
    return json.loads(head.group(1)), int(head.group(2))


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
    same order, and so the same crash behaviour, as the Whoosh engine's).

    With procs > 1 (a rebuild), `procs` processes analyse the entries (our analyzers are
    Python, and were a rebuild's one busy core) while this one adds them, in order."""

    def __init__(self, pair, procs=1):
        self.pages = pair.pages.writer(WRITER_BYTES * max(1, procs), max(1, procs))
        self.docs = pair.docs.writer(WRITER_BYTES, 1)
        # Its processes die with this one (a rebuild killed half-way leaves none behind).
        self.pool = get_context("spawn").Pool(procs, die_with_parent, (os.getpid(),)) \
            if procs > 1 else None
        self.pending = deque()       # (entry, pages, async analysis), in the order given
        self.ahead = 8 * procs       # documents analysed ahead of the writer at most

    def __enter__(self):
        return self

    def delete(self, doc_id):
        """Remove a document's entries (its document entry and its pages)."""
        self._drain(0)               # an add given before the delete is deleted with it
        self.pages.delete_documents_by_term("doc_id", doc_id)
        self.docs.delete_documents_by_term("doc_id", doc_id)

    def add_entries(self, entry, pages):
        """Add a document's entry and its page entries (indexer.schema.document_entries)."""
        if self.pool is None:
            self._add(entry, pages, None)
            return
        self.pending.append((entry, pages, self.pool.apply_async(
            analysed_entries, ([entry] + list(pages),))))
        self._drain(self.ahead)

    def _drain(self, keep):
        while len(self.pending) > keep:
            entry, pages, job = self.pending.popleft()
            self._add(entry, pages, job.get())

    def _add(self, entry, pages, fields):
        fields = fields or analysed_entries([entry] + list(pages))
        self.docs.add_document(to_document(entry, fields[0]))
        for page, analysed_page in zip(pages, fields[1:]):
            self.pages.add_document(to_document(page, analysed_page))

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self._drain(0)
                crash_point("during_index")
                self.pages.commit()
                self.docs.commit()
            else:
                self.pages.rollback()
                self.docs.rollback()
        finally:
            if self.pool is not None:
                self.pool.terminate()
                self.pool.join()
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
        self.opened_generation = generation(pair.path)
        self.generation = (str(pair.path), NAME, self.opened_generation)
        self.s = pair.docs.searcher()
        self.p = pair.pages.searcher()
        self.tschema = pair.schema
        self.schema = _ANALYSIS
        hits = _all(self.s, tantivy.Query.term_query(self.tschema, "kind", "doc"))
        addresses = sorted((a for _, a in hits), key=lambda a: (a.segment_ord, a.doc))
        self._stored = [_stored(self.s, a) for a in addresses]
        self._docnum_of = {(a.segment_ord, a.doc): n for n, a in enumerate(addresses)}
        self._by_id = {f["doc_id"]: n for n, f in enumerate(self._stored)}
        self._vocabulary = None
        self.facet_values = FacetValues(self._read_values, self._read_shared)
        # (doc id, page number) of the page entries read so far, by address: the pages of
        # the documents shown are looked up again and again for as long as this commit
        # is the live one (each lookup reads a block of the store). Bounded.
        self._heads = {}

    def _page_head(self, address):
        key = (address.segment_ord, address.doc)
        head = self._heads.get(key)
        if head is None:
            if len(self._heads) >= PAGE_HEADS_KEPT:
                self._heads.clear()
            head = self._heads[key] = _page_head(self.p, address)
        return head

    def _read_values(self, name):
        return [tuple(sorted(set(facet_terms(name, f.get(name))))) for f in self._stored]

    def _read_shared(self):
        by_work = {}
        for n, f in enumerate(self._stored):
            by_work.setdefault(f.get("work"), []).append(n)
        return {n: work for work, ns in by_work.items() if len(ns) > 1 for n in ns}

    def up_to_date(self):
        """Whether no commit happened since this view was opened."""
        return generation(self.path) == self.opened_generation

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
        """(the number of documents matching `q` and the filters, partial). Counted by
        tantivy when the match can be written natively (a "did you mean" is checked
        this way after every search that finds nothing: scoring every match of the
        corrected words made such a search the slowest of the benchmark's)."""
        native = self._native(q, filters)
        if native is not None:
            if past_deadline():
                return 0, True
            matching = _filtered(native[1], self._conditions(filters, public_only))
            return self.s.search(matching, limit=1, count=True).count, False
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

    def _evaluate(self, q, scope=None):
        """{docnum: score} of a query over the `doc` entries (with `scope`, a tantivy
        query, over those it matches only: the same scores, since it adds none)."""
        if past_deadline():
            raise _TimeUp
        if is_null(q):
            return {}
        if not _needs_python(q):
            native = translate(self.tschema, q)
            if scope is not None:
                native = _filtered(native, [scope])
            docnum_of = self._docnum_of
            return {docnum_of[(a.segment_ord, a.doc)]: sc
                    for sc, a in _all(self.s, native)}
        if isinstance(q, BestMatch):
            out = q.combine([self._evaluate(sub, scope) for sub in q.subqueries])
        elif isinstance(q, Without):
            base, excluded = (self._evaluate(sub, scope) for sub in q.subqueries)
            out = {n: sc for n, sc in base.items() if n not in excluded}
        elif isinstance(q, wq.AndMaybe):
            a, b = self._evaluate(q.a, scope), self._evaluate(q.b, scope)
            out = {n: sc + b.get(n, 0.0) for n, sc in a.items()}
        elif isinstance(q, wq.And):
            parts = [self._evaluate(sub, scope) for sub in q.subqueries]
            common = set.intersection(*(set(p) for p in parts)) if parts else set()
            out = {n: sum(p[n] for p in parts) for n in common}
        elif isinstance(q, wq.Or):
            out = {}
            for part in (self._evaluate(sub, scope) for sub in q.subqueries):
                for n, sc in part.items():
                    out[n] = out.get(n, 0.0) + sc
        else:
            raise TypeError(f"the tantivy engine cannot search {q!r}")
        if q.boost != 1.0 and not isinstance(q, BestMatch):    # BestMatch applies its own
            out = {n: sc * q.boost for n, sc in out.items()}
        return out

    # -- the first works without scoring every match ----------------------------------
    def top_works(self, q, filters, want, public_only):
        """A TopWorks of the first `want` works of `q` in relevance order, or None when
        the query cannot be matched natively (browsing, a date filter, a best match
        needing more than two words) or a long question is asked of fewer than
        LONG_NATIVE_FROM entries: then the facade scores every match.

        Which entries match, how many works and the facet counts come from tantivy (a
        best match of "two of these words" written as a boolean query; terms
        aggregations). Only the best candidates are scored by our own arithmetic: tantivy
        ranks the matches by a bound no lower than each one's score (see _bound: exact
        for the documents with all or all but one of a best match's parts), we score
        its best K, and, until the `want`-th work's score is above the bound of every
        entry left out, the bound is made exact for every set of parts, then K grows
        (beyond CANDIDATES_MAX, every match is scored). A best match of more than
        SUBSETS_MAX_PARTS parts is bounded by the sum of its parts. So the order is the
        one scoring every match would give, scores included."""
        native = self._native(q, filters)
        if native is None:
            return None
        q, match = native
        if len(self._stored) < LONG_NATIVE_FROM and _long_best_match(q):
            return None
        try:
            return self._top_works(q, match, filters, want, public_only)
        except _TimeUp:
            return TopWorks([], {}, 0, {})

    def _native(self, q, filters):
        """(`q` without the words no entry has, the tantivy query matching exactly the
        entries it matches), or None when tantivy cannot match it alone: everything
        (browsing), a filter that is no facet (a date bound), a best match needing more
        than two of its words."""
        if isinstance(q, wq.Every) or any(name not in FACETS for name in filters):
            return None
        q = without_absent(q, _term_in(self.s))
        try:
            return q, _native_match(self.tschema, q)
        except _NotNative:
            return None

    def _conditions(self, filters, public_only, leave_out=None):
        out = [self._filter_query("status", ["published"])] if public_only else []
        return out + [self._filter_query(name, values) for name, values in filters.items()
                      if name != leave_out]

    def _filter_query(self, name, values):
        return tantivy.Query.term_set_query(self.tschema, name, list(values))

    def _docnums(self, hits):
        docnum_of = self._docnum_of
        return [(sc, docnum_of[(a.segment_ord, a.doc)]) for sc, a in hits]

    def _ranked(self, q, match, conditions, tight):
        if not _needs_python(q):
            return _filtered(match, conditions)   # its own bound: its scores are exact
        # Not restricted to `match` (that costs as much as the bound): an entry without
        # enough of the words is left out when scored, and ranks no better than its
        # bound, so that what is left out is still bounded.
        return _filtered(_bound(self.tschema, q, tight), conditions)

    def _top_works(self, q, match, filters, want, public_only):
        conditions = self._conditions(filters, public_only)
        best_match, tight = _needs_python(q), False
        ranked = self._ranked(q, match, conditions, tight)
        k = max(TOP_CANDIDATES, 2 * want)
        while True:
            if past_deadline():
                raise _TimeUp
            if k > CANDIDATES_MAX:
                # The bound is too loose for this query (a long question's, of more parts
                # than SUBSETS_MAX_PARTS, is their plain sum): score every match at once.
                exact = self._every_match(q, conditions)
                order = sorted(exact, key=lambda n: (-exact[n], n))
                works = self.facet_values.works(order)[:want]
                break
            candidates = self._docnums(self.s.search(ranked, limit=k, count=False).hits)
            if best_match:
                exact = self._evaluate(q, self._scope([n for _, n in candidates]))
            else:
                # The conditions add 0.0 to the query's own score: the exact one.
                exact = {n: sc for sc, n in candidates}
            order = sorted(exact, key=lambda n: (-exact[n], n))
            works = self.facet_values.works(order)[:want]
            if len(candidates) < k or len(works) >= want and (
                    not works or exact[works[-1][0]] > _above(candidates[-1][0])):
                break                # every match scored, or none left out could rank
            if best_match and not tight and _tightens(q):
                # Documents with few of the words ranked too high: score every set of
                # words exactly (dearer) before taking more candidates.
                tight = True
                ranked = self._ranked(q, match, conditions, tight)
                continue
            k *= 4
        allowed = {name: self.facet_values.having(name, values)
                   for name, values in filters.items()}
        matched = self._matching(match, public_only, self.facet_values.shared())
        passing = self.facet_values.works(
            [n for n in matched if all(n in ok for ok in allowed.values())])
        counts, entries = self._facet_counts(match, filters, public_only, matched, allowed)
        # A work's second (third...) matching versions are not works of their own.
        repeated = sum(len(group) - 1 for group in passing)
        return TopWorks(self._whole_works(q, works, exact, passing), exact,
                        entries - repeated, counts)

    def _every_match(self, q, conditions):
        """{docnum: score} of every entry matching `q` and the conditions."""
        if not conditions:
            return self._evaluate(q)
        return self._evaluate(q, _filtered(tantivy.Query.all_query(), conditions))

    def _scope(self, docnums):
        return tantivy.Query.term_set_query(
            self.tschema, "doc_id", [self._stored[n]["doc_id"] for n in docnums])

    def _matching(self, match, public_only, among):
        """The docnums of `among` matching `match` (and published, if `public_only`)."""
        if not among:
            return []
        q = _filtered(match, self._conditions({}, public_only) + [self._scope(among)])
        return sorted(n for _, n in self._docnums(_all(self.s, q)))

    def _whole_works(self, q, works, exact, passing):
        """The works with all their matching versions that pass the filters (`passing`:
        those versions, grouped by work; one may rank below the candidates scored),
        each work's best first."""
        shared = self.facet_values.shared()
        by_work = {shared[group[0]]: group for group in passing}
        versions = [by_work.get(shared.get(group[0]), group) for group in works]
        missing = [n for group in versions for n in group if n not in exact]
        if missing:
            exact.update(self._evaluate(q, self._scope(missing)))
        return [sorted(group, key=lambda n: (-exact[n], n)) for group in versions]

    def _facet_counts(self, match, filters, public_only, matched, allowed):
        """({facet: {value: works}}, each selected facet without its own filter; the
        number of entries matching with every filter)."""
        out = self._aggregate(match, self._conditions(filters, public_only),
                              [f for f in FACETS if f not in filters], entries=True)
        entries = out.pop(None)
        for name in (f for f in FACETS if f in filters):
            out.update(self._aggregate(
                match, self._conditions(filters, public_only, leave_out=name), [name]))
        for name, counts in out.items():
            # Versions of one work count once per value (as indexer.facets counts).
            versions = [n for n in matched
                        if all(n in ok for f, ok in allowed.items() if f != name)]
            for value, extra in self.facet_values.repeats(name, versions).items():
                counts[value] -= extra
        return out, entries

    def _aggregate(self, match, conditions, names, entries=False):
        """{facet: {value: entries}} of the entries matching (with `entries`, and under
        None, how many they are)."""
        query = _filtered(match, conditions)
        aggs = {name: {"terms": {"field": name, "size": VOCABULARY_MAX}} for name in names}
        if entries:
            # Every entry has one year (or none, counted as missing): its buckets add up
            # to the number of entries.
            aggs[ENTRIES] = {"terms": {"field": "year", "size": VOCABULARY_MAX,
                                       "missing": ""}}
        found = self.s.aggregate(query, aggs)
        out = {name: {b["key"]: b["doc_count"] for b in found[name]["buckets"]}
               for name in names}
        if entries:
            out[None] = sum(b["doc_count"] for b in found[ENTRIES]["buckets"]) + \
                found[ENTRIES].get("sum_other_doc_count", 0)
        return out

    def page_matches(self, q, doc_ids):
        """({doc id: [(score, page, page ref)]}, partial) of the pages matching `q` (a
        page ref is its address: its text is read only for the page shown)."""
        if past_deadline():
            return {}, True
        scope = _ids_query(self.tschema, doc_ids)
        # The words no page has are left out (fewer terms to step through), and the
        # scope adds nothing to a page's score (it added its document's id's weight).
        words = without_absent(_without_best_match(q), _term_in(self.p))
        native = _filtered(translate(self.tschema, words, scope), [scope])
        found = {}
        for score, address in _all(self.p, native):
            doc_id, page = self._page_head(address)
            found.setdefault(doc_id, []).append((score, page, address))
        return found, False

    def _pages_of(self, doc_id):
        q = tantivy.Query.term_query(self.tschema, "doc_id", doc_id)
        return sorted((self._page_head(a)[1], a) for _, a in _all(self.p, q))

    def page_body(self, ref):
        """The text of a page entry (its ref is its address)."""
        return _stored(self.p, ref).get("body", "")

    def first_page(self, doc_id):
        """The ref of a document's first page with text, or None."""
        pages = self._pages_of(doc_id)
        return pages[0][1] if pages else None

    def document_text(self, doc_id):
        """A document's text, its pages joined."""
        return " ".join(self.page_body(a) for _, a in self._pages_of(doc_id))

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


def _ids_query(schema, doc_ids):
    """The entries of these documents. (A union of term queries: tantivy's term set
    query makes a bit set of the whole index each time, and a scope is used for each
    word of a query, see _within.)"""
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Should, tantivy.Query.term_query(schema, "doc_id", i))
         for i in doc_ids])


def _filtered(query, conditions):
    """`query` restricted to what every condition matches, its scores unchanged."""
    if not conditions:
        return query
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, query)]
        + [(tantivy.Occur.Must, tantivy.Query.const_score_query(c, 0.0)) for c in conditions])


def _above(bound):
    # tantivy scores in 32-bit floats (a sum of them can fall 2e-7 below ours): a margin
    # keeps "above" strict.
    return bound * (1 + 1e-6) + 1e-9


class _NotNative(Exception):
    """A query tantivy cannot match by itself."""


def _native_match(schema, q):
    """The tantivy query matching exactly the entries `q` matches (its scores aside):
    a best match of at most two words written out as "this one and one of the later
    ones". _NotNative for a best match needing more."""
    Q, Occur = tantivy.Query, tantivy.Occur
    if not _needs_python(q):
        return translate(schema, q)
    if isinstance(q, BestMatch):
        present = present_parts(q)           # (the others match nothing)
        parts = [_native_match(schema, q.subqueries[i]) for i in present]
        weights = [q.weights[i] for i in present]
        if q.minimum <= 1:           # (a document must have one of the parts anyway)
            return Q.boolean_query([(Occur.Should, p) for p in parts])
        if q.minimum > 2:
            raise _NotNative
        alone = [p for p, w in zip(parts, weights) if w >= q.minimum]
        single = [p for p, w in zip(parts, weights) if w < q.minimum]
        pairs = [Q.boolean_query([(Occur.Must, p),
                                  (Occur.Must, Q.boolean_query(
                                      [(Occur.Should, r) for r in single[i + 1:]]))])
                 for i, p in enumerate(single[:-1])]
        either = alone + pairs
        return Q.boolean_query([(Occur.Should, p) for p in either]) if either else \
            Q.empty_query()
    if isinstance(q, Without):
        base, excluded = (_native_match(schema, sub) for sub in q.subqueries)
        return Q.boolean_query([(Occur.Must, base), (Occur.MustNot, excluded)])
    if isinstance(q, wq.AndMaybe):
        return _native_match(schema, q.a)
    if isinstance(q, wq.And):
        return Q.boolean_query([(Occur.Must, _native_match(schema, s)) for s in q.subqueries])
    if isinstance(q, wq.Or):
        return Q.boolean_query([(Occur.Should, _native_match(schema, s))
                                for s in q.subqueries])
    raise _NotNative


def _bound(schema, q, tight=False):
    """A tantivy query whose score, for every entry `q` matches, is no lower than the
    score we give it: a best match of a few parts scored exactly when it has all its
    parts but one (all sets of parts when `tight`), otherwise by its parts' sum times
    the best factor it could have; the rest translated as it is."""
    if not _needs_python(q):
        return translate(schema, q)
    if _by_subsets(q):
        return _best_match_by_subsets(schema, q, len(q.subqueries) if tight else 1)
    if isinstance(q, Without):
        return _bound(schema, q.subqueries[0], tight)
    parts = [q.a, q.b] if isinstance(q, wq.AndMaybe) else q.subqueries
    out = tantivy.Query.boolean_query(
        [(tantivy.Occur.Should, _bound(schema, sub, tight)) for sub in parts])
    return tantivy.Query.boost_query(out, float(q.boost)) if q.boost != 1.0 else out


def _long_best_match(q):
    """Whether `q` has a best match of more than SUBSETS_MAX_PARTS parts some entry has."""
    if isinstance(q, BestMatch) and len(present_parts(q)) > SUBSETS_MAX_PARTS:
        return True
    return not q.is_leaf() and any(_long_best_match(c) for c in q.children())


def _by_subsets(q):
    """Whether _bound bounds `q` by its sets of parts: a best match of at most
    SUBSETS_MAX_PARTS parts some entry has, with no best match inside."""
    return isinstance(q, BestMatch) and len(present_parts(q)) <= SUBSETS_MAX_PARTS and \
        not any(_needs_python(sub) for sub in q.subqueries)


def _tightens(q):
    """Whether _bound(q, tight=True) is tighter than _bound(q): whether `q` has a best
    match bounded by its sets of parts (every set then scored exactly)."""
    return _by_subsets(q) or not q.is_leaf() and any(_tightens(c) for c in q.children())


def _best_match_by_subsets(schema, q, exact_below=1):
    """A bound of a best match of a few parts, exact for most documents: the best of a
    clause per set of parts (all of them, and down to `exact_below` fewer), each
    requiring those parts and boosted by that set's coordination factor, so that the
    best clause a document matches is the set it has, scored as we score it; and a
    clause for the documents with fewer parts: their parts' sum times the best factor
    they could have."""
    Q, Occur = tantivy.Query, tantivy.Occur
    # Sets of the parts some entry has (_without_absent): a set with a part no entry
    # has matches nothing. Their factors still count every part typed.
    present = present_parts(q)
    parts = {i: translate(schema, q.subqueries[i]) for i in present}
    n, total = len(parts), sum(q.repeats)

    def factor(chosen):
        return (sum(q.repeats[i] for i in chosen) / total) ** q.coordination * q.boost

    def qualifies(chosen):
        return sum(q.weights[i] for i in chosen) >= q.minimum

    clauses = [Q.boost_query(Q.boolean_query([(Occur.Must, parts[i]) for i in chosen]),
                             factor(chosen))
               for size in range(n, max(0, n - exact_below - 1), -1)
               for chosen in combinations(present, size) if qualifies(chosen)]
    smaller = n - exact_below - 1
    fewer = [c for c in combinations(present, smaller) if qualifies(c)] \
        if smaller >= 1 else []
    if fewer:
        # A set of fewer parts is worth at most the best factor of `smaller` parts.
        clauses.append(Q.boost_query(
            Q.boolean_query([(Occur.Should, p) for p in parts.values()]),
            max(factor(c) for c in fewer)))
    # The best clause, not their sum: a document has all the smaller sets of its own.
    return Q.disjunction_max_query(clauses) if clauses else Q.empty_query()


def _needs_python(q):
    if isinstance(q, BestMatch):
        return True
    return not q.is_leaf() and any(_needs_python(c) for c in q.children())


def _term_in(searcher):
    """has_term(field, term) for _without_absent: whether some entry of `searcher`'s
    index may have `term` in `field` (True when unsure)."""
    def has_term(field, term):
        if field not in _FIELD_NAMES or not isinstance(term, str):
            return False               # (translate makes such a term match nothing)
        try:
            return searcher.doc_freq(field, term) > 0
        except ValueError:
            return True
    return has_term


def _without_best_match(q):
    # Pages are found by any of the words (indexer.query.any_part): a best match left
    # inside is read as a union.
    if isinstance(q, BestMatch):
        return wq.Or([_without_best_match(s) for s in q.subqueries], boost=q.boost)
    return q if q.is_leaf() else q.apply(_without_best_match)


def translate(schema, q, within=None):
    """The tantivy query of a Whoosh query tree without best matches (`within`: a
    tantivy query the entries must match too, required of every word: see _within)."""
    Q, Occur = tantivy.Query, tantivy.Occur
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return Q.empty_query()
    if isinstance(q, wq.Every):
        out = _within(Q.all_query(), within)
    elif isinstance(q, wq.Term):
        if q.fieldname not in _FIELD_NAMES or not isinstance(q.text, str):
            return Q.empty_query()
        out = _within(Q.term_query(schema, q.fieldname, q.text), within)
    elif isinstance(q, wq.Phrase):
        if q.fieldname not in _FIELD_NAMES:
            return Q.empty_query()
        out = _within(Q.term_query(schema, q.fieldname, q.words[0]) if len(q.words) == 1
                      else Q.phrase_query(schema, q.fieldname, list(q.words)), within)
    elif isinstance(q, wq.Prefix):
        import re
        out = _within(Q.regex_query(schema, q.fieldname, re.escape(q.text) + ".*"), within)
    elif isinstance(q, Without):
        base, excluded = (translate(schema, s, within) for s in q.subqueries)
        out = Q.boolean_query([(Occur.Must, base), (Occur.MustNot, excluded)])
    elif isinstance(q, wq.AndMaybe):
        out = Q.boolean_query([(Occur.Must, translate(schema, q.a, within)),
                               (Occur.Should, translate(schema, q.b, within))])
    elif isinstance(q, wq.And):
        out = Q.boolean_query([(Occur.Must, translate(schema, s, within))
                               for s in q.subqueries])
    elif isinstance(q, wq.Or):
        out = Q.boolean_query([(Occur.Should, translate(schema, s, within))
                               for s in q.subqueries])
    elif isinstance(q, wq.Not):
        out = Q.boolean_query([(Occur.Must, _within(Q.all_query(), within)),
                               (Occur.MustNot, translate(schema, q.query, within))])
    else:
        raise TypeError(f"the tantivy engine cannot search {q!r}")
    return Q.boost_query(out, float(q.boost)) if q.boost != 1.0 else out


def _within(leaf, within):
    """`leaf` restricted to `within`, its score unchanged. A few entries searched for
    (the pages of the hits shown, the candidates scored) are found far faster when each
    word requires them than when the union of the words does: tantivy then skips
    through each word's postings to them instead of stepping through the union's."""
    return leaf if within is None else _filtered(leaf, [within])


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
