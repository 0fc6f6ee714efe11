"""Staff upload: one or several PDFs to an existing event or one created on the spot.

Every file goes through `Indexer.add`, the same path as `minamata add`: the same
refusals, the same atomic store, the index updated before the page answers."""

import pycountry
from flask import Blueprint, current_app, g, render_template, request, url_for
from flask_babel import gettext as _

from indexer.versions import suggest_versions
from indexer.ocrjob import ocr_status
from indexer.ingest import safe_file_name
from repo.errors import DuplicateDocument, NotFound, VersionRefused
from repo.manifest import UN_REGIONS
from repo.models import DOCUMENT_TYPES, Event, clean_symbol, event_id_for, is_language_code
from webui.security import staff_required
from webui.eventform import place_and_date_errors, split_list
from webui.labels import language_choices
from webui.errors import (ERRORS, RETRY_AFTER, refusal_message,  # noqa: F401
                          version_refusal, web_error)
from webui.services import repository, saved_upload, writer

bp = Blueprint("upload", __name__, url_prefix="/staff")
MAX_FILES = 20


@bp.get("/upload")
@staff_required()
def form():
    """The upload form."""
    return render_template("upload.html", **_form_context(request.args, errors={}))


@bp.post("/upload")
@staff_required()
def upload():
    """Store and index the uploaded files; show what was found in each."""
    errors = _check_fields(request.form)
    files = [f for f in request.files.getlist("files") if f and f.filename]
    if not files:
        errors["files"] = _("Choose at least one PDF.")
    elif len(files) > MAX_FILES:
        errors["files"] = _("At most %(n)s files at once.", n=MAX_FILES)
    if errors:
        return _refused(request.form, errors, files)
    try:
        event_id = _event_for(request.form)
    except ERRORS as e:
        failure = web_error(e)
        errors["event"] = failure.message
        return _refused(request.form, errors, files, failure.status, failure.headers)
    results = [_store_one(f, event_id, request.form, len(files) == 1) for f in files]
    page = render_template("uploaded.html", results=results, event_id=event_id)
    if any(r["doc"] for r in results):
        return page, 200
    if any(r.get("status") == 507 for r in results):
        return page, 507              # the disk is full: say so, whatever else happened
    if any(r.get("busy") for r in results):
        return page, 503, {"Retry-After": str(RETRY_AFTER)}
    return page, 400


def _check_fields(form):
    errors = {}
    if form.get("type") not in DOCUMENT_TYPES:
        errors["type"] = _("Choose a document type.")
    if form.get("status") not in ("published", "draft"):
        errors["status"] = _("Choose whether to publish now or keep a draft.")
    if form.get("language") and not is_language_code(form["language"]):
        errors["language"] = _("Use a two-letter language code such as en, fr or es.")
    if form.get("event") == "new":
        errors.update(_check_new_event(form))
    elif not form.get("event"):
        errors["event"] = _("Choose an event, or create one.")
    else:
        try:
            repository().event(form["event"])
        except NotFound:
            errors["event"] = _("Choose an event, or create one.")
    for name in ("title", "note"):
        if len(form.get(name, "")) > 500:
            errors[name] = _("At most 500 characters.")
    errors.update(symbol_errors(form))
    target_id = form.get("version_of", "").strip()
    if target_id:
        try:
            repository().check_version_target(target_id, form.get("event"))
        except VersionRefused as e:
            errors["version_of"] = version_refusal(e, target_id)
    return errors


def _check_new_event(form):
    errors = place_and_date_errors(form, prefix="new_")
    if not form.get("new_title", "").strip():
        errors["new_title"] = _("The new event needs a title.")
    return errors


def _event_for(form):
    """The chosen event's id, creating the new event first if asked."""
    if form.get("event") != "new":
        return form["event"]
    repo = repository()
    start = form["new_start"]
    event_id = event_id_for(start, form["new_city"], {e.id for e in repo.events()})
    lang = form.get("new_language") or "en"
    split = lambda name: split_list(form.get(name, ""))  # noqa: E731
    event = Event(id=event_id, titles={lang: form["new_title"].strip()},
                  city=form["new_city"].strip(), country=form["new_country"].upper(),
                  region=form["new_region"], start=start, end=form.get("new_end") or start,
                  organisers=split("new_organisers"), funders=split("new_funders"),
                  topics=split("new_topics"),     # as typed: "EMAPE" stays "EMAPE"
                  descriptions={lang: form.get("new_description", "").strip()}
                  if form.get("new_description", "").strip() else {},
                  public=form.get("status") == "published")
    with writer() as indexer:
        indexer.put_event(event, g.user["name"], request.remote_addr)
    return event_id


def _store_one(upload, event_id, form, single):
    name = safe_file_name(upload.filename)
    result = {"name": name, "doc": None, "error": None, "existing": None, "suggestions": [],
              "ocr": None, "title_source": None}
    try:
        result["doc"], result["title_source"] = store_upload_with_source(
            upload, event_id, form["type"], g.user["name"],
            title=form.get("title") if single else None, language=form.get("language", ""),
            note=form.get("note", ""), status=form["status"],
            version_of=form.get("version_of", "").strip(),
            symbol=form.get("symbol", "") if single else "")
        result["ocr"] = ocr_status(repository(), result["doc"])
        if not result["doc"].work_id:
            result["suggestions"] = suggest_versions(repository(), result["doc"].id)
    except ERRORS as e:
        failure = web_error(e)
        result["error"] = failure.message
        result["busy"], result["status"] = failure.retry, failure.status
        if isinstance(e, DuplicateDocument):
            result["existing"] = url_for("browse.document", doc_id=e.existing_id)
    return result


def symbol_errors(form):
    """{"symbol": message} when the form's document symbol is not one."""
    try:
        clean_symbol(form.get("symbol", ""))
    except ValueError:
        return {"symbol": _("A document symbol is made of parts joined by / . or -, "
                            "e.g. UNEP/MC/WS.2019/HAN/1.")}
    return {}


def store_upload(upload, event_id, doc_type, user, title=None, language="", note="",
                 status="published", version_of="", symbol=""):
    """Save an uploaded file to a temporary file and add it with `Indexer.add`; raises
    what `add` raises. The web form and the JSON API both come here."""
    return store_upload_with_source(upload, event_id, doc_type, user, title, language, note,
                                    status, version_of, symbol)[0]


def store_upload_with_source(upload, event_id, doc_type, user, title=None, language="",
                             note="", status="published", version_of="", symbol=""):
    """As `store_upload`, with where the title came from (`indexer.ingest.TITLE_SOURCES`)."""
    with saved_upload(upload) as path, writer() as indexer:
        doc = indexer.add(path, event_id, doc_type, title=title, language=language,
                          note=note, added_by=user,
                          original_name=safe_file_name(upload.filename or "upload.pdf"),
                          status=status, address=request.remote_addr,
                          version_of=version_of, symbol=symbol)
        return doc, indexer.title_sources.get(doc.id, "given")


def _refused(form, errors, files, status=400, headers=None):
    """The form again (400, or the error's own status), with every value typed kept; a
    browser cannot refill a file field, so the files chosen are named (none was stored)
    to be chosen again."""
    context = _form_context(form, errors)
    context["chosen_files"] = [safe_file_name(f.filename) for f in files]
    return render_template("upload.html", **context), status, headers or {}


def _form_context(values, errors):
    repo = repository()
    countries = sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda x: x[1])
    return dict(values=values, errors=errors, events=repo.events(), types=DOCUMENT_TYPES,
                languages=language_choices(), chosen_files=[],
                documents=repo.documents(values.get("event")) if values.get("event") else [],
                regions=list(UN_REGIONS), countries=countries,
                max_mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024))
