"""Event and document pages, and the stored PDFs."""
from flask import Blueprint, abort, render_template, request, send_file
from flask_babel import gettext as _

from indexer.errors import IndexerError, QueryError
from indexer.ocrjob import ocr_status
from repo.errors import NotFound
from webui.security import current_user
from webui.viewmodels import in_reading_order, recent_changes
from webui.services import (repository, search_service, visible, visible_documents,
                            visible_event, visible_events, visible_works)
from webui.views import cite, downloads

bp = Blueprint("browse", __name__)


@bp.get("/events")
def events():
    """All events, like the Secretariat's listing, filterable by year and region."""
    all_events = visible_events()
    year, region = request.args.get("year", ""), request.args.get("region", "")
    shown = [e for e in all_events if (not year or e.year == year)
             and (not region or e.region == region)]
    works = {e.id: visible_works(e.id) for e in shown}
    return render_template("events.html", events=shown, works=works, year=year, region=region,
                           years=sorted({e.year for e in all_events}, reverse=True),
                           regions=sorted({e.region for e in all_events}))


@bp.get("/events/<event_id>")
def event(event_id):
    """One event: its metadata and its documents."""
    ev = visible_event(event_id)
    if ev is None:
        abort(404, _("There is no event with this address."))
    works = in_reading_order(visible_works(event_id))
    # Documents the Secretariat's listing says exist, not uploaded yet: a slot is filled
    # by any document of its type.
    have = {d.type for w in works for d in w.versions}
    missing = [slot for slot in ev.expected if slot["type"] not in have]
    return render_template("event.html", event=ev, works=works, missing=missing,
                           history=staff_history(event_id),
                           zip_link=downloads.event_link(event_id, works))


@bp.get("/documents/<doc_id>")
def document(doc_id):
    """One document: metadata, where the current search found it, its siblings."""
    repo = repository()
    doc = visible_document_or_404(repo, doc_id)
    ev = repo.event(doc.event_id)
    q = request.args.get("q", "").strip()
    found, similar = None, []
    service = search_service()
    try:
        if q:
            found = service.locate(q, doc_id, expand=request.args.get("expand") != "0")
        similar = service.similar(doc_id, include_unpublished=current_user() is not None)
    except (QueryError, IndexerError):
        pass
    work = [d for d in repo.work(doc).versions if d.id != doc.id and visible(d)]
    siblings = [d for d in visible_documents(doc.event_id)
                if d.id != doc.id and d.work != doc.work]
    titles = {d.id: d for d in visible_documents()}
    return render_template("document.html", doc=doc, event=ev, q=q, found=found,
                           back=results_path(request.args.get("back", "")),
                           versions=repo.versions(doc.id), language_versions=work,
                           ocr=ocr_status(repo, doc), cite=cite.cite_view(doc, ev),
                           siblings=siblings, similar=[titles[i] for i in similar if i in titles],
                           history=staff_history(doc.id))


def staff_history(target):
    """The last changes of a document or event for signed-in staff; None for delegates
    (the audit trail names staff and shows drafts)."""
    return recent_changes(repository(), target) if current_user() else None


@bp.get("/documents/<doc_id>/file")
def document_file(doc_id):
    """The PDF itself, shown by the browser's own viewer (append #page=N)."""
    repo = repository()
    doc = visible_document_or_404(repo, doc_id)
    path = repo.pdf_path(doc)
    if not path.is_file():
        abort(404, _("The file of this document is missing."))
    name = doc.original_name if doc.original_name.lower().endswith(".pdf") else f"{doc.id}.pdf"
    download = request.args.get("download") == "1"
    return cache_as(doc, send_file(path, mimetype="application/pdf", as_attachment=download,
                                     download_name=name, conditional=True))


@bp.get("/documents/<doc_id>/searchable.pdf")
def searchable_copy(doc_id):
    """The searchable copy OCR made of a scanned document: its pages with a text layer."""
    repo = repository()
    doc = visible_document_or_404(repo, doc_id)
    path = repo.searchable_copy(doc)
    if path is None:
        abort(404, _("This document has no searchable copy: none of its pages needed OCR, "
                     "or it has not been read yet."))
    stem = doc.original_name[:-4] if doc.original_name.lower().endswith(".pdf") else doc.id
    return cache_as(doc, send_file(path, mimetype="application/pdf", as_attachment=True,
                                     download_name=f"{stem}-searchable.pdf",
                                     conditional=True))


@bp.get("/documents/<doc_id>/versions/<sha>/file")
def version_file(doc_id, sha):
    """An earlier version of a document's PDF, from its history."""
    repo = repository()
    doc = visible_document_or_404(repo, doc_id)
    version = next((v for v in repo.versions(doc.id) if v["sha256"] == sha), None)
    if version is None or not repo.pdfs.exists(sha):
        abort(404, _("There is no document with this address."))
    return cache_as(doc, send_file(repo.pdfs.path(sha), mimetype="application/pdf",
                                     as_attachment=True, conditional=True,
                                     download_name=f"{doc.id}-{version['replaced_at'][:10]}.pdf"))


def cache_as(doc, response):
    """A public document's file may be cached but is revalidated each time (its ETag), so
    a retraction takes effect at once; a draft's or retracted one's, shown to staff, is
    never stored by a browser or a proxy."""
    if doc.is_public:
        response.cache_control.public = True
        response.cache_control.no_cache = True
        response.cache_control.max_age = 0
    else:
        response.cache_control.private = True
        response.cache_control.no_store = True
        response.cache_control.max_age = None
    return response


def results_path(back):
    """The search page a document was opened from (`back`), if it is one of ours: a path
    on this site to the search page, nothing else (never another host)."""
    if back == "/" or (back.startswith("/?") and "\\" not in back and len(back) < 4000):
        return back
    return ""


def visible_document_or_404(repo, doc_id):
    """The document, or 404 when it does not exist or the visitor may not see it (a
    draft or retracted document is not admitted to exist)."""
    try:
        doc = repo.document(doc_id)
    except NotFound:
        doc = None
    if doc is None or not visible(doc):
        abort(404, _("There is no document with this address."))
    return doc
