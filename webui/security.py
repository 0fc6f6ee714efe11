"""Sessions and CSRF: the session secret kept in the data directory, a CSRF token in the
session checked on every form post, and the signed-in staff member."""
import hmac
import os
import secrets
from functools import wraps
from pathlib import Path
from urllib.parse import urlparse

from flask import abort, current_app, g, redirect, request, session, url_for
from flask_babel import gettext as _

CSRF_FIELD = "csrf_token"


def load_secret(data_dir):
    """The session secret: generated on first run, kept (mode 0600) in the data directory."""
    path = Path(data_dir) / "session.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secrets.token_hex(32).encode())
        finally:
            os.close(fd)
    return path.read_text().strip()


def csrf_token():
    """This session's CSRF token (created on first use)."""
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return session[CSRF_FIELD]


def check_csrf():
    """before_request: refuse a form POST whose CSRF token is missing or wrong.

    The JSON API is exempt: it authenticates with a bearer token, not a cookie."""
    if request.method in ("GET", "HEAD", "OPTIONS") or request.path.startswith("/api/"):
        return
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and (request.content_length or 0) > limit:
        abort(413)        # before the form is read: an oversized body is never parsed
    sent = request.form.get(CSRF_FIELD, "")
    expected = session.get(CSRF_FIELD, "")
    if not expected or not hmac.compare_digest(sent, expected):
        abort(400, _("This form has expired or did not come from this site; please try "
                     "again."))


def current_user():
    """The signed-in staff member ({name, role}), or None. Checked against the account on
    every request, as Django checks its session hash: a session from before a password
    change, a disabling or a sign-out is no longer one, and the role is the account's
    current one, not the one signed in with."""
    if "staff_user" in g:
        return g.staff_user
    g.staff_user = None
    held = session.get("user")
    if held:
        # Imported here: webui.services imports this module.
        from repo.errors import NotFound
        from webui.services import repository
        try:
            account = repository().accounts.get(held.get("name", ""))
        except NotFound:
            account = None
        if account is None or account.disabled or account.generation != held.get("gen"):
            session.pop("user", None)
        else:
            g.staff_user = {"name": account.name, "role": account.role}
    return g.staff_user


def staff_required(admin=False):
    """Views for staff: anonymous visitors go to sign-in; editors get 403 on admin views."""
    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = current_user()
            if user is None:
                return redirect(url_for("staff.sign_in", next=request.full_path))
            if admin and user["role"] != "admin":
                abort(403)
            g.user = user
            return view(*args, **kwargs)
        return wrapped
    return decorate


def safe_next(target, default):
    """A redirect target only if it is a path on this site (no open redirects)."""
    if not target:
        return default
    parts = urlparse(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target
