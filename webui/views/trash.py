"""The trash, for admins: the deleted documents, each with a button to restore it."""
from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from webui.errors import ERRORS, web_error
from webui.security import staff_required
from webui.services import repository, writer

bp = Blueprint("trash", __name__, url_prefix="/staff/trash")


@bp.get("")
@staff_required(admin=True)
def trash():
    """The deleted documents (by id), each with a Restore button."""
    return render_template("trash.html", docs=repository().trash.documents(), error=None)


@bp.post("/<doc_id>/restore")
@staff_required(admin=True)
def restore(doc_id):
    """Bring a document back from the trash (through `Indexer.restore`) and show it."""
    if doc_id not in repository().trash.ids():
        abort(404, _("There is no such document in the trash."))
    try:
        with writer() as indexer:
            indexer.restore(doc_id, g.user["name"], request.remote_addr)
    except ERRORS as e:
        failure = web_error(e)
        # A clash with what is there now (its id or its file) is a conflict, not a bad form.
        status = 409 if failure.status in (400, 404) else failure.status
        return render_template("trash.html", docs=repository().trash.documents(),
                               error=_("%(id)s could not be restored: %(reason)s",
                                       id=doc_id, reason=failure.message)), status, \
            failure.headers
    return redirect(url_for("browse.document", doc_id=doc_id))
