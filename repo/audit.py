"""The audit trail: who did what, when, with the values before and after.

Append-only: the application has no call to change or remove an entry, and SQLite
triggers refuse UPDATE and DELETE on the table from any client.
"""
import json
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

AUDIT_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL,
    before TEXT, after TEXT, address TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_at ON audit(at);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"""
ACTIONS = ("add", "edit", "replace", "retract", "publish", "delete", "restore", "sign_in",
           "failed_sign_in", "sign_out", "user_add", "user_disable", "user_enable",
           "user_password", "user_token", "event_add", "event_edit", "import",
           "link_version", "unlink_version")


@dataclass
class AuditEntry:
    """One recorded change."""

    id: int
    at: str
    actor: str
    action: str
    target: str
    before: object
    after: object
    address: str

    def to_dict(self):
        """JSON-ready form."""
        return asdict(self)


class AuditLog:
    """The audit table of the catalog database."""

    def __init__(self, catalog):
        self.catalog = catalog
        self.conn = catalog.conn
        catalog.ensure_schema(AUDIT_SCHEMA)

    def event(self, actor, action, target, address=""):
        """Record something that changes nothing else (a sign-in, a sign-out), in a
        transaction of its own."""
        with self.catalog.transaction():
            self.record(actor, action, target, address=address)

    def record(self, actor, action, target, before=None, after=None, address=""):
        """Append an entry. Call inside the transaction of the change it records, so
        the change and its record are committed together or not at all."""
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        self.conn.execute(
            "INSERT INTO audit(at, actor, action, target, before, after, address) "
            "VALUES(?,?,?,?,?,?,?)",
            (datetime.now(timezone.utc).isoformat(timespec="seconds"), actor, action, target,
             _json(before), _json(after), address or ""))

    def entries(self, actor=None, action=None, target=None, since=None, limit=500,
                until=None, offset=0):
        """Entries, newest first, filtered by any of actor, action, target, since (ISO)
        and until (a day, included); `offset` entries skipped (one page after another)."""
        where, params = [], []
        for column, value in (("actor", actor), ("action", action), ("target", target)):
            if value:
                where.append(f"{column}=?")
                params.append(value)
        if since:
            where.append("at>=?")
            params.append(since)
        if until:
            where.append("substr(at, 1, 10)<=?")
            params.append(until[:10])
        sql = "SELECT * FROM audit" + (" WHERE " + " AND ".join(where) if where else "")
        rows = self.conn.execute(sql + " ORDER BY id DESC LIMIT ? OFFSET ?",
                                 (*params, limit, max(0, offset)))
        return [AuditEntry(r["id"], r["at"], r["actor"], r["action"], r["target"],
                           _load(r["before"]), _load(r["after"]), r["address"])
                for r in rows.fetchall()]


def _json(value):
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _load(text):
    return None if text is None else json.loads(text)
