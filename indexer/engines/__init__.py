"""The search-engine seam: what an engine gives the search facade and the index store.

Everything above it (parsing, thesaurus expansion, best-match rules, works and language
versions, drafts, facet rules, the dataclasses returned) is in indexer.search and
indexer.query, written once. An engine provides, per index directory:

- `create(path)`: an empty index there; `open_pair(path)`: its Pair; `generation(path)`:
  what changes with every commit; optionally `VIEWS_SHARED = True`: its views may serve
  several threads at once (indexer.index.IndexStore.view then shares one per commit,
  keyed by the view's `opened_generation`);
- a Pair: `indexed_keys()`, `indexed_key(doc_id)`, `indexed_twice()`, `writer(procs)`
  (a context manager with `delete(doc_id)` and `add_entries(entry, pages)`, committing
  pages then documents, or cancelling both), `compact(waste)`, `view()`;
- a View (one open snapshot, for searching): `engine`, `generation`, `schema` (the
  analyzers of each field, for snippets), `facet_values` (indexer.facets.FacetValues),
  `up_to_date()`, `close()`, `prefix_reader()` (for indexer.query.bound_prefixes),
  `stored(docnum)`, `docnum(doc_id)`, `match(q, public_only, browsing)`,
  `count(q, filters, public_only)`, `page_matches(q, doc_ids)`, `page_body(ref)`,
  `first_page(doc_id)`, `document_text(doc_id)`, `more_like(docnum, text, top,
  public_only)`, `doc_frequency(field, term)`, `corrections(term, limit)`.

An engine's View may also offer `top_works(q, filters, want, public_only)`: a TopWorks
of the first `want` works in relevance order, the number of works and the facet counts,
found without scoring every match, or None when it cannot answer that query exactly
(the facade then ranks every match itself).

A docnum is the engine's dense number of a `doc` entry within one View; `match`
returns [(score, docnum)] best first, and (with `partial`) whether the time limit cut it.
"""
from dataclasses import dataclass

ENGINES = ("whoosh", "tantivy")
DEFAULT_ENGINE = "whoosh"
MARKER = "ENGINE"            # in an index directory: the engine that wrote it


def engine_module(name):
    """The module implementing engine `name` (ValueError for an unknown one)."""
    if name == "whoosh":
        from indexer.engines import whoosh_engine
        return whoosh_engine
    if name == "tantivy":
        from indexer.engines import tantivy_engine
        return tantivy_engine
    raise ValueError(f"unknown search engine {name!r}: use {' or '.join(ENGINES)}")


def engine_of(path):
    """The engine that wrote the index directory `path` (whoosh for one made before
    engines were recorded)."""
    try:
        name = (path / MARKER).read_text().strip()
    except OSError:
        return DEFAULT_ENGINE
    return name or DEFAULT_ENGINE


@dataclass
class TopWorks:
    """The first works of a query in relevance order, as an engine found them itself."""

    works: list          # [[docnum, ...]]: each work's matching versions, best first
    scores: dict         # {docnum: score} of those versions
    total: int           # the number of matching works, after the filters
    counts: dict         # {facet: {value: works}}; a filtered facet counted without its
    #                      own filter (the facade's faceting rule)
