"""The PDF viewer: a document drawn by PDF.js in our own page, opened at a search's best
page with the query's words highlighted; and PDF.js's own files, served from this site
(installed by `npm ci`, never fetched from a CDN)."""
import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from flask import (Blueprint, abort, current_app, g, redirect, render_template, request,
                   send_from_directory, url_for)

from indexer.errors import IndexerError, QueryError
from indexer.query import highlight_terms
from webui.security import current_user
from webui.services import repository, search_service
from webui.views.browse import cache_as, results_path, visible_document_or_404

bp = Blueprint("viewer", __name__)

# What the viewer loads; without any of them the page links open the plain PDF.
NEEDED = ("build/pdf.mjs", "build/pdf.worker.mjs", "web/pdf_viewer.mjs", "web/pdf_viewer.css")
# The package's folders a browser may fetch (never its package.json, types or legacy build):
# the library, the viewer components and their images, and the data PDF.js reads on demand
# (CJK character maps, the 14 standard fonts, colour profiles, decoders).
SERVED = ("build", "web", "cmaps", "standard_fonts", "iccs", "wasm")
MIME = {".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm"}
YEAR = 365 * 24 * 3600


@dataclass(frozen=True)
class PdfJs:
    """An installed PDF.js: its folder and its version, which is part of its files'
    addresses (a browser keeps them for good; an upgrade has new addresses)."""

    folder: Path
    version: str


def find_pdfjs(folder):
    """The PDF.js installed at `folder` (the pdfjs-dist package), or None when it is
    missing or incomplete."""
    folder = Path(folder)
    try:
        version = json.loads((folder / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not re.fullmatch(r"[\w.+-]+", str(version)):
        return None
    if not all((folder / name).is_file() for name in NEEDED):
        return None
    return PdfJs(folder.resolve(), str(version))


@bp.record_once
def _say_if_missing(state):
    # Said once, when the app is made: every page link then opens the plain PDF instead.
    if state.app.config.get("MINAMATA_PDFJS") is None:
        state.app.logger.warning(
            "the PDF viewer is unavailable: PDF.js was not found at %s (run `npm ci` at the "
            "repository's root, or set MINAMATA_PDFJS_DIR); page links open the plain PDF",
            state.app.config.get("MINAMATA_PDFJS_DIR"))


QUERY_SAFE = "!$'()*,/:;?@"    # what Werkzeug leaves as it is in a query (WHATWG's list)


@bp.app_template_global()
def page_url(doc_id, page, **args):
    """Where a link to a document's page goes: the viewer at that page (`args`: q, expand,
    back; None values are left out), or the plain PDF at that page without PDF.js."""
    if current_app.config.get("MINAMATA_PDFJS") is None:
        return f"{url_for('browse.document_file', doc_id=doc_id)}#page={page}"
    # url_for once per document and request: a results page links up to 20 pages of each
    # hit, and building each link through the URL map was a tenth of the page's time.
    if "viewer_urls" not in g:
        g.viewer_urls = {}
    base = g.viewer_urls.get(doc_id)
    if base is None:
        base = g.viewer_urls[doc_id] = url_for("viewer.view", doc_id=doc_id)
    query = [("page", page)] + [(k, v) for k, v in args.items() if v is not None]
    return f"{base}?{urlencode(query, safe=QUERY_SAFE)}"


@bp.get("/documents/<doc_id>/view")
def view(doc_id):
    """A document in PDF.js at `page` (default: the best page for `q`), with the query's
    words (and, unless expand=0, their thesaurus terms) highlighted."""
    repo = repository()
    doc = visible_document_or_404(repo, doc_id)
    q = request.args.get("q", "").strip()
    expand = request.args.get("expand") != "0"
    terms = _highlights(q, expand)
    page = _page_number(request.args.get("page"), doc.page_count) or \
        _best_page(q, doc.id, expand) or 1
    file_url = url_for("browse.document_file", doc_id=doc.id)
    pdfjs = current_app.config.get("MINAMATA_PDFJS")
    if pdfjs is None:
        return redirect(f"{file_url}#page={page}")
    # A scan's searchable copy (made by OCR) has the text layer the highlights need.
    ocr_copy = repo.searchable_copy(doc) is not None
    pdf_url = url_for("browse.searchable_copy", doc_id=doc.id) if ocr_copy else file_url
    config = _viewer_config(pdfjs, pdf_url, page, terms)
    doc_args = {"q": q or None, "expand": None if expand else 0,
                "back": results_path(request.args.get("back", "")) or None}
    response = current_app.make_response(render_template(
        "viewer.html", doc=doc, q=q, page=page, terms=terms, config=config,
        base=config["base"], file_url=file_url, ocr_copy=ocr_copy, doc_args=doc_args))
    return _private_for_staff(cache_as(doc, response))


def _viewer_config(pdfjs, pdf_url, page, terms):
    """What static/viewer.js is told (as JSON in a data- attribute, never inline script):
    the PDF, the page to open at, the words to highlight, where PDF.js and its worker are."""
    base = f"{request.script_root}/pdfjs/{pdfjs.version}/"
    return {"pdf": pdf_url, "page": page, "terms": terms, "base": base,
            "worker": base + "build/pdf.worker.mjs"}


def _highlights(q, expand):
    """The words of a query to highlight; none for a query the search refuses (the
    document page says why)."""
    try:
        return highlight_terms(q, expand=expand) if q else []
    except QueryError:
        return []


def _best_page(q, doc_id, expand):
    """The page of a document where a query matches best, or None (no query, no match, a
    refused query, the index away)."""
    if not q:
        return None
    try:
        pages = search_service().locate(q, doc_id, expand=expand).pages
    except (QueryError, IndexerError):
        return None
    return pages[0] if pages else None


def _page_number(raw, page_count):
    """The page asked for, if it is one of the document's; else None."""
    try:
        n = int(raw or "")
    except ValueError:
        return None
    return n if 1 <= n <= max(page_count, 1) else None


def _private_for_staff(response):
    # A signed-in officer's page carries their name and sign-out token: never kept by a
    # shared cache, even for a public document.
    if current_user() is not None:
        response.cache_control.public = False
        response.cache_control.private = True
        response.cache_control.no_store = True
    return response


@bp.get("/pdfjs/<version>/<path:filename>")
def pdfjs_file(version, filename):
    """One of PDF.js's files, cached for a year: its address changes with its version."""
    pdfjs = current_app.config.get("MINAMATA_PDFJS")
    # Judged as the file system will read it: `build/../package.json` is package.json.
    filename = posixpath.normpath(filename)
    if pdfjs is None or version != pdfjs.version or filename.split("/", 1)[0] not in SERVED:
        abort(404)
    # send_from_directory refuses a path that leaves the folder (`..`, absolute paths).
    response = send_from_directory(pdfjs.folder, filename, conditional=True, max_age=YEAR,
                                   mimetype=MIME.get(Path(filename).suffix))
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response
