"""Staff import of the Secretariat's listing pages: upload or paste, preview, confirm."""
from flask import Blueprint, g, render_template, request
from flask_babel import gettext as _

from indexer.ingest import StalePreview
from repo.listing.importer import REQUIRED_ON_CREATE, plan_as_json, plan_digest, plan_import
from webui.errors import ERRORS, web_error
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
    """First a preview of what would be created or changed, field by field; then,
    confirmed, the import of the ticked events and fields only. The listing is parsed
    again at confirmation: the form carries the officer's choices, never the values."""
    raw, error = _listing_text()
    language = request.form.get("language", "auto")
    if language not in ("auto", "fr", "en", "es"):
        language = "auto"
    if error:
        return render_template("import.html", stage="form", error=error), 400
    plan, problems, lang = plan_import(repository(), raw, language)
    summary = plan_as_json(plan, problems)
    if request.form.get("confirm") != "yes":
        return _preview(summary, raw, lang, plan_digest(plan))
    try:
        with writer() as indexer:
            plan, problems, lang = indexer.import_listing(
                raw, lang, only=_chosen(), digest=request.form.get("digest", ""),
                actor=g.user["name"], address=request.remote_addr)
    except StalePreview as e:
        return _preview(plan_as_json(e.plan, e.problems), raw, e.language,
                        plan_digest(e.plan), _("The events changed since the preview: "
                                               "check the changes again before "
                                               "confirming.")), 409
    except ERRORS as e:
        failure = web_error(e)
        return (render_template("import.html", stage="form", error=failure.message),
                failure.status, failure.headers)
    except ValueError:         # a choice naming no event or field of the listing
        return render_template("import.html", stage="form", error=_(
            "The choices do not match this listing; preview it again.")), 400
    return render_template("import.html", stage="done", summary=plan_as_json(plan, problems),
                           error=None)


def _preview(summary, raw, language, digest, error=None):
    return render_template("import.html", stage="preview", summary=summary, raw=raw,
                           language=language, digest=digest, error=error,
                           required=REQUIRED_ON_CREATE)


def _chosen():
    """{event id: ticked fields} of the confirmation form (unticked events are absent)."""
    only = {event_id: set() for event_id in request.form.getlist("event")}
    for pair in request.form.getlist("field"):
        event_id, _sep, name = pair.partition(":")
        if event_id in only:
            only[event_id].add(name)
    return only


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
