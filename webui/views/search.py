"""The search page: one box, facets, hits with their pages, in the URL's state."""
from dataclasses import replace

from flask import Blueprint, current_app, render_template
from flask_babel import format_number, get_locale, gettext as _

from indexer.errors import IndexerError, QueryError
from indexer.thesaurus import readable_alternatives
from webui.security import current_user
from webui.services import repository, search_service
from webui.viewmodels import (chips, facet_view, pagination, request_search_args,
                              search_url)

bp = Blueprint("search", __name__)

EXAMPLES = ("mercury emissions coal", '"interim storage"', "comercio de mercurio",
            "déchets de mercure", "emiss*", "type:report customs")


def query_error_message(e):
    """A QueryError said in the interface language (English text if the code is new)."""
    p = e.params
    messages = {
        "too_long": lambda: _("The query is too long (%(length)s characters): the limit is "
                              "%(limit)s characters.", length=format_number(p["length"]),
                              limit=format_number(p["limit"])),
        "wildcard": lambda: _("A * may only end a word, after at least %(n)s letters (for "
                              "example emiss*).", n=p["n"]),
        "prefix_one_word": lambda: _("“%(prefix)s*”: a * can only end a single word (for "
                                     "example emiss*); for documents whose symbol begins so, "
                                     "type symbol:%(prefix)s*", prefix=p["prefix"]),
        "date": lambda: _("%(name)s: write a date as YYYY, YYYY-MM or YYYY-MM-DD.",
                          name=p["name"]),
        "short_prefix": lambda: _("“%(prefix)s*”: a word search with * needs at least "
                                  "%(n)s letters before the *.", prefix=p["prefix"], n=p["n"]),
    }
    try:
        return messages[e.code]()
    except KeyError:
        return str(e)


def _with_lang(url):
    # A feed reader sends no cookie: the feed link carries the interface language.
    return f"{url}{'&' if '?' in url else '?'}lang={get_locale()}"


@bp.get("/")
def search():
    """Search (or browse, with no query) the documents."""
    cfg = current_app.config
    args = request_search_args()
    events = {e.id: e for e in repository().events()}
    error, result = None, None
    try:
        result = search_service().search(args.q, args.filters, args.sort, args.page,
                                         args.page_size,
                                         include_unpublished=current_user() is not None,
                                         expand=args.expand,
                                         prefer_languages=[str(get_locale())],
                                         # the ZIP link's documents, from this same search
                                         ids_up_to=cfg["MINAMATA_ZIP_MAX_DOCUMENTS"])
    except QueryError as e:
        error = query_error_message(e)
    except IndexerError as e:
        error = _("The search index is not available: %(reason)s", reason=str(e))
    if result is not None and result.requested_page:
        args = replace(args, page=result.page)   # past the last page: the last one shown
    context = dict(args=args, result=result, error=error, events=events, examples=EXAMPLES)
    if result is not None:
        context.update(
            facets=facet_view(result, args, events, cfg["MINAMATA_FACET_LIMIT"]),
            chips=chips(args, events), pager=pagination(result, args),
            suggestion_url=search_url("search.search", args, q=result.suggestion, page=1)
            if result.suggestion else None,
            sort_urls={s: search_url("search.search", args, sort=s, page=1)
                       for s in ("relevance", "date")},
            expand_url=search_url("search.search", args, expand=not args.expand, page=1),
            first=(args.page - 1) * args.page_size + 1,
            feed_url=_with_lang(search_url("feeds.search", args, page=1, sort="relevance")),
            # "Also searched": the terms in the reader's languages first, the rest folded.
            expanded=readable_alternatives(args.q, result.expanded, [str(get_locale())]),
            # A document opened from a hit leads back to these results, filters and all.
            results_path=search_url("search.search", args))
    status = 400 if error and result is None and args.q else 200
    return render_template("search.html", **context), status
