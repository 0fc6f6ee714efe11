"""The one search facade: `SearchService.search(...)` returns plain dataclasses.

Facet counts follow the usual faceted-search rule: the counts of one facet are taken
with every filter applied except that facet's own, so values of one facet combine with
OR and the other values of a facet stay visible after one is chosen.
"""
import re
import time
import threading
from array import array
from collections import OrderedDict
from dataclasses import asdict, dataclass, field

from whoosh.query import Every

from indexer.analysis import fold
from indexer.errors import QueryError
from indexer.index import retrying
from indexer.query import (MAX_QUERY_CHARS, any_part, bound_prefixes, current_deadline,
                           deadline, parse_query, past_deadline, query_words)
from indexer.thesaurus import expand as expand_query
from indexer.schema import FACETS
from indexer.snippets import WordMatcher, make_snippet

SORTS = ("relevance", "date")
MAX_PAGE_SIZE = 100
MAX_PAGE = 1000


@dataclass
class FacetValue:
    """One value of a facet, with how many documents have it."""

    value: str
    count: int
    selected: bool = False


@dataclass
class Hit:
    """One matching document."""

    id: str
    title: str
    event: str
    event_titles: dict
    type: str
    languages: list
    date: str
    score: float
    snippet: str                 # HTML-safe: escaped text with <mark> around matches,
    #                              taken from the best-matching page
    pages: list = field(default_factory=list)       # page numbers, best match first
    page_scores: list = field(default_factory=list)  # [{page, score}], best first
    city: str = ""
    country: str = ""
    text_status: str = "ok"
    ocr_pages: list = field(default_factory=list)  # pages whose text OCR read
    status: str = "published"
    work: str = ""
    symbol: str = ""             # the official document symbol, as written
    versions: list = field(default_factory=list)   # [{id, title, languages, status}]
    #          the work's language versions this asker may see, this one included


@dataclass
class PageMatch:
    """One page of a document where a query's words are, with its score and snippet."""

    page: int
    score: float
    snippet: str = ""            # HTML-safe, as Hit.snippet


@dataclass
class Located:
    """Where one document matches a query: its pages best first, the best few with a
    snippet each."""

    pages: list                  # page numbers, best match first
    best: list                   # [PageMatch] of the best pages


@dataclass
class SearchResult:
    """A page of hits (one per work), the facet counts and, when nothing matched, a
    suggestion. `total` and the counts are of works: language versions count once."""

    query: str
    total: int
    page: int
    page_size: int
    sort: str
    hits: list
    facets: dict
    filters: dict
    suggestion: str = None
    partial: bool = False        # the time limit cut the search short
    requested_page: int = None   # set when the page asked for was past the last one
    #                              (`page` is then the last page)
    expanded: list = field(default_factory=list)   # terms also searched (other languages)
    expand: bool = True
    narrowed: list = field(default_factory=list)   # [{prefix, searched, words, more}]:
    #                              prefixes searched by their commonest words only
    first_ids: list = field(default_factory=list)  # with `ids_up_to`: the shown versions'
    #                              ids of the first results, for a download of them

    def to_dict(self):
        """The JSON-ready form (the CLI's --json and the web API)."""
        out = asdict(self)
        out.pop("first_ids")
        return out


class LRU:
    """A mapping that keeps its `size` most recently used items; safe across threads."""

    def __init__(self, size):
        self.size = size
        self._items = OrderedDict()
        self._making = {}            # key: the lock of the thread making its value
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key):
        """The value kept for `key`, or None."""
        with self._lock:
            value = self._items.get(key)
            if value is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return value

    def get_or_make(self, key, make, until=None):
        """The value kept for `key`, else `make()`'s, kept; `make` returns (value, keep).
        One thread makes a key's value while the others asking for it wait (until the
        time.monotonic() `until`, then make it themselves): after an index commit every
        server thread missed the same few queries at once and each searched them afresh."""
        value = self.get(key)
        if value is not None:
            return value
        with self._lock:
            turn = self._making.setdefault(key, threading.Lock())
        wait = -1 if until is None else max(0.0, until - time.monotonic())
        got_turn = turn.acquire(timeout=wait)
        try:
            value = self.get(key) if got_turn else None      # made while we waited
            if value is None:
                value, keep = make()
                if keep:
                    self.put(key, value)
            return value
        finally:
            if got_turn:
                turn.release()
                with self._lock:
                    if self._making.get(key) is turn:
                        del self._making[key]

    def put(self, key, value):
        """Keep a value, dropping the least recently used beyond the size."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class MatchCache:
    """What recent searches found, shared by a process's threads: the matches of the last
    `size` queries, and the pages and snippet of ten times as many hits. Keys carry the
    index generation, so a change to the index is never answered from an older one."""

    def __init__(self, size=512):
        self.matches = LRU(size)
        self.pages = LRU(10 * size)


class SearchService:
    """Searches one index store; keeps a searcher open and refreshes it when it changes.

    With a `cache` (a MatchCache, which a web server's threads share), a query's matches
    and its hits' pages and snippets are kept for the next request that needs them."""

    def __init__(self, index_store, time_limit=3.0, cache=None):
        self.store = index_store
        self.time_limit = time_limit
        self.cache = cache
        self._dir = None
        self._view = None

    @property
    def engine(self):
        """The name of the engine of the live index ("whoosh" or "tantivy")."""
        return self._current().engine

    def close(self):
        """Close the open view of the index."""
        if self._view is not None:
            self._view.close()
            self._view = None

    def search(self, query="", filters=None, sort="relevance", page=1, page_size=10,
               include_unpublished=False, expand=True, prefer_languages=(), ids_up_to=0):
        """Run a query with facet filters; QueryError for a query or parameter we refuse.

        Only published documents are searched unless `include_unpublished` (staff). A work
        with several matching language versions is shown by the version in the first of
        `prefer_languages` it has (a chosen language, then the interface's), else by its
        best match. With `ids_up_to`, `first_ids` holds what `ranked_ids` would give for
        that many results, from the same run (a search page's download link needs them)."""
        filters = _clean_filters(filters)
        _check_paging(sort, page, page_size)
        # One time limit for the whole search: expansion, matching, facets, pages and
        # snippets, and the suggestion.
        with deadline(self.time_limit):
            return self._search(query, filters, sort, page, page_size, include_unpublished,
                                expand, prefer_languages, ids_up_to)

    def _search(self, query, filters, sort, page, page_size, include_unpublished, expand,
                prefer_languages, ids_up_to=0):
        view = self._current()
        q, added, narrowed = self._parse(query, view, expand)
        prefer = list(filters.get("language", [])) + [p for p in prefer_languages if p]
        run = _Run(view, q, filters, self.time_limit, public_only=not include_unpublished,
                   prefer=prefer, cache=self.cache)
        hits, total = run.hits(sort, page, page_size, want=ids_up_to)
        asked, last = page, max(1, -(-total // page_size))
        if total and page > last:
            # Past the end (an old link, a hand-typed URL): the last page, and say so.
            page = last
            hits, total = run.hits(sort, page, page_size, want=ids_up_to)
        facets = run.facets()
        suggestion = None
        if total == 0 and query.strip():
            suggestion = self._suggest(view, query, filters, not include_unpublished,
                                       prefer)
        return SearchResult(query=query, total=total, page=page, page_size=page_size,
                            sort=sort, hits=hits, facets=facets, filters=filters,
                            suggestion=suggestion, partial=run.partial, expanded=added,
                            expand=expand, requested_page=asked if asked != page else None,
                            narrowed=[asdict(n) for n in narrowed],
                            first_ids=run.representative_ids(ids_up_to) if ids_up_to else [])

    def ranked_ids(self, query="", filters=None, sort="relevance", limit=100,
                   include_unpublished=False, expand=True, prefer_languages=()):
        """(ids of the versions `search` would show for its first `limit` results, in
        order; the number of results; whether the time limit cut it short), without
        pages or snippets: what a download of a search's results needs."""
        filters = _clean_filters(filters)
        _check_paging(sort, 1, 1)
        with deadline(self.time_limit):
            view = self._current()
            q = self._parse(query, view, expand)[0]
            prefer = list(filters.get("language", [])) + [p for p in prefer_languages if p]
            run = _Run(view, q, filters, self.time_limit,
                       public_only=not include_unpublished, prefer=prefer, cache=self.cache)
            ids, total = run.representatives(sort, max(0, limit))
        return ids, total, run.partial

    def locate(self, query, doc_id, expand=True, best=3):
        """Where one document matches a query (a Located): its pages best first and a
        snippet from each of the `best` best ones. With `expand`, as the search did: the
        thesaurus's other-language terms count too."""
        view = self._current()
        with deadline(self.time_limit):
            q = self._parse(query, view, expand)[0]
            run = _Run(view, q, {}, self.time_limit)
            ranked = run.page_matches([doc_id]).get(doc_id, [])
            shown = [PageMatch(n, round(score, 4), run.page_snippet(ref))
                     for score, n, ref in ranked[:best]]
        return Located(pages=[n for _, n, _ in ranked], best=shown)

    def similar(self, doc_id, limit=5, include_unpublished=False):
        """Ids of the documents whose key words are most like this one's ("more like this");
        published ones only unless `include_unpublished`."""
        view = self._current()
        docnum = view.docnum(doc_id)
        if docnum is None:
            return []
        text = view.document_text(doc_id)
        if not text.strip():
            text = view.stored(docnum).get("title", "")
        hits = view.more_like(docnum, text[:100_000], top=3 * limit,
                              public_only=not include_unpublished)
        # One per work, and not this document's own other language versions.
        works = {view.stored(docnum).get("work")}
        out = []
        for hit in hits:
            if hit.get("work") not in works:
                works.add(hit.get("work"))
                out.append(hit["doc_id"])
        return out[:limit]

    @staticmethod
    def _parse(query, view, expand):
        """(parsed query, terms the thesaurus added, [NarrowedPrefix]), each prefix
        standing for its commonest words in this index."""
        q = parse_query(query)                       # the user's own text: checked as typed
        added = []
        if expand and query.strip():
            # Text fields are for the expansion's own alternatives, not the user's words.
            expanded_text, added = expand_query(re.sub(r"\b(text_\w+):", r"\1 ", query))
            try:
                q = parse_query(expanded_text, limit=16 * MAX_QUERY_CHARS, text_fields=True)
            except QueryError:
                added = []           # a long text naming many concepts: searched as typed
        q, narrowed = bound_prefixes(q, view.prefix_reader())
        return q, added, narrowed

    def _current(self):
        """The engine's view of the live index (an indexer.engines.View), reopened after
        a rebuild or a swap of engines, refreshed after a sync."""
        path = self.store.current_dir()
        if self._view is None or path != self._dir or \
                not retrying(self._view.up_to_date):
            self.close()
            self._view = self.store.view()
            self._dir = path
        return self._view

    def _suggest(self, view, query, filters, public_only=True, prefer=()):
        """A corrected query string that finds something, or None. A word is corrected
        to a word of the documents in the first of `prefer` (the chosen language, then
        the interface's) when one is among the nearest candidates."""
        words = re.findall(r"\w+", query)
        changed = query
        for word in words:
            # The word as the neutral field keeps it (lower case, accents folded): a word
            # that is there needs no correction, and the corrector is slow.
            term = fold(word)
            if len(word) < 3 or view.doc_frequency("text_any", term):
                continue
            # Candidates share the first letter, as Lucene's spell checker requires by
            # default; else the distance to every word of the index is measured.
            candidates = view.corrections(term, limit=5)
            if candidates:
                candidate = _in_language(view, candidates, prefer) or candidates[0]
                changed = re.sub(rf"\b{re.escape(word)}\b", candidate, changed, count=1)
        if changed == query:
            return None
        try:
            q = self._parse(changed, view, expand=False)[0]
        except QueryError:
            return None
        # Checked against what the asker may see: a suggestion never reveals a draft's words.
        _, total = _Run(view, q, filters, self.time_limit, public_only=public_only).count()
        return changed if total else None


_NO_TOP = ()                     # cached: the engine has no top works for this search


class _Run:
    """One query with its filters against one engine's view of the index."""

    def __init__(self, view, q, filters, time_limit, public_only=True, prefer=(),
                 cache=None):
        self.view = view
        self.q = q
        self.filters = filters
        self.time_limit = time_limit
        self.partial = False
        self.facet_values = view.facet_values
        self.public_only = public_only
        self.prefer = prefer
        self.cache = cache
        self.generation = view.generation
        self._passing, self._left_out = [], {}
        self._matched = None
        self._matcher = None
        self._works = []
        self._top = None             # a TopWorks, when the engine found the first works
        self._query_key = None

    @property
    def query_key(self):
        """The query as the caches know it (its repr, made once: a question's tree is
        long)."""
        if self._query_key is None:
            self._query_key = repr(self.q)
        return self._query_key

    def count(self):
        """The number of matching documents (for checking a suggestion)."""
        total, partial = self.view.count(self.q, self.filters, self.public_only)
        self.partial = self.partial or partial
        return None, total

    def matches(self):
        """(docnums best first, {docnum: score}) of every visible document the query
        matches, before any facet filter; browsing (no query) lists them newest first.

        The facet filters are applied to this list in Python (`hits`, `facets`), so one
        collection serves the hits and every facet's counts, and the list is kept in the
        match cache: the same query's next page, another facet or the other sort order
        does not search again."""
        if self.cache is None:
            return self._match()[0]
        key = (self.generation, self.query_key, self.public_only)
        return self.cache.matches.get_or_make(key, self._match, until=current_deadline())

    def _match(self):
        """((docnums, scores), whether to keep them: not if the time limit cut it)."""
        browsing = isinstance(self.q, Every)
        top, partial = self.view.match(self.q, self.public_only, browsing)
        self.partial = self.partial or partial
        # Compact arrays: a cached entry of 2,000 matches takes 32 KB.
        ranked = array("l", (docnum for _, docnum in top))
        scores = array("d") if browsing else array("d", (sc for sc, _ in top))
        return (ranked, scores), not self.partial

    def ordered_works(self, sort):
        """Every matching work, after the facet filters, in `sort` order: [[docnum, ...]]
        (a work's matching versions best first)."""
        ranked, scores = self._matched = self.matches()
        passing, self._left_out = self._apply_filters(list(ranked))
        self._passing = passing
        if sort == "date" and scores:
            dates = self.facet_values.values("date")
            # Stable: documents of one date keep their relevance order.
            passing = sorted(passing, key=lambda d: dates[d][:1], reverse=True)
        return self.facet_values.works(passing)

    def top_works(self, sort, want):
        """The engine's own TopWorks of the first `want` works (kept in the match
        cache), or None when it has none for this search: browsing, a date sort or
        filter, or a query it cannot match natively."""
        ask = getattr(self.view, "top_works", None)
        if ask is None or sort != "relevance" or isinstance(self.q, Every) or \
                any(name in DATE_RANGE for name in self.filters):
            return None

        def make():
            top = ask(self.q, self.filters, want, self.public_only)
            if top is None:
                return _NO_TOP, True
            partial = past_deadline()
            self.partial = self.partial or partial
            return top, not partial
        if self.cache is None:
            top = make()[0]
        else:
            key = (self.generation, "top", self.query_key, self.public_only,
                   repr(sorted(self.filters.items())), want)
            top = self.cache.matches.get_or_make(key, make, until=current_deadline())
        return None if top is _NO_TOP else top

    def representatives(self, sort, limit):
        """(the doc ids of the first `limit` works' shown versions, the number of works),
        without their pages or snippets."""
        top = self._top = self.top_works(sort, limit)
        if top is not None:
            self._works = top.works
            return self.representative_ids(limit), top.total
        self._works = self.ordered_works(sort)
        return self.representative_ids(limit), len(self._works)

    def representative_ids(self, limit):
        """The doc ids of the first `limit` works' shown versions, of the works last
        ordered (by `hits` or `representatives`)."""
        return [self.view.stored(self._representative(group))["doc_id"]
                for group in self._works[:limit]]

    def hits(self, sort, page, page_size, want=0):
        """The hits of one page of results (one per work) and the number of works
        (`want`: at least so many first works will be asked of representative_ids)."""
        top = self._top = self.top_works(sort, max(want, page * page_size))
        if top is not None:
            works, total, score_of = top.works, top.total, top.scores
        else:
            works = self.ordered_works(sort)
            total = len(works)
            # The matches ordered_works collected: without a cache, asking again
            # searches again.
            ranked, scores = self._matched
            score_of = dict(zip(ranked, scores)) if scores else {}
        self._works = works
        shown = [self._representative(group)
                 for group in works[(page - 1) * page_size: page * page_size]]
        fields = [self.view.stored(docnum) for docnum in shown]
        where = self._pages([f["doc_id"] for f in fields])
        return [self._hit(f, score_of.get(docnum, 0.0), where.get(f["doc_id"], ([], "")))
                for docnum, f in zip(shown, fields)], total

    def _apply_filters(self, ranked):
        """(the documents passing every facet filter, in order; {facet: those failing
        only that facet's filter}), the latter for counting a facet without its own
        filter."""
        if not self.filters:
            return ranked, {}
        allowed = {name: self._allowed(name, values, ranked)
                   for name, values in self.filters.items()}
        passing, left_out = [], {name: [] for name in self.filters}
        for docnum in ranked:
            failed = [name for name, ok in allowed.items() if docnum not in ok]
            if not failed:
                passing.append(docnum)
            elif len(failed) == 1:
                left_out[failed[0]].append(docnum)
        return passing, left_out

    def _allowed(self, name, values, ranked):
        if name in DATE_RANGE:
            dates = self.facet_values.values("date")
            return {d for d in ranked if _in_range(name, values[0], (dates[d] or [""])[0])}
        return self.facet_values.having(name, values)

    def facets(self):
        """{facet: [FacetValue]}: a facet with no selection is counted over the hits; a
        facet with a selection over what every other filter lets through (call after
        `hits`)."""
        if self._top is not None:
            return {name: self._values(name, self._top.counts.get(name, {}))
                    for name in FACETS}
        plain = [f for f in FACETS if f not in self.filters]
        out = self.facet_values.count(plain, self._passing)
        for name in (f for f in self.filters if f in FACETS):
            out.update(self.facet_values.count([name], self._passing + self._left_out[name]))
        return {name: self._values(name, out.get(name, {})) for name in FACETS}

    def _representative(self, docnums):
        """The version to show of a work's matching versions (listed best first)."""
        if len(docnums) > 1:
            for language in self.prefer:
                for docnum in docnums:
                    shown = self.view.stored(docnum).get("display", {})
                    if language in shown.get("languages", ()):
                        return docnum
        return docnums[0]

    def _values(self, name, counts):
        chosen = set(self.filters.get(name, []))
        values = [FacetValue(str(v), n, str(v) in chosen) for v, n in counts.items() if v]
        values += [FacetValue(v, 0, True) for v in chosen - {str(v) for v in counts}]
        return sorted(values, key=lambda fv: (-fv.count, fv.value))

    def _pages(self, doc_ids):
        """{doc id: (matching page numbers, snippet)} for the documents shown (kept in
        the cache, if any, for the next request showing them)."""
        if self.cache is None:
            return self._find_pages(doc_ids)
        keys = {i: (self.generation, self.query_key, i) for i in doc_ids}
        out = {i: self.cache.pages.get(k) for i, k in keys.items()}
        todo = [i for i, found in out.items() if found is None]
        if not todo:
            return out

        def find():
            found = self._find_pages(todo)
            if not self.partial:
                for doc_id, where in found.items():
                    self.cache.pages.put(keys[doc_id], where)
            return found, not self.partial
        # As for matches: threads showing the same hits at once find their pages once.
        out.update(self.cache.pages.get_or_make(
            (self.generation, self.query_key, tuple(todo)), find, until=current_deadline()))
        return out

    def page_matches(self, doc_ids):
        """{doc id: [(score, page number, page ref)] best first} of the pages having
        some of the query's words (a page ref is the engine's, for `page_snippet`)."""
        if not doc_ids or isinstance(self.q, Every):
            return {}
        found, partial = self.view.page_matches(any_part(self.q), doc_ids)
        self.partial = self.partial or partial
        for pages in found.values():
            # Best first; pages of equal score in their order in the document.
            pages.sort(key=lambda p: (-p[0], p[1]))
        return found

    def page_snippet(self, page_ref):
        """The snippet of one page entry, the query's words marked."""
        if page_ref is None:
            return ""
        return make_snippet(self.view.page_body(page_ref), self._word_matcher())

    def _word_matcher(self):
        if isinstance(self.q, Every):
            return None
        if self._matcher is None:
            terms, prefixes = query_words(self.q)
            self._matcher = WordMatcher(self.view.schema, terms, prefixes)
        return self._matcher

    def _find_pages(self, doc_ids):
        """{doc id: ([(page, score)] best first, snippet of the best page)}."""
        found = self.page_matches(doc_ids)
        out = {}
        for doc_id in doc_ids:
            pages = found.get(doc_id, [])
            best = pages[0][2] if pages else self._first_page(doc_id)
            out[doc_id] = ([(n, score) for score, n, _ in pages], self.page_snippet(best))
        return out

    def _first_page(self, doc_id):
        return self.view.first_page(doc_id)

    def _hit(self, fields, score, where):
        pages, snippet = where
        shown = fields.get("display", {})
        versions = [v for v in shown.get("versions", [])
                    if v["status"] == "published" or not self.public_only]
        return Hit(id=fields["doc_id"], title=fields["title"], event=fields["event"],
                   event_titles=shown.get("event_titles", {}), type=fields["type"],
                   languages=shown.get("languages", []), date=fields["date"],
                   score=round(float(score or 0.0), 4), snippet=snippet,
                   pages=[n for n, _ in pages],
                   page_scores=[{"page": n, "score": round(float(sc), 4)} for n, sc in pages],
                   city=shown.get("city", ""), country=fields["country"].upper(),
                   text_status=shown.get("text_status", "ok"),
                   ocr_pages=shown.get("ocr_pages", []),
                   status=fields.get("status", "published"),
                   work=fields.get("work", fields["doc_id"]), versions=versions,
                   symbol=shown.get("symbol", ""))


def _in_language(view, candidates, languages):
    """The first candidate word found in documents of the first language that has one."""
    for lang in languages:
        field = f"text_{lang}"
        if field not in view.schema:
            continue
        analyzer = view.schema[field].analyzer
        for word in candidates:
            stems = [t.text for t in analyzer(word)]
            if stems and view.doc_frequency(field, stems[0]):
                return word
    return None


# Filters by the event's dates, beside the facets: `from` and `to` take a year, a month
# or a day (2019, 2019-05, 2019-05-30), bounds included.
DATE_RANGE = ("from", "to")
_DATE_BOUND = re.compile(r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?")


def _clean_filters(filters):
    out = {}
    for name, values in (filters or {}).items():
        if name not in FACETS and name not in DATE_RANGE:
            raise QueryError(f"unknown facet {name!r}; facets are {', '.join(FACETS)} "
                             f"(and the dates {' and '.join(DATE_RANGE)})")
        if isinstance(values, str):
            values = [values]
        cleaned = sorted({v.strip().lower() for v in values if v and v.strip()})
        if name in DATE_RANGE and cleaned:
            if len(cleaned) > 1 or not _DATE_BOUND.fullmatch(cleaned[0]):
                raise QueryError(f"{name}: write one date as YYYY, YYYY-MM or YYYY-MM-DD "
                                 f"(got {', '.join(cleaned)})", code="date", name=name)
        if cleaned:
            out[name] = cleaned
    return out


def _in_range(name, bound, date):
    # ISO dates compare as text; a year or month bound covers all of it ("to 2019" is
    # up to 2019-12-31).
    return date[:len(bound)] >= bound if name == "from" else date[:len(bound)] <= bound


def _check_paging(sort, page, page_size):
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}; use {' or '.join(SORTS)}")
    if not (isinstance(page, int) and 1 <= page <= MAX_PAGE):
        raise QueryError(f"page must be a whole number from 1 to {MAX_PAGE}")
    if not (isinstance(page_size, int) and 1 <= page_size <= MAX_PAGE_SIZE):
        raise QueryError(f"page size must be a whole number from 1 to {MAX_PAGE_SIZE}")
