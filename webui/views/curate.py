"""Staff curation of a document: correct its metadata, publish, retract."""

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from indexer.errors import PdfRefused
from repo.errors import InvalidInput, LockHeld, NotFound
from repo.models import DOCUMENT_TYPES, STATUSES
from webui.security import staff_required
from webui.services import repository, saved_upload, writer

bp = Blueprint("curate", __name__, url_prefix="/staff/documents")


@bp.route("/<doc_id>/edit", methods=["GET", "POST"])
@staff_required()
def edit(doc_id):
    """The edit form; on POST, save, re-index and go back to the document."""
    try:
        doc = repository().document(doc_id)
    except NotFound:
        abort(404, _("There is no document with this address."))
    if request.method == "GET":
        return render_template("edit.html", doc=doc, values={}, errors={}, types=DOCUMENT_TYPES,
                               statuses=STATUSES)
    form = request.form
    errors = {}
    changes = {"title": form.get("title", "").strip(), "type": form.get("type", ""),
               "declared_language": form.get("language", "").strip().lower(),
               "source_note": form.get("note", "").strip(), "status": form.get("status", "")}
    if not changes["title"] or len(changes["title"]) > 500:
        errors["title"] = _("A title of 1 to 500 characters is needed.")
    if changes["type"] not in DOCUMENT_TYPES:
        errors["type"] = _("Choose a document type.")
    if changes["status"] not in STATUSES:
        errors["status"] = _("Choose a status.")
    if changes["declared_language"] and not changes["declared_language"].isalpha():
        errors["language"] = _("Use a two-letter language code such as en, fr or es.")
    if len(changes["source_note"]) > 500:
        errors["note"] = _("At most 500 characters.")
    if errors:
        return render_template("edit.html", doc=doc, values=form, errors=errors,
                               types=DOCUMENT_TYPES, statuses=STATUSES), 400
    try:
        with writer() as indexer:
            indexer.edit(doc_id, changes, g.user["name"], request.remote_addr)
    except (InvalidInput, LockHeld) as e:
        errors["form"] = str(e)
        return render_template("edit.html", doc=doc, values=form, errors=errors,
                               types=DOCUMENT_TYPES, statuses=STATUSES), 400
    return redirect(url_for("browse.document", doc_id=doc_id))


@bp.post("/<doc_id>/delete")
@staff_required(admin=True)
def delete(doc_id):
    """Delete a document (admins only): it goes to the trash, whence `minamata restore`."""
    try:
        repository().document(doc_id)
    except NotFound:
        abort(404, _("There is no document with this address."))
    with writer() as indexer:
        indexer.delete(doc_id, g.user["name"], request.remote_addr)
    return redirect(url_for("browse.events"))


@bp.post("/<doc_id>/replace")
@staff_required()
def replace_file(doc_id):
    """Replace the document's file by a corrected version; the old one stays in history."""
    from webui.views.upload import refusal_message
    try:
        doc = repository().document(doc_id)
    except NotFound:
        abort(404, _("There is no document with this address."))
    upload = request.files.get("file")
    error = None
    if upload is None or not upload.filename:
        error = _("Choose at least one PDF.")
    else:
        try:
            with saved_upload(upload) as path, writer() as indexer:
                indexer.replace(doc_id, path, g.user["name"], upload.filename,
                                request.remote_addr)
        except (PdfRefused, InvalidInput, LockHeld) as e:
            error = refusal_message(e)
    if error:
        return render_template("edit.html", doc=doc, values={}, errors={"file": error},
                               types=DOCUMENT_TYPES, statuses=STATUSES), 400
    return redirect(url_for("browse.document", doc_id=doc_id))
