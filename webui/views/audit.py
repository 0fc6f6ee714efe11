"""The audit trail, for admins: filter it, read it, export it as CSV or JSON."""
import csv
import io
import json

from flask import Blueprint, Response, render_template, request

from repo.audit import ACTIONS
from repo.history import entry_changes
from webui.security import staff_required
from webui.services import repository

bp = Blueprint("audit", __name__, url_prefix="/staff")
MAX_ROWS = 5000
PAGE_ROWS = 50
FILTERS = ("actor", "action", "target", "since", "until")


def _filters(args):
    """The filters of the request's query string, as typed (for the form and links)."""
    return {k: args.get(k, "").strip() for k in FILTERS}


def _entries(f, limit, offset=0):
    """The entries matching filters `f`, newest first."""
    return repository().audit.entries(actor=f["actor"] or None,
                                      action=f["action"] if f["action"] in ACTIONS else None,
                                      target=f["target"] or None, since=f["since"] or None,
                                      until=f["until"] or None, limit=limit, offset=offset)


@bp.get("/audit")
@staff_required(admin=True)
def audit_log():
    """Audit entries, newest first, filtered by actor, action, target and dates, a page
    at a time, each showing what changed field by field."""
    f = _filters(request.args)
    fmt = request.args.get("format")
    if fmt in ("json", "csv"):
        return _export(f, fmt)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    entries = _entries(f, PAGE_ROWS + 1, (page - 1) * PAGE_ROWS)
    rows = [(e, entry_changes(e.before, e.after)) for e in entries[:PAGE_ROWS]]
    return render_template("audit.html", rows=rows, filters=f, actions=ACTIONS, page=page,
                           more=len(entries) > PAGE_ROWS,
                           failures=repository().accounts.failed_sign_ins()[:200])


@bp.get("/audit.json")
@staff_required(admin=True)
def audit_json():
    """The filtered entries with their whole records before and after, as JSON."""
    return _export(_filters(request.args), "json")


@bp.get("/audit.csv")
@staff_required(admin=True)
def audit_csv():
    """The filtered entries with their whole records before and after, as CSV."""
    return _export(_filters(request.args), "csv")


def _export(f, fmt):
    entries = _entries(f, MAX_ROWS)
    if fmt == "json":
        return Response(json.dumps([e.to_dict() for e in entries], ensure_ascii=False, indent=1),
                        mimetype="application/json",
                        headers={"Content-Disposition": "attachment; filename=audit.json"})
    return Response(_csv(entries), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=audit.csv"})


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv(entries):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "at", "actor", "action", "target", "before", "after", "address"])
    for e in entries:
        row = [e.id, e.at, e.actor, e.action, e.target, _cell(e.before), _cell(e.after),
               e.address]
        # A cell starting with = + - @ (or a tab or return) is a formula to a
        # spreadsheet: quote it as text. An empty cell stays empty.
        writer.writerow([f"'{v}" if isinstance(v, str) and v[:1] in FORMULA_STARTS else v
                         for v in row])
    return out.getvalue()


def _cell(value):
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
