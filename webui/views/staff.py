"""Secretariat staff: sign in and out (uploads and curation build on this)."""
import time

from flask import (Blueprint, current_app, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _

from repo.accounts import Throttled
from repo.errors import is_disk_full
from webui.security import current_user, safe_next
from webui.services import repository

bp = Blueprint("staff", __name__, url_prefix="/staff")



@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """The sign-in form; on success, back to where the visitor was going."""
    target = safe_next(request.values.get("next"), url_for("search.search"))
    if request.method == "GET":
        return render_template("sign_in.html", next=target, error=None)
    name = request.form.get("name", "").strip().lower()[:40]
    password = request.form.get("password", "")[:1024]
    repo = repository()
    rules = current_app.config["MINAMATA_SIGN_IN_RULES"]
    try:
        attempt = _unless_disk_full(
            lambda: repo.accounts.begin_attempt(name, request.remote_addr, rules))
    except Throttled as e:
        if e.scope == "account":
            error = _("Too many failed attempts on this account. Please wait %(n)s seconds "
                      "and try again.", n=e.wait)
        else:
            error = _("Too many failed attempts. Please wait %(n)s minutes and try again.",
                      n=rules.window // 60)
        return render_template("sign_in.html", next=target, error=error,
                               name=name), 429
    if attempt and attempt.slowed and not current_app.testing:
        time.sleep(1.0)
    user = repo.accounts.authenticate(name, password)
    if user is None:
        # Not one audit row per failure (200 addresses wrote 200 rows in 18 s): the
        # attempt stays counted in the sign-in log, which the audit page sums up per
        # address and hour and which keeps one day.
        # The same message whether or not the account exists.
        return render_template("sign_in.html", next=target, name=name,
                               error=_("Wrong name or password.")), 401
    if attempt:
        _unless_disk_full(lambda: repo.accounts.succeeded(attempt))
    _unless_disk_full(lambda: _record_sign_in(repo, user))
    session.clear()                       # a new session on sign-in (no fixation)
    session["user"] = {"name": user.name, "role": user.role, "gen": user.generation}
    session.permanent = True
    return redirect(target)


def _record_sign_in(repo, user):
    repo.audit.event(user.name, "sign_in", user.name, address=request.remote_addr)


def _unless_disk_full(write):
    """Run a bookkeeping write of sign-in; with the disk full, sign-in still works (it
    needs no write: the session is a cookie), without its count or its audit line."""
    try:
        return write()
    except Exception as e:  # noqa: BLE001 - only the disk-full case is swallowed
        if not is_disk_full(e):
            raise
        current_app.logger.error("disk full: sign-in not counted or audited (%s)", e)
        return None


@bp.post("/sign-out")
def sign_out():
    """Sign out (a POST with the CSRF token, so no other site can sign you out)."""
    user = current_user()
    if user:
        repo = repository()
        repo.accounts.end_sessions(user["name"], actor=user["name"],
                                   address=request.remote_addr)
    session.clear()
    return redirect(url_for("search.search"))
