"""Turning requests into search arguments, and search results into what pages show.

Facets are data (as in Datasette): each value carries its label, count, whether it is
selected and the URL that toggles it, built here on the server, so the templates and
the JSON API show the same thing and the page works without JavaScript.
"""
from dataclasses import dataclass, field

from urllib.parse import urlencode

from flask import current_app, g, request, url_for
from werkzeug.datastructures import MultiDict

from indexer.schema import FACETS
from indexer.search import DATE_RANGE, MAX_PAGE
from repo.history import entry_changes
from webui.labels import FACET_LABELS, facet_value_label

SORTS = ("relevance", "date")


@dataclass
class SearchArgs:
    """The whole state of a search, as read from (and written back to) the URL."""

    q: str = ""
    filters: dict = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    page_size: int = 10
    expand: bool = True          # also search the query's terms in the other languages

    def to_params(self, **changes):
        """URL parameters for this state with some parts changed."""
        state = {"q": self.q, "sort": self.sort, "page": self.page, **changes}
        params = MultiDict()
        if state["q"]:
            params.add("q", state["q"])
        if state["sort"] != "relevance":
            params.add("sort", state["sort"])
        if state["page"] != 1:
            params.add("page", state["page"])
        if not state.get("expand", self.expand):
            params.add("expand", "0")
        for name, values in state.get("filters", self.filters).items():
            for value in values:
                params.add(name, value)
        return params


def _int(raw, default, low, high):
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return default
    return min(max(value, low), high)


def read_search_args(args, default_size, max_size):
    """SearchArgs from request arguments; out-of-range numbers are brought into range."""
    filters = {}
    for name in FACETS + DATE_RANGE:
        values = [v.strip() for v in args.getlist(name) if v.strip()]
        if values:
            filters[name] = sorted(set(values))
    sort = args.get("sort", "relevance")
    return SearchArgs(q=args.get("q", "").strip(), filters=filters,
                      expand=args.get("expand", "1") not in ("0", "false", "no"),
                      sort=sort if sort in SORTS else "relevance",
                      page=_int(args.get("page"), 1, 1, MAX_PAGE),
                      page_size=_int(args.get("size"), default_size, 1, max_size))


def request_search_args():
    """The SearchArgs of the current request, in the app's page-size limits (the search
    page, its feed and its ZIP read the same state the same way)."""
    cfg = current_app.config
    return read_search_args(request.args, cfg["MINAMATA_PAGE_SIZE"],
                            cfg["MINAMATA_MAX_PAGE_SIZE"])


def _toggled(filters, name, value):
    values = set(filters.get(name, []))
    values ^= {value}
    out = {k: v for k, v in filters.items() if k != name}
    if values:
        out[name] = sorted(values)
    return out


def search_url(endpoint, args, **changes):
    """The URL of `endpoint` with the search state, changed as asked."""
    # url_for once per endpoint and request: a results page builds a hundred such links.
    base = _base_urls().setdefault(endpoint, url_for(endpoint))
    query = urlencode(list(args.to_params(**changes).items(multi=True)))
    return f"{base}?{query}" if query else base


def _base_urls():
    if "search_base_urls" not in g:
        g.search_base_urls = {}
    return g.search_base_urls


def facet_view(result, args, events, limit, endpoint="search.search"):
    """[{name, label, values: [{value, label, count, selected, toggle_url}], truncated}]"""
    out = []
    for name in FACETS:
        values = []
        for fv in result.facets.get(name, []):
            values.append({
                "value": fv.value, "label": facet_value_label(name, fv.value, events),
                "count": fv.count, "selected": fv.selected,
                "toggle_url": search_url(endpoint, args, page=1,
                                         filters=_toggled(args.filters, name, fv.value)),
            })
        if values:
            out.append({"name": name, "label": str(FACET_LABELS[name]), "values": values,
                        "shown": values[:limit], "more": values[limit:],
                        "truncated": len(values) > limit})
    return out


def chips(args, events, endpoint="search.search"):
    """The selected filters, each with the URL that removes it."""
    out = []
    for name, values in args.filters.items():
        for value in values:
            out.append({"facet": str(FACET_LABELS[name]),
                        "label": facet_value_label(name, value, events),
                        "remove_url": search_url(endpoint, args, page=1,
                                                 filters=_toggled(args.filters, name, value))})
    return out


def pagination(result, args, endpoint="search.search"):
    """Previous/next and nearby page links."""
    last = max(1, min(MAX_PAGE, (result.total - 1) // result.page_size + 1))
    pages = sorted({1, last, *range(max(1, args.page - 2), min(last, args.page + 2) + 1)})
    return {
        "last": last,
        "prev_url": search_url(endpoint, args, page=args.page - 1) if args.page > 1 else None,
        "next_url": search_url(endpoint, args, page=args.page + 1) if args.page < last else None,
        "pages": [{"number": n, "url": search_url(endpoint, args, page=n),
                   "current": n == args.page} for n in pages],
    }


def version_in(versions, language):
    """Of a hit's language versions (dicts), the one in `language`, or None: the version a
    delegate opens by default is the one in the interface's language."""
    return next((v for v in versions if language in v["languages"]), None)


# What a delegate reads first: the outcome of the meeting, then its programme, then the
# talks.
TYPE_ORDER = {"report": 0, "chair_summary": 1, "agenda": 2, "presentation": 3, "other": 4}


def in_reading_order(works):
    """An event's works as its page and its ZIP list them: reports and chair's summaries,
    then the agenda, then presentations, each by title."""
    def key(work):
        first = work.versions[0]
        return (TYPE_ORDER.get(first.type, 9), first.title.casefold())
    return sorted(works, key=key)


HISTORY_ROWS = 5         # changes shown on a document's or event's page


def recent_changes(repo, target, limit=HISTORY_ROWS):
    """The last changes of one document or event, newest first, each with what it
    changed field by field: [(AuditEntry, [FieldChange])]."""
    return [(e, entry_changes(e.before, e.after))
            for e in repo.audit.entries(target=target, limit=limit)]
