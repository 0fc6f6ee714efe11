"""Staff curation of a document: correct its metadata, publish, retract."""

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from indexer.versions import suggest_versions
from repo.errors import NotFound, VersionRefused
from repo.models import DOCUMENT_TYPES, STATUSES, is_language_code
from webui.errors import ERRORS, version_refusal, web_error
from webui.labels import language_choices
from webui.security import staff_required
from webui.services import repository, saved_upload, writer
from webui.views.upload import symbol_errors

bp = Blueprint("curate", __name__, url_prefix="/staff/documents")


@bp.route("/<doc_id>/edit", methods=["GET", "POST"])
@staff_required()
def edit(doc_id):
    """The edit form; on POST, save, re-index and go back to the document."""
    doc = _document_or_404(doc_id)
    if request.method == "GET":
        return _edit_page(doc, {}, {})
    form = request.form
    errors = {}
    changes = {"title": form.get("title", "").strip(), "type": form.get("type", ""),
               "declared_language": form.get("language", "").strip().lower(),
               "source_note": form.get("note", "").strip(), "status": form.get("status", ""),
               "symbol": form.get("symbol", "").strip()}
    if not changes["title"] or len(changes["title"]) > 500:
        errors["title"] = _("A title of 1 to 500 characters is needed.")
    if changes["type"] not in DOCUMENT_TYPES:
        errors["type"] = _("Choose a document type.")
    if changes["status"] not in STATUSES:
        errors["status"] = _("Choose a status.")
    if changes["declared_language"] and not is_language_code(changes["declared_language"]):
        errors["language"] = _("Use a two-letter language code such as en, fr or es.")
    if len(changes["source_note"]) > 500:
        errors["note"] = _("At most 500 characters.")
    errors.update(symbol_errors(form))
    if errors:
        return _edit_page(doc, form, errors), 400
    try:
        with writer() as indexer:
            indexer.edit(doc_id, changes, g.user["name"], request.remote_addr)
    except ERRORS as e:
        return _refused(doc, form, errors, "form", e)
    return redirect(url_for("browse.document", doc_id=doc_id))


@bp.get("/<doc_id>/delete")
@staff_required(admin=True)
def confirm_delete(doc_id):
    """The confirmation step before a deletion: what goes, and where it can come back from."""
    return render_template("delete.html", doc=_document_or_404(doc_id))


@bp.post("/<doc_id>/delete")
@staff_required(admin=True)
def delete(doc_id):
    """Delete a document (admins only, from the confirmation page): it goes to the trash,
    where the trash page (or `minamata restore`) brings it back."""
    doc = _document_or_404(doc_id)
    try:
        with writer() as indexer:
            indexer.delete(doc_id, g.user["name"], request.remote_addr)
    except ERRORS as e:
        failure = web_error(e)
        return (render_template("delete.html", doc=doc, error=failure.message),
                failure.status, failure.headers)
    return redirect(url_for("trash.trash"))


@bp.post("/<doc_id>/replace")
@staff_required()
def replace_file(doc_id):
    """Replace the document's file by a corrected version; the old one stays in history."""
    doc = _document_or_404(doc_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _edit_page(doc, {}, {"file": _("Choose at least one PDF.")}), 400
    try:
        with saved_upload(upload) as path, writer() as indexer:
            indexer.replace(doc_id, path, g.user["name"], upload.filename,
                            request.remote_addr)
    except ERRORS as e:
        return _refused(doc, {}, {}, "file", e)
    return redirect(url_for("browse.document", doc_id=doc_id))


@bp.post("/<doc_id>/versions")
@staff_required()
def link_version(doc_id):
    """Record that this document is a language version of another of its event (chosen
    in the list, or a suggestion confirmed)."""
    doc = _document_or_404(doc_id)
    target = request.form.get("version_of", "").strip()
    if not target:
        return _edit_page(doc, {}, {"version_of": _("Choose the document this one is a "
                                                    "language version of.")}), 400
    try:
        with writer() as indexer:
            indexer.link_versions(doc_id, target, g.user["name"], request.remote_addr)
    except VersionRefused as e:
        return _edit_page(doc, {}, {"version_of": version_refusal(e, target)}), 400
    except ERRORS as e:
        return _refused(doc, {}, {}, "version_of", e)
    return redirect(url_for("curate.edit", doc_id=doc_id) + "#versions")


@bp.post("/<doc_id>/versions/unlink")
@staff_required()
def unlink_version(doc_id):
    """Take this document out of its work: it is no longer a version of the others."""
    doc = _document_or_404(doc_id)
    try:
        with writer() as indexer:
            indexer.unlink_version(doc_id, g.user["name"], request.remote_addr)
    except ERRORS as e:
        return _refused(doc, {}, {}, "version_of", e)
    return redirect(url_for("curate.edit", doc_id=doc_id) + "#versions")


def _document_or_404(doc_id):
    """The document, or a 404 page."""
    try:
        return repository().document(doc_id)
    except NotFound:
        abort(404, _("There is no document with this address."))


def _refused(doc, values, errors, field, error):
    """The edit page again, with the error (from the web's one table) at `field`, and
    that error's status."""
    failure = web_error(error)
    return (_edit_page(doc, values, {**errors, field: failure.message}), failure.status,
            failure.headers)


def _edit_page(doc, values, errors):
    """The edit page: the metadata form, the file replacement, and the document's
    language versions with the ones the repository suggests."""
    repo = repository()
    work = repo.work(doc)
    in_work = {d.id for d in work.versions}
    candidates = [d for d in repo.documents(doc.event_id) if d.id not in in_work]
    return render_template("edit.html", doc=doc, values=values, errors=errors,
                           types=DOCUMENT_TYPES, statuses=STATUSES, work=work,
                           languages=language_choices(),
                           candidates=candidates, suggestions=suggest_versions(repo, doc.id))
