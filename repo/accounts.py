"""Secretariat staff accounts: scrypt-hashed passwords, roles, API tokens, and the
counting of failed sign-ins that slows down password guessing."""
import base64
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from functools import lru_cache

from repo.errors import InvalidInput, NotFound

ROLES = ("editor", "admin")
MIN_PASSWORD = 10
# scrypt cost: 2**14 x 8 x 1 uses 16 MiB and ~50 ms per check here.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1

ACCOUNT_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, password_hash TEXT NOT NULL, role TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0, token_hash TEXT, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sign_in_failures (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS sign_in_failures_key ON sign_in_failures(key, at);
"""


@dataclass(frozen=True)
class ThrottleRules:
    """How failed sign-ins are limited (the staff sign-in view's settings)."""

    window: int = 15 * 60        # seconds over which failures are counted
    slow_after: int = 3          # per (account, address): from this many, a 1 s wait
    refuse_after: int = 5        # per (account, address): refused for the window
    address_limit: int = 20      # per address, all accounts together
    account_slow_after: int = 5  # per account, all addresses: from this many, attempts
    delay: float = 10.0          # on it are spaced this many seconds apart


@dataclass
class Attempt:
    """A sign-in attempt counted in advance (see Accounts.begin_attempt)."""

    rows: list
    pair: str
    slowed: bool = False


class Throttled(Exception):
    """Too many failed sign-ins: `wait` seconds, because of the `scope` ("address" or
    "account")."""

    def __init__(self, wait, scope):
        super().__init__(f"too many failed sign-ins ({scope}); wait {wait} s")
        self.wait = wait
        self.scope = scope


@dataclass
class User:
    """A staff account (never carries the password or token)."""

    name: str
    role: str
    disabled: bool
    created_at: str
    generation: int = 0          # changes on password change, disable and sign-out:
    #                              sessions made before are no longer valid

    @property
    def is_admin(self):
        """Admins manage users, delete documents and read the audit log."""
        return self.role == "admin"


def hash_password(password):
    """An scrypt hash of the password, with its parameters and a random salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            maxmem=64 * 1024 * 1024)
    b64 = lambda b: base64.b64encode(b).decode()   # noqa: E731
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt)}${b64(digest)}"


def check_password(password, stored):
    """Whether `password` matches a stored hash (in constant time)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n),
                                r=int(r), p=int(p), maxmem=64 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, base64.b64decode(digest))


def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    """Staff accounts in the catalog's SQLite database."""

    def __init__(self, catalog, audit=None):
        """`audit`: the AuditLog that a change made on someone's behalf (`actor`) is
        recorded in, in the change's own transaction."""
        self.catalog = catalog
        self.audit = audit
        self.conn = catalog.conn
        catalog.ensure_schema(ACCOUNT_SCHEMA)
        columns = {r["name"] for r in self.conn.execute("PRAGMA table_info(users)")}
        if "generation" not in columns:
            self.conn.execute("ALTER TABLE users ADD COLUMN generation INTEGER NOT NULL "
                              "DEFAULT 0")

    def add(self, name, password, role, actor=None, address=""):
        """Create an account; refuses a bad name, a short password or an unknown role.
        With an `actor`, audited in the same transaction."""
        if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{1,39}", name or ""):
            raise InvalidInput("user names are 2-40 lower-case letters, digits, '.', '_', '-'")
        if role not in ROLES:
            raise InvalidInput(f"unknown role {role!r}; use {' or '.join(ROLES)}")
        _check_strength(password)
        if self._row(name) is not None:
            raise InvalidInput(f"there is already a user {name!r}")
        with self.catalog.transaction():
            self.conn.execute(
                "INSERT INTO users(name, password_hash, role, created_at) VALUES(?,?,?,?)",
                (name, hash_password(password), role, _now()))
            self._audited(actor, "user_add", name, address, after={"role": role})
        return self.get(name)

    def _audited(self, actor, action, name, address, **records):
        # Inside the change's transaction: the change and its entry commit together.
        if actor and self.audit is not None:
            self.audit.record(actor, action, name, address=address, **records)

    def get(self, name):
        """The account, or NotFound."""
        row = self._row(name)
        if row is None:
            raise NotFound(f"no user {name!r}")
        return User(row["name"], row["role"], bool(row["disabled"]), row["created_at"],
                    row["generation"])

    def list(self):
        """Every account, by name."""
        rows = self.conn.execute("SELECT name FROM users ORDER BY name").fetchall()
        return [self.get(r["name"]) for r in rows]

    def set_password(self, name, password, actor=None, address=""):
        """Change a password (audited with an `actor`)."""
        self.get(name)
        _check_strength(password)
        with self.catalog.transaction():
            self.conn.execute("UPDATE users SET password_hash=?, generation=generation+1 "
                              "WHERE name=?", (hash_password(password), name))
            self._audited(actor, "user_password", name, address)

    def set_disabled(self, name, disabled=True, actor=None, address=""):
        """Disable (or re-enable) an account; a disabled account cannot sign in or use its
        token. Audited with an `actor`."""
        self.get(name)
        with self.catalog.transaction():
            self.conn.execute("UPDATE users SET disabled=?, generation=generation+1 "
                              "WHERE name=?", (int(disabled), name))
            self._audited(actor, "user_disable" if disabled else "user_enable", name, address)

    def end_sessions(self, name, actor=None, address=""):
        """Make every session of the account invalid (at sign-out: a copy of the session
        cookie must not outlive it); with an `actor`, audited as a sign-out."""
        with self.catalog.transaction():
            self.conn.execute("UPDATE users SET generation=generation+1 WHERE name=?",
                              (name,))
            self._audited(actor, "sign_out", name, address)

    def new_token(self, name, actor=None, address=""):
        """A new API token for the account (the old one stops working); shown only once.
        Audited with an `actor`."""
        self.get(name)
        token = secrets.token_urlsafe(32)
        with self.catalog.transaction():
            self.conn.execute("UPDATE users SET token_hash=? WHERE name=?",
                              (_token_hash(token), name))
            self._audited(actor, "user_token", name, address)
        return token

    def authenticate(self, name, password):
        """The account if the name and password match an enabled account, else None."""
        row = self._row(name)
        if row is None:
            check_password(password, _dummy_hash())    # same time whether or not it exists
            return None
        if not check_password(password, row["password_hash"]) or row["disabled"]:
            return None
        return self.get(name)

    def by_token(self, token):
        """The enabled account owning an API token, or None."""
        if not token:
            return None
        row = self.conn.execute("SELECT name, disabled FROM users WHERE token_hash=?",
                                (_token_hash(token),)).fetchone()
        return self.get(row["name"]) if row and not row["disabled"] else None

    def begin_attempt(self, name, address, rules):
        """Count a sign-in attempt before its password is checked, or refuse it: raises
        Throttled (with the seconds to wait) when `rules` (a ThrottleRules) say so.

        Counting and deciding happen in one write transaction, so simultaneous guesses
        cannot all slip under a limit (40 at once checked 9 passwords, not 5). The
        attempt counts as a failure until `succeeded` takes it back. Limits are per
        address and per (account, address): an attacker elsewhere never locks the owner
        out; across addresses an account is only slowed, to one attempt per
        `rules.delay` seconds once it has `rules.slow_after` recent failures."""
        now = time.time()
        keys = (f"pair:{name}|{address}", f"ip:{address}", f"user:{name}")
        with self.catalog.transaction():
            self.conn.execute("DELETE FROM sign_in_failures WHERE at<?", (now - 86400,))
            pair, ip, user = (self._failures(k, now - rules.window) for k in keys)
            if pair >= rules.refuse_after or ip >= rules.address_limit:
                raise Throttled(rules.window, "address")
            if user >= rules.account_slow_after:
                last = self.conn.execute("SELECT MAX(at) AS at FROM sign_in_failures "
                                         "WHERE key=?", (keys[2],)).fetchone()["at"] or 0
                if now - last < rules.delay:
                    raise Throttled(max(1, int(rules.delay - (now - last)) + 1), "account")
            rows = []
            for key in keys:
                cursor = self.conn.execute("INSERT INTO sign_in_failures(key, at) "
                                           "VALUES(?, ?)", (key, now))
                rows.append(cursor.lastrowid)
        return Attempt(rows, keys[0], slowed=pair >= rules.slow_after)

    def succeeded(self, attempt):
        """The attempt's password was right: it no longer counts, nor do the earlier
        failures from the same address for the same account."""
        with self.catalog.transaction():
            self.conn.executemany("DELETE FROM sign_in_failures WHERE rowid=?",
                                  [(r,) for r in attempt.rows])
            self.conn.execute("DELETE FROM sign_in_failures WHERE key=?", (attempt.pair,))

    def failed_sign_ins(self, hours=24):
        """[{hour, address, attempts, accounts}] of the failed sign-ins of the last `hours`,
        newest first: the sign-in log summed per address and hour (UTC)."""
        rows = self.conn.execute(
            "SELECT key, at FROM sign_in_failures WHERE key LIKE 'pair:%' AND at>?",
            (time.time() - hours * 3600,)).fetchall()
        groups = {}
        for row in rows:
            name, _, address = row["key"][5:].rpartition("|")
            hour = time.strftime("%Y-%m-%d %H:00", time.gmtime(row["at"]))
            entry = groups.setdefault((hour, address), {"hour": hour, "address": address,
                                                         "attempts": 0, "accounts": set()})
            entry["attempts"] += 1
            entry["accounts"].add(name)
        out = sorted(groups.values(), key=lambda e: (e["hour"], e["attempts"]), reverse=True)
        return [dict(e, accounts=sorted(e["accounts"])) for e in out]

    def _failures(self, key, since):
        return self.conn.execute("SELECT COUNT(*) AS n FROM sign_in_failures WHERE key=? "
                                 "AND at>?", (key, since)).fetchone()["n"]

    def _row(self, name):
        return self.conn.execute("SELECT * FROM users WHERE name=?", (name,)).fetchone()


def _check_strength(password):
    if not password or len(password) < MIN_PASSWORD:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD} characters")


def _now():
    from datetime import datetime, timezone
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


@lru_cache(maxsize=1)
def _dummy_hash():
    return hash_password(secrets.token_hex(16))
