"""The audit trail, for admins: filter it, read it, export it as CSV or JSON."""
import csv
import io
import json

from flask import Blueprint, Response, render_template, request

from repo.audit import ACTIONS
from webui.security import staff_required
from webui.services import repository

bp = Blueprint("audit", __name__, url_prefix="/staff/audit")
MAX_ROWS = 5000


@bp.get("")
@staff_required(admin=True)
def audit_log():
    """Audit entries, newest first, filtered by actor, action, target and date."""
    f = {k: request.args.get(k, "").strip() for k in ("actor", "action", "target", "since")}
    entries = repository().audit.entries(actor=f["actor"] or None,
                                         action=f["action"] if f["action"] in ACTIONS else None,
                                         target=f["target"] or None,
                                         since=f["since"] or None, limit=MAX_ROWS)
    fmt = request.args.get("format")
    if fmt == "json":
        return Response(json.dumps([e.to_dict() for e in entries], ensure_ascii=False, indent=1),
                        mimetype="application/json",
                        headers={"Content-Disposition": "attachment; filename=audit.json"})
    if fmt == "csv":
        return Response(_csv(entries), mimetype="text/csv",
                        headers={"Content-Disposition": "attachment; filename=audit.csv"})
    return render_template("audit.html", entries=entries[:500], filters=f, actions=ACTIONS,
                           more=len(entries) > 500,
                           failures=repository().accounts.failed_sign_ins()[:200])


def _csv(entries):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "at", "actor", "action", "target", "before", "after", "address"])
    for e in entries:
        row = [e.id, e.at, e.actor, e.action, e.target, _cell(e.before), _cell(e.after),
               e.address]
        # A cell starting with = + - @ is a formula to a spreadsheet: quote it as text.
        writer.writerow([f"'{v}" if isinstance(v, str) and v[:1] in "=+-@" else v
                         for v in row])
    return out.getvalue()


def _cell(value):
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
