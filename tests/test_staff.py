"""Staff sign-in and out: CSRF, hashed passwords, throttling, audit, session cookie."""
import re

import pytest

from repo.settings import Settings
from repo.store import Repository
from webui import create_app
from webui.settings import WebSettings

PASSWORD = "a long enough password"


@pytest.fixture
def app(settings):
    repo = Repository(settings)
    repo.accounts.add("amina", PASSWORD, "editor")
    repo.close()
    return create_app(WebSettings(store=settings, testing=True))


def _token(client, path="/staff/sign-in"):
    body = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)


def _sign_in(client, name="amina", password=PASSWORD, token=None):
    token = _token(client) if token is None else token
    return client.post("/staff/sign-in", data={"name": name, "password": password,
                                               "csrf_token": token, "next": "/events"})


def test_sign_in_sets_a_safe_session_and_is_audited(app, settings):
    client = app.test_client()
    r = _sign_in(client)
    assert r.status_code == 302 and r.headers["Location"] == "/events"
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "amina" in client.get("/").get_data(as_text=True)       # shown in the header
    repo = Repository(settings)
    assert [e.action for e in repo.audit.entries()] == ["sign_in"]


def test_form_without_csrf_token_is_refused(app):
    client = app.test_client()
    client.get("/staff/sign-in")
    r = client.post("/staff/sign-in", data={"name": "amina", "password": PASSWORD})
    assert r.status_code == 400 and "expired" in r.get_data(as_text=True)


def test_wrong_password_and_unknown_user_say_the_same(app, settings):
    client = app.test_client()
    wrong = _sign_in(client, password="not the password")
    nobody = _sign_in(client, name="nobody")
    assert wrong.status_code == nobody.status_code == 401
    assert "Wrong name or password" in wrong.get_data(as_text=True)
    text = lambda r: re.sub(r'value="[^"]*"', "", r.get_data(as_text=True))  # noqa: E731
    assert text(wrong) == text(nobody)
    failures = Repository(settings).accounts.failed_sign_ins()
    assert [(f["attempts"], f["accounts"]) for f in failures] == [(2, ["amina", "nobody"])]


def test_repeated_failures_refuse_even_the_right_password(app):
    client = app.test_client()
    for _ in range(5):
        assert _sign_in(client, password="guess guess guess").status_code == 401
    r = _sign_in(client)
    assert r.status_code == 429 and "Too many failed attempts" in r.get_data(as_text=True)


def test_disabled_account_cannot_sign_in(app, settings):
    repo = Repository(settings)
    repo.accounts.set_disabled("amina")
    assert _sign_in(app.test_client()).status_code == 401


def test_sign_out_needs_post_with_token(app):
    client = app.test_client()
    _sign_in(client)
    assert client.get("/staff/sign-out").status_code == 405
    assert client.post("/staff/sign-out").status_code == 400
    r = client.post("/staff/sign-out", data={"csrf_token": _token(client, "/")})
    assert r.status_code == 302 and "amina" not in client.get("/").get_data(as_text=True)


def test_no_open_redirect_after_sign_in(app):
    client = app.test_client()
    token = _token(client)
    r = client.post("/staff/sign-in", data={"name": "amina", "password": PASSWORD,
                                            "csrf_token": token,
                                            "next": "https://evil.example/"})
    assert r.headers["Location"] == "/"


def test_session_secret_is_kept_in_the_data_directory(settings, app):
    key = (settings.data_dir / "session.key")
    assert key.stat().st_mode & 0o077 == 0
    again = create_app(WebSettings(store=Settings.from_env(environ={},
                                                           data_dir=settings.data_dir)))
    assert again.config["SECRET_KEY"] == app.config["SECRET_KEY"] == key.read_text().strip()


def test_audit_trail_is_for_admins_with_filters_and_exports(app, settings):
    repo = Repository(settings)
    repo.accounts.add("root", PASSWORD, "admin")
    editor = app.test_client()
    _sign_in(editor)
    assert editor.get("/staff/audit").status_code == 403
    admin = app.test_client()
    _sign_in(admin, name="root")
    with repo.catalog.transaction():
        repo.audit.record("=cmd|' /C calc'!A0", "edit", "hanoi-report",
                          before={"title": "<b>old</b>"}, after={"title": "new"})
    page = admin.get("/staff/audit?action=edit").get_data(as_text=True)
    assert "hanoi-report" in page and "<b>old</b>" not in page
    assert "<td>sign_in</td>" not in page and "<td>edit</td>" in page
    csv_text = admin.get("/staff/audit?format=csv&action=edit").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("id,at,actor,action")
    assert "'=cmd" in csv_text                       # no formula injection into spreadsheets
    entries = admin.get("/staff/audit?format=json").get_json()
    assert {e["action"] for e in entries} >= {"sign_in", "edit"}
    assert app.test_client().get("/staff/audit").status_code == 302


def _session_cookie(client):
    return client.get_cookie("session").value


def _with_cookie(app, value):
    other = app.test_client()
    other.set_cookie("session", value)
    return other


@pytest.mark.parametrize("change", ["disable", "password", "sign_out"])
def test_a_session_ends_with_disabling_password_change_and_sign_out(app, settings, change):
    client = app.test_client()
    _sign_in(client)
    assert client.get("/staff/upload").status_code == 200
    copied = _session_cookie(client)              # e.g. stolen, or another browser tab
    repo = Repository(settings)
    if change == "disable":
        repo.accounts.set_disabled("amina")
    elif change == "password":
        repo.accounts.set_password("amina", "another long password")
    else:
        client.post("/staff/sign-out", data={"csrf_token": _token(client, "/")})
    replay = _with_cookie(app, copied)
    r = replay.get("/staff/upload")
    assert r.status_code == 302 and "/staff/sign-in" in r.headers["Location"]
    if change == "password":
        assert _sign_in(app.test_client(), password="another long password").status_code == 302


def test_the_role_is_the_accounts_current_one(app, settings):
    repo = Repository(settings)
    repo.accounts.add("root", PASSWORD, "admin")
    admin = app.test_client()
    _sign_in(admin, name="root")
    assert admin.get("/staff/audit").status_code == 200
    with repo.catalog.transaction():
        repo.catalog.conn.execute("UPDATE users SET role='editor' WHERE name='root'")
    assert admin.get("/staff/audit").status_code == 403


@pytest.fixture
def quick_app(settings):
    from repo.accounts import ThrottleRules
    repo = Repository(settings)
    repo.accounts.add("amina", PASSWORD, "editor")
    repo.close()
    return create_app(WebSettings(store=settings, testing=True,
                                  sign_in_rules=ThrottleRules(delay=0.5)))


def _client_at(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_an_attacker_elsewhere_slows_the_owner_but_never_locks_her_out(quick_app):
    import time
    attacker, owner = _client_at(quick_app, "10.0.0.66"), _client_at(quick_app, "10.0.0.7")
    for _ in range(5):
        assert _sign_in(attacker, password="guess guess guess").status_code == 401
    assert _sign_in(attacker).status_code == 429          # that address is refused
    first = _sign_in(owner)
    assert first.status_code in (302, 429)               # at most a short wait
    if first.status_code == 429:
        assert "seconds" in first.get_data(as_text=True)
        time.sleep(0.6)
        assert _sign_in(owner).status_code == 302
    # A wrong password keeps the name typed.
    r = _sign_in(_client_at(quick_app, "10.0.0.8"), password="typo typo typo")
    assert 'value="amina"' in r.get_data(as_text=True)


def test_simultaneous_guesses_are_counted_before_they_are_checked(app):
    from concurrent.futures import ThreadPoolExecutor
    clients = [_client_at(app, "10.0.0.99") for _ in range(40)]
    tokens = [_token(c) for c in clients]
    with ThreadPoolExecutor(20) as pool:
        codes = list(pool.map(lambda ct: _sign_in(ct[0], password="guess guess guess",
                                                  token=ct[1]).status_code,
                              zip(clients, tokens)))
    assert codes.count(401) == 5 and codes.count(429) == 35


def test_a_flood_of_failed_sign_ins_is_summed_not_written_to_the_audit_trail(app, settings):
    repo = Repository(settings)
    repo.accounts.add("root", PASSWORD, "admin")
    for n in range(30):
        assert _sign_in(_client_at(app, f"10.1.0.{n}"), name=f"guess{n}",
                        password="guess guess guess").status_code == 401
    assert repo.audit.entries() == []               # nothing permanent per attempt
    admin = app.test_client()
    _sign_in(admin, name="root")
    page = admin.get("/staff/audit").get_data(as_text=True)
    assert "Failed sign-ins, last 24 hours" in page
    assert page.count("<td>10.1.0.") == 30 and "guess7" in page
