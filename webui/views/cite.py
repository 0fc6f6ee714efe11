"""Citing a document: its short link `/d/<id>`, and its reference as BibTeX, RIS and
CSL-JSON, in the interface language.

The short link is the document's id, which never changes and is never given twice: it
outlives title corrections and replaced files. It answers 302 (not 301): a permanent
redirect is remembered by browsers and caches, which would tie the short link to the
page's present address and to who asked (a draft's link is a 404 for delegates).
"""
from flask import Blueprint, Response, abort, current_app, redirect, url_for
from flask_babel import get_locale, gettext as _

from webui import citations, labels
from webui.services import repository
from webui.views import browse     # which imports this module: used at call time

bp = Blueprint("cite", __name__)

FORMATS = {  # extension: (formatter, media type)
    "bib": (citations.bibtex, "application/x-bibtex"),
    "ris": (citations.ris, "application/x-research-info-systems"),
    "json": (citations.csl_json, "application/vnd.citationstyles.csl+json"),
}


@bp.get("/d/<doc_id>")
def short(doc_id):
    """The short link: to the document's page, for whoever may see it."""
    browse.visible_document_or_404(repository(), doc_id)
    response = redirect(url_for("browse.document", doc_id=doc_id), 302)
    response.cache_control.no_cache = True       # who may follow it depends on who asks
    return response


@bp.get("/documents/<doc_id>/cite.<ext>")
def reference_file(doc_id, ext):
    """The document's reference in one format (bib, ris, json), as a file to import."""
    if ext not in FORMATS:
        abort(404, _("There is no document with this address."))
    repo = repository()
    doc = browse.visible_document_or_404(repo, doc_id)
    formatter, media_type = FORMATS[ext]
    response = Response(formatter(reference(doc, repo.event(doc.event_id))),
                        mimetype=media_type, content_type=f"{media_type}; charset=utf-8")
    response.headers.set("Content-Disposition", "attachment", filename=f"{doc.id}.{ext}")
    response.vary.update(("Cookie", "Accept-Language"))     # in the interface language
    if doc.is_public:
        response.cache_control.no_cache = True
    else:
        response.cache_control.private = True
        response.cache_control.no_store = True
    return response


def reference(doc, event):
    """The citations.Reference of a document, in the interface language."""
    language = str(get_locale())
    return citations.Reference(
        id=doc.id, title=doc.title, type=doc.type,
        type_label=str(labels.TYPE_LABELS.get(doc.type, doc.type)),
        author=_("Secretariat of the Minamata Convention on Mercury"),
        event=event.title(language),
        place=", ".join(p for p in (event.city, labels.country_name(event.country)) if p),
        # The dates as every page writes them (the templates' own helper).
        dates=current_app.jinja_env.globals["when"](event.start, event.end),
        start=event.start, end=event.end,
        url=url_for("cite.short", doc_id=doc.id, _external=True),
        symbol=doc.symbol, languages=doc.languages)


def cite_view(doc, event):
    """What the document page's Cite section shows: the citation, the short link and
    the reference files' addresses."""
    ref = reference(doc, event)
    return {"text": citations.plain(ref), "short_url": ref.url,
            "files": [(label, url_for("cite.reference_file", doc_id=doc.id, ext=ext))
                      for ext, label in (("bib", "BibTeX"), ("ris", "RIS"),
                                         ("json", "CSL-JSON"))]}
