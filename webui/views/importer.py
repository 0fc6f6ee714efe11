"""Staff import of the Secretariat's listing pages: upload or paste, preview, confirm."""
from flask import Blueprint, g, render_template, request
from flask_babel import gettext as _

from repo.errors import LockHeld
from repo.listing.importer import apply_import, plan_as_json, plan_import
from webui.security import staff_required
from webui.services import repository, writer

bp = Blueprint("importer", __name__, url_prefix="/staff/import")
MAX_LISTING = 2 * 1024 * 1024


@bp.get("")
@staff_required()
def form():
    """Upload or paste a listing."""
    return render_template("import.html", stage="form", error=None)


@bp.post("")
@staff_required()
def preview_or_apply():
    """First a preview of what would be created or changed; then, confirmed, the import."""
    raw, error = _listing_text()
    language = request.form.get("language", "auto")
    if language not in ("auto", "fr", "en", "es"):
        language = "auto"
    if error:
        return render_template("import.html", stage="form", error=error), 400
    plan, problems, lang = plan_import(repository(), raw, language)
    summary = plan_as_json(plan, problems)
    if request.form.get("confirm") != "yes":
        return render_template("import.html", stage="preview", summary=summary, raw=raw,
                               language=lang, error=None)
    try:
        with writer() as indexer, indexer.repo.writing():
            plan, problems, lang = plan_import(indexer.repo, raw, lang)   # fresh, under lock
            apply_import(indexer.repo, plan, actor=g.user["name"], address=request.remote_addr)
            indexer.update_index()
    except LockHeld:
        return render_template("import.html", stage="form", error=_(
            "The repository is busy; please try again in a minute.")), 503
    return render_template("import.html", stage="done", summary=plan_as_json(plan, problems),
                           error=None)


def _listing_text():
    upload = request.files.get("listing")
    if upload and upload.filename:
        data = upload.read(MAX_LISTING + 1)
        if len(data) > MAX_LISTING:
            return None, _("The file is larger than the limit.")
        try:
            return data.decode("utf-8"), None
        except UnicodeDecodeError:
            return None, _("The listing must be a text or HTML file in UTF-8.")
    text = request.form.get("text", "")
    if not text.strip():
        return None, _("Upload the listing page, or paste its text.")
    if len(text) > MAX_LISTING:
        return None, _("The file is larger than the limit.")
    return text, None
