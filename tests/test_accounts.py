"""Staff accounts and the audit trail (the foundations of the staff issue)."""
import sqlite3

import pytest

from repo.accounts import check_password, hash_password
from repo.errors import InvalidInput
from repo.store import Repository
from tests.conftest import run_cli


@pytest.fixture
def repo(settings):
    r = Repository(settings)
    yield r
    r.close()


def test_passwords_are_salted_scrypt_hashes():
    a, b = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert a != b and a.startswith("scrypt$")
    assert check_password("correct horse battery", a)
    assert not check_password("correct horse batterY", a)
    assert not check_password("x", "garbage")


def test_accounts_roles_disable_and_tokens(repo):
    repo.accounts.add("amina", "a long enough password", "editor")
    with pytest.raises(InvalidInput, match="at least 10"):
        repo.accounts.add("bob", "short", "editor")
    with pytest.raises(InvalidInput, match="unknown role"):
        repo.accounts.add("bob", "a long enough password", "root")
    with pytest.raises(InvalidInput, match="already"):
        repo.accounts.add("amina", "a long enough password", "admin")
    assert repo.accounts.authenticate("amina", "a long enough password").role == "editor"
    assert repo.accounts.authenticate("amina", "wrong password!!") is None
    assert repo.accounts.authenticate("nobody", "a long enough password") is None
    token = repo.accounts.new_token("amina")
    assert repo.accounts.by_token(token).name == "amina"
    repo.accounts.set_disabled("amina")
    assert repo.accounts.authenticate("amina", "a long enough password") is None
    assert repo.accounts.by_token(token) is None
    stored = repo.catalog.conn.execute("SELECT password_hash, token_hash FROM users").fetchone()
    assert "a long enough password" not in str(tuple(stored)) and token not in str(tuple(stored))


def test_sign_in_attempts_are_counted_per_key_and_taken_back_on_success(repo):
    from repo.accounts import ThrottleRules, Throttled
    rules = ThrottleRules(refuse_after=2, address_limit=3, account_slow_after=9)
    first = repo.accounts.begin_attempt("amina", "10.0.0.1", rules)
    repo.accounts.begin_attempt("amina", "10.0.0.1", rules)
    with pytest.raises(Throttled) as e:                   # 2 failures for this pair
        repo.accounts.begin_attempt("amina", "10.0.0.1", rules)
    assert e.value.scope == "address"
    repo.accounts.begin_attempt("amina", "10.0.0.2", rules)   # another address: counted
    repo.accounts.begin_attempt("omar", "10.0.0.1", rules)    # 3rd from .1: address full
    with pytest.raises(Throttled):
        repo.accounts.begin_attempt("zoe", "10.0.0.1", rules)
    repo.accounts.succeeded(first)          # a right password clears the pair's failures
    assert repo.accounts._failures("pair:amina|10.0.0.1", 0) == 0
    assert repo.accounts._failures("pair:amina|10.0.0.2", 0) == 1


def test_audit_trail_is_append_only(repo, settings):
    with repo.catalog.transaction():
        repo.audit.record("amina", "edit", "hanoi-report", before={"title": "A"},
                          after={"title": "B"}, address="127.0.0.1")
    [entry] = repo.audit.entries(actor="amina")
    assert (entry.action, entry.before, entry.after) == ("edit", {"title": "A"}, {"title": "B"})
    other = sqlite3.connect(settings.data_dir / "catalog.sqlite")
    for sql in ("UPDATE audit SET actor='x'", "DELETE FROM audit"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            other.execute(sql)


def test_user_commands(tmp_path):
    data = str(tmp_path / "data")
    out = run_cli("--data", data, "user", "add", "amina", "--role", "admin",
                  input_text="a long enough password\n").stdout
    assert out.strip() == "amina\tadmin"
    short = run_cli("--data", data, "user", "add", "bob", "--role", "editor",
                    input_text="short\n", check=False)
    assert short.returncode == 1 and "at least 10" in short.stderr
    token = run_cli("--data", data, "user", "token", "amina").stdout.strip()
    assert len(token) >= 40
    run_cli("--data", data, "user", "disable", "amina")
    listing = run_cli("--data", data, "user", "list").stdout
    assert listing.startswith("amina\tadmin\tdisabled")
    repo = Repository(__import__("repo.settings", fromlist=["Settings"]).Settings.from_env(
        environ={}, data_dir=tmp_path / "data"))
    assert [e.action for e in repo.audit.entries()] == ["user_disable", "user_token",
                                                        "user_add"]


def test_an_account_change_and_its_audit_entry_commit_together(tmp_path):
    from repo.settings import Settings
    from repo.store import Repository
    repo = Repository(Settings.from_env(environ={}, data_dir=tmp_path / "data"))
    repo.accounts.add("amina", "a long enough password", "editor", actor="cli")
    assert [(e.actor, e.action, e.target) for e in repo.audit.entries()] == [
        ("cli", "user_add", "amina")]

    def broken(*args, **kwargs):
        raise RuntimeError("the audit write failed")
    repo.audit.record = broken
    with pytest.raises(RuntimeError):
        repo.accounts.add("bruno", "another long password", "editor", actor="cli")
    with pytest.raises(RuntimeError):
        repo.accounts.set_disabled("amina", True, actor="cli")
    # Neither change happened without its entry.
    assert [u.name for u in repo.accounts.list()] == ["amina"]
    assert repo.accounts.get("amina").disabled is False
    repo.close()
