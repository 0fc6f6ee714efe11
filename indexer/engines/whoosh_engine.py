"""The Whoosh engine: two Whoosh indexes per directory, `docs` and `pages`.

Keeping pages apart keeps the postings that every search walks ten times shorter.
"""
import time
from contextlib import nullcontext
from dataclasses import dataclass

from whoosh import index as whoosh_index
from whoosh import sorting
from whoosh.collectors import FilterCollector
from whoosh.query import And, Or, Term
from whoosh.searching import TimeLimit

from indexer.engines import whoosh_files, whoosh_postings
from indexer.facets import FacetValues
from indexer.query import current_deadline, deadline, without_absent
from indexer.schema import build_schema
from indexer.scoring import weighting
from repo.faults import crash_point
from repo.lifetime import children_die_with_parent

NAME = "whoosh"
DOCS, PAGES = "docs", "pages"
WRITER_MB = 256
PUBLISHED = Term("status", "published")
PAGE_NUMBERS_KEPT = 20_000       # a view's page numbers kept (_page_number)

whoosh_files.install()            # segment files read in place, not copied (see there)


def create(path):
    """Empty `docs` and `pages` indexes in the directory `path`."""
    # pages first: a directory counts as an index once its `docs` index exists.
    whoosh_index.create_in(str(path), build_schema(), indexname=PAGES)
    whoosh_index.create_in(str(path), build_schema(), indexname=DOCS)


def open_pair(path):
    """The IndexPair of the directory `path`."""
    return IndexPair(whoosh_index.open_dir(str(path), indexname=DOCS),
                     whoosh_index.open_dir(str(path), indexname=PAGES), path)


def generation(path):
    """What changes with every commit: the names of the tables of contents."""
    return tuple(sorted(p.name for p in path.glob("*.toc")))


@dataclass
class IndexPair:
    """The two Whoosh indexes of one live directory."""

    docs: object
    pages: object
    path: object = None
    engine = NAME

    def indexed_keys(self):
        """{document id: index key} of every document in the index."""
        with self.docs.searcher() as s:
            return {f["doc_id"]: f["index_key"] for f in s.documents(kind="doc")}

    def indexed_key(self, doc_id):
        """The index key of one document (None: not in the index)."""
        with self.docs.searcher() as s:
            fields = s.document(kind="doc", doc_id=doc_id)
        return fields["index_key"] if fields else None

    def indexed_twice(self):
        """Document ids with more than one live entry in the `docs` index (a writer can
        delete only committed entries: re-adding a document within one writer leaves
        two)."""
        with self.docs.searcher() as s:
            seen, twice = set(), set()
            for fields in s.documents(kind="doc"):
                (twice if fields["doc_id"] in seen else seen).add(fields["doc_id"])
        return sorted(twice)

    def writer(self, procs=1):
        """A PairWriter on both indexes."""
        return PairWriter(self, procs)

    def compact(self, waste=0.25):
        """Merge an index's segments when deleted entries exceed `waste` of the live ones.

        Whoosh only marks replaced entries deleted; every search then steps over them.
        After a mass change (a collection reloaded) that would slow searches down."""
        for ix in (self.docs, self.pages):
            if ix.doc_count_all() > (1 + waste) * max(1, ix.doc_count()):
                ix.optimize()

    def view(self):
        """A WhooshView: searchers on both indexes."""
        return WhooshView(self)


class PairWriter:
    """Writers on both indexes of a pair: commits pages, then documents, or cancels both.

    Pages go first: a crash in between leaves pages of documents the `docs` index does not
    list, which no search reaches and the next sync replaces. With procs > 1 (a rebuild
    into an empty index) Whoosh analyses pages in worker processes and keeps their
    segments unmerged (multisegment)."""

    def __init__(self, pair, procs=1):
        if procs > 1:
            children_die_with_parent()    # Whoosh forks them, holding the write lock too
        parallel = dict(procs=procs, multisegment=True) if procs > 1 else {}
        self.pages = pair.pages.writer(limitmb=WRITER_MB, **parallel)
        self.docs = pair.docs.writer(limitmb=WRITER_MB)

    def __enter__(self):
        return self

    def delete(self, doc_id):
        """Remove a document's entries (its document entry and its pages)."""
        self.pages.delete_by_term("doc_id", doc_id)
        self.docs.delete_by_term("doc_id", doc_id)

    def add_entries(self, entry, pages):
        """Add a document's entry and its page entries (indexer.schema.document_entries)."""
        self.docs.add_document(**entry)
        for page in pages:
            self.pages.add_document(**page)

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            crash_point("during_index")
        if exc_type is not None:
            self.pages.cancel()
            self.docs.cancel()
            return False
        self.pages.commit()
        self.docs.commit()
        return False


class DeadlineCollector(FilterCollector):
    """Filters, and stops collecting at a deadline.

    Whoosh's TimeLimitCollector cannot be used: wrapped around a filter it bypasses the
    filter, and its SIGALRM only works in a main thread (not in a web server's workers).
    """

    def __init__(self, child, allow, deadline):
        super().__init__(child, allow=allow)
        self.deadline = deadline

    def collect_matches(self):
        """Collect the allowed matches of the current segment until the deadline."""
        child, allow, clock = self.child, self._allow, time.monotonic
        for n, sub_docnum in enumerate(child.matches()):
            if n % 256 == 0 and clock() > self.deadline:
                raise TimeLimit
            if allow is not None and self.offset + sub_docnum not in allow:
                self.filtered_count += 1
                continue
            child.collect(sub_docnum)


class WhooshView:
    """Searchers on the `docs` and `pages` indexes of one directory."""

    engine = NAME

    def __init__(self, pair, time_limit=3.0):
        self.s = pair.docs.searcher(weighting=weighting())
        self.p = pair.pages.searcher(weighting=weighting())
        self.time_limit = time_limit
        self._numbers = {}           # page docnum: page number (_page_number)
        self.schema = self.s.schema
        self.facet_values = whoosh_facet_values(self.s)
        self.generation = (str(pair.path), self.s.ixreader.generation(),
                           self.p.ixreader.generation())

    def up_to_date(self):
        """Whether no commit happened since this view was opened. (A changed index is
        reopened, not Searcher.refresh()ed: that reuses the readers of unchanged segments
        and, with them, their old deletion marks: a retracted document stayed findable.)"""
        return self.s.up_to_date() and self.p.up_to_date()

    def close(self):
        """Close both searchers."""
        self.s.close()
        self.p.close()

    def prefix_reader(self):
        """The reader indexer.query.bound_prefixes lists a prefix's words from."""
        return self.s.reader()

    def _collect(self, q, filter_q, **kwargs):
        # (Browsing, newest first: Whoosh's collector sorts by date.) The filter goes
        # into the query itself (And), not into a filtering collector: the matcher then
        # leaps over what the filter excludes instead of scoring it.
        end = current_deadline() or time.monotonic() + self.time_limit
        collector = DeadlineCollector(self.s.collector(**kwargs), None, end)
        scoped = _scope(q, filter_q)
        partial = False
        try:
            self.s.search_with_collector(scoped, collector)
        except TimeLimit:
            partial = True
        return collector.results(), partial

    def match(self, q, public_only, browsing):
        """([(score, docnum)] best first (newest first when browsing), partial)."""
        published = PUBLISHED if public_only else None
        if not browsing:
            found, partial = self._scores(self.s, _scope(q, published))
            return whoosh_postings.ranked(found), partial
        results, partial = self._collect(q, published, limit=None,
                                         sortedby=sorting.FieldFacet("date", reverse=True))
        return results.top_n, partial

    def count(self, q, filters, public_only):
        """(the number of documents matching `q` and the filters, partial)."""
        parts = [Or([Term(name, v) for v in values]) for name, values in filters.items()]
        if public_only:
            parts.append(PUBLISHED)
        found, partial = self._scores(self.s, _scope(q, And(parts) if parts else None))
        return len(found), partial

    def _scores(self, searcher, q, within=None):
        """({docnum: score} of the entries `q` matches (whoosh_postings), partial): an
        empty dict if the time limit cut it (its scores would be incomplete). Each word
        is looked for in every field and language: the terms no entry has go first."""
        q = without_absent(q, _term_in(searcher.reader()))
        limit = nullcontext() if current_deadline() else deadline(self.time_limit)
        with limit:
            try:
                return whoosh_postings.scores(searcher, q, within), False
            except TimeLimit:
                return {}, True

    def stored(self, docnum):
        """The stored fields of a `doc` entry."""
        return self.s.stored_fields(docnum)

    def docnum(self, doc_id):
        """The docnum of a document's entry, or None."""
        return self.s.document_number(doc_id=doc_id)

    def page_matches(self, q, doc_ids):
        """({doc id: [(score, page, page ref)]}, partial) of the pages matching `q`."""
        # The documents' pages scope the search without adding to a page's score.
        doc_of = {d: i for i in doc_ids for d in self._pages_of(i)}
        scored, partial = self._scores(self.p, q, within=sorted(doc_of))
        found = {}
        for docnum, score in scored.items():
            found.setdefault(doc_of[docnum], []).append(
                (score, self._page_number(docnum), docnum))
        return found, partial

    def _pages_of(self, doc_id):
        """The docnums of a document's live page entries (its `doc_id` postings, read
        without a query's matchers)."""
        reader = self.p.reader()
        if ("doc_id", doc_id) not in reader:
            return []
        return list(reader.postings("doc_id", doc_id).all_ids())

    def _page_number(self, docnum):
        # A page entry's stored fields hold its whole text: its number is kept once read.
        number = self._numbers.get(docnum)
        if number is None:
            if len(self._numbers) >= PAGE_NUMBERS_KEPT:
                self._numbers.clear()
            number = self._numbers[docnum] = self.p.stored_fields(docnum)["page"]
        return number

    def page_body(self, ref):
        """The text of a page entry."""
        return self.p.stored_fields(ref)["body"]

    def first_page(self, doc_id):
        """The ref of a document's first page with text, or None."""
        for docnum in self.p.document_numbers(doc_id=doc_id):
            return docnum
        return None

    def document_text(self, doc_id):
        """A document's text, its pages joined."""
        return " ".join(p.get("body", "") for p in self.p.documents(doc_id=doc_id))

    def more_like(self, docnum, text, top, public_only):
        """Stored fields of the documents most like `text` (not `docnum` itself)."""
        return self.s.more_like(docnum, "text_any", text=text, top=top, numterms=20,
                                filter=PUBLISHED if public_only else None)

    def doc_frequency(self, field, term):
        """How many entries have `term` in `field`."""
        return self.s.doc_frequency(field, term)

    def corrections(self, term, limit=5):
        """Words of the neutral field within 2 edits of `term`, sharing its first letter."""
        return self.s.corrector("text_any").suggest(term, limit=limit, maxdist=2, prefix=1)


def _term_in(reader):
    """has_term(field, term) for indexer.query.without_absent: whether some entry of
    `reader` may have `term` in `field` (True when unsure)."""
    def has_term(field, term):
        if not isinstance(term, str):
            return True
        return (field, term) in reader
    return has_term


def _scope(q, filter_q):
    """The query restricted by a filter (either may be absent)."""
    from whoosh.query import Every
    if filter_q is None:
        return q
    return filter_q if isinstance(q, Every) else And([q, filter_q])


def whoosh_facet_values(searcher):
    """FacetValues read from a Whoosh searcher's lexicon and postings."""
    def read_values(name):
        per_doc = [()] * searcher.doc_count_all()
        for term in searcher.lexicon(name):
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            for docnum in searcher.postings(name, text).all_ids():
                per_doc[docnum] = per_doc[docnum] + (text,)
        return per_doc

    def read_shared():
        shared = {}
        for term in searcher.lexicon("work"):
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            docnums = list(searcher.postings("work", text).all_ids())
            if len(docnums) > 1:
                shared.update((d, text) for d in docnums)
        return shared

    return FacetValues(read_values, read_shared)
