"""Downloading many documents at once: an event's, or a search's results, as one ZIP.

Only what the visitor may see goes in (published documents; staff also get drafts), by
the same helpers as the pages. A search's ZIP holds the version each result shows (one
file per result, in the results' order), at most `zip_max_documents` files and
`zip_max_bytes` of PDFs: the first ones, and the search page says so.
"""
import re

from flask import Blueprint, Response, abort, current_app, request, url_for
from flask_babel import format_decimal, format_number, get_locale, gettext as _, ngettext

from indexer.errors import IndexerError, QueryError
from webui import zips
from webui.security import current_user
from webui.services import repository, search_service, visible, visible_event, visible_works
from webui.viewmodels import in_reading_order, request_search_args, search_url
from webui.views.search import query_error_message

bp = Blueprint("downloads", __name__)


@bp.get("/events/<event_id>/documents.zip")
def event_zip(event_id):
    """Every document of an event the visitor may see, with an index."""
    if visible_event(event_id) is None:
        abort(404, _("There is no event with this address."))
    archive = event_archive(in_reading_order(visible_works(event_id)))
    if not archive.docs:
        abort(404, _("No document of this event is in the repository yet."))
    return _send(archive, f"{event_id}.zip")


@bp.get("/search.zip")
def search_zip():
    """The documents of a search's results (the search page's query string), capped."""
    args = request_search_args()
    try:
        archive = search_archive(args)
    except QueryError as e:
        abort(400, query_error_message(e))
    except IndexerError as e:
        abort(503, _("The search index is not available: %(reason)s", reason=str(e)))
    if not archive.docs:
        abort(404, _("This search found no document to download."))
    response = _send(archive, f"{_slug(args.q) or 'documents'}.zip")
    # A work found in several languages is zipped in the interface's language.
    response.vary.update(("Cookie", "Accept-Language"))
    return response


def event_archive(works):
    """The Archive of an event's works (as its page lists them): each version's file."""
    docs = _with_files([d for w in works for d in w.versions])
    return zips.Archive(docs, len(docs))


def search_archive(args, result=None):
    """The Archive of a search (SearchArgs): its first results within the caps. From a
    SearchResult's `first_ids`, if given (no second search), else searched here."""
    cfg = current_app.config
    max_docs, max_bytes = cfg["MINAMATA_ZIP_MAX_DOCUMENTS"], cfg["MINAMATA_ZIP_MAX_BYTES"]
    if result is not None:
        ids, total = result.first_ids[:max_docs], result.total
    else:
        # A search cut short by its time limit zips what it found, as its page shows it.
        ids, total, _partial = search_service().ranked_ids(
            args.q, args.filters, args.sort, limit=max_docs,
            include_unpublished=current_user() is not None, expand=args.expand,
            prefer_languages=[str(get_locale())])
    # Deleted since the index was read: left out.
    found = repository().documents_by_id(ids)
    docs = [found[i] for i in ids if i in found and visible(found[i])]
    return zips.capped(_with_files(docs), total, max_docs, max_bytes)


def _with_files(docs):
    # A document whose stored PDF is missing (`minamata check` reports it) is left out
    # rather than breaking the archive halfway through its download.
    repo = repository()
    return [d for d in docs if repo.pdf_path(d).is_file()]


def _send(archive, download_name):
    repo = repository()
    names = zips.entry_names(archive.docs)
    index = zips.index_csv(archive.docs, names, lambda d: url_for(
        "browse.document", doc_id=d.id, _external=True))
    body = zips.stream([(repo.pdf_path(d), n) for d, n in zip(archive.docs, names)], index)
    response = Response(iter(body), mimetype="application/zip")
    response.content_length = len(body)
    response.headers.set("Content-Disposition", "attachment", filename=download_name)
    if archive.staff_only:
        # Holds a draft or a retracted document: never kept by a browser or a proxy.
        response.cache_control.private = True
        response.cache_control.no_store = True
        return response
    # As the public PDFs: cacheable, revalidated every time, so a retraction or a new
    # document changes the archive at once.
    response.cache_control.public = True
    response.cache_control.no_cache = True
    response.cache_control.max_age = 0
    response.set_etag(zips.etag(archive.docs, index), weak=True)
    return response.make_conditional(request)


def _slug(text):
    ascii_text = text.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40].strip("-")


def _megabytes(size):
    # One decimal, at least 0.1: "0 MB" would read as an empty archive.
    return format_decimal(max(size / zips.MIB, 0.1), format="#,##0.0")


def event_link(event_id, works):
    """The event page's link to the ZIP of its visible `works` ({url, label}), or None
    when there is nothing to download."""
    archive = event_archive(works)
    if not archive.docs:
        return None
    n = len(archive.docs)
    return {"url": url_for("downloads.event_zip", event_id=event_id),
            "label": ngettext("Download all (ZIP, %(num)s file, %(size)s MB)",
                              "Download all (ZIP, %(num)s files, %(size)s MB)", n,
                              size=_megabytes(archive.size))}


@bp.app_template_global("results_zip")
def results_zip(args, result):
    """For `_zip_link.html` on the search page: {url, label, note} of the results' ZIP
    (note: why only the first ones are in it), or None when there is nothing to zip."""
    if result is None or not result.total:
        return None
    archive = search_archive(args, result)
    if not archive.docs:
        return None
    n, size = len(archive.docs), _megabytes(archive.size)
    link = {"url": search_url("downloads.search_zip", args, page=1), "note": None}
    if not archive.truncated:
        link["label"] = ngettext("Download these results (ZIP, %(num)s file, %(size)s MB)",
                                 "Download these results (ZIP, %(num)s files, %(size)s MB)",
                                 n, size=size)
        return link
    cfg = current_app.config
    link["label"] = ngettext("Download the first result (ZIP, %(size)s MB)",
                             "Download the first %(num)s results (ZIP, %(size)s MB)",
                             n, size=size)
    link["note"] = _("This search has %(total)s results; a ZIP holds at most %(max)s "
                     "documents and %(mb)s MB, so only the first %(num)s are in it. Narrow "
                     "the search (a year, a type, a language) to download the others.",
                     total=format_number(archive.available),
                     max=format_number(cfg["MINAMATA_ZIP_MAX_DOCUMENTS"]),
                     mb=format_number(cfg["MINAMATA_ZIP_MAX_BYTES"] // zips.MIB),
                     num=format_number(n))
    return link
