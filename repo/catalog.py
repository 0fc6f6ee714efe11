"""The SQLite catalog of events and documents (standard library sqlite3).

Every write goes through `transaction()`, which commits on success and rolls back on
any error, so a crash never leaves a half-written row.
"""
import json
import os
import sqlite3
from contextlib import contextmanager

from repo.errors import UnknownDocument, UnknownEvent
from repo.models import Document, Event

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY,
    titles TEXT NOT NULL, city TEXT NOT NULL, country TEXT NOT NULL, region TEXT NOT NULL,
    start TEXT NOT NULL, "end" TEXT NOT NULL,
    organisers TEXT NOT NULL, funders TEXT NOT NULL, topics TEXT NOT NULL,
    participants TEXT NOT NULL, descriptions TEXT NOT NULL,
    expected TEXT NOT NULL DEFAULT '[]', public INTEGER NOT NULL DEFAULT 1,
    revision INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES events(id),
    type TEXT NOT NULL, title TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE, size INTEGER NOT NULL, original_name TEXT NOT NULL,
    page_count INTEGER NOT NULL, declared_language TEXT NOT NULL,
    detected_languages TEXT NOT NULL, text_status TEXT NOT NULL,
    source_note TEXT NOT NULL, added_at TEXT NOT NULL, added_by TEXT NOT NULL,
    origin TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'published',
    work_id TEXT NOT NULL DEFAULT '', symbol TEXT NOT NULL DEFAULT '',
    revision INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_event ON documents(event_id);
CREATE TABLE IF NOT EXISTS versions (
    doc_id TEXT NOT NULL, sha256 TEXT NOT NULL, original_name TEXT NOT NULL,
    size INTEGER NOT NULL, page_count INTEGER NOT NULL, added_at TEXT NOT NULL,
    replaced_at TEXT NOT NULL, replaced_by TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS versions_doc ON versions(doc_id);
"""

_SCHEMAS_DONE = set()
_EVENT_JSON = ("titles", "organisers", "funders", "topics", "participants", "descriptions",
               "expected")
_DOC_JSON = ("detected_languages",)


class Catalog:
    """Events and documents in one SQLite file."""

    def __init__(self, path):
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so one transaction can
        # span several statements and nothing commits behind our back.
        self.path = str(path)
        if not os.path.exists(self.path):
            # Created owner-only (it holds password and token hashes); SQLite gives its
            # journal files the main file's permissions.
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute("PRAGMA synchronous=FULL")
        self.ensure_schema(SCHEMA)
        self._migrate()

    def _migrate(self):
        """Bring a catalog made by an older version up to this schema."""
        columns = {r["name"] for r in self.conn.execute("PRAGMA table_info(documents)")}
        if "status" not in columns:
            self.conn.execute("ALTER TABLE documents ADD COLUMN status TEXT NOT NULL "
                              "DEFAULT 'published'")
        if "work_id" not in columns:
            self.conn.execute("ALTER TABLE documents ADD COLUMN work_id TEXT NOT NULL "
                              "DEFAULT ''")
        if "symbol" not in columns:
            self.conn.execute("ALTER TABLE documents ADD COLUMN symbol TEXT NOT NULL "
                              "DEFAULT ''")
        self.conn.execute("CREATE INDEX IF NOT EXISTS documents_work ON documents(work_id)")
        columns = {r["name"] for r in self.conn.execute("PRAGMA table_info(events)")}
        if "public" not in columns:
            self.conn.execute("ALTER TABLE events ADD COLUMN public INTEGER NOT NULL "
                              "DEFAULT 1")
        if "expected" not in columns:
            self.conn.execute("ALTER TABLE events ADD COLUMN expected TEXT NOT NULL "
                              "DEFAULT '[]'")

    def ensure_schema(self, script):
        """Run a CREATE ... IF NOT EXISTS script once per database file and process
        (a web server opens a connection per request)."""
        try:
            key = (self.path, os.stat(self.path).st_ino, script)
        except FileNotFoundError:
            key = None
        if key is None or key not in _SCHEMAS_DONE:
            self.conn.executescript(script)
            _SCHEMAS_DONE.add((self.path, os.stat(self.path).st_ino, script))

    def close(self):
        """Close the connection."""
        self.conn.close()

    @contextmanager
    def transaction(self):
        """BEGIN IMMEDIATE ... COMMIT, rolled back if the block raises."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def next_revision(self):
        """A catalog-wide counter, bumped on every change (inside a transaction)."""
        row = self.conn.execute("SELECT value FROM meta WHERE key='revision'").fetchone()
        value = int(row["value"]) + 1 if row else 1
        self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('revision', ?)",
                          (str(value),))
        return value

    def get_meta(self, key):
        """A value of the catalog's own bookkeeping, or None."""
        row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row["value"] if row else None

    def set_meta(self, key, value):
        """Set a bookkeeping value (its own transaction)."""
        with self.transaction():
            self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)",
                              (key, value))

    # -- events -------------------------------------------------------------------------
    def put_event(self, event):
        """Insert or replace an event; bumps its revision."""
        event.revision = self.next_revision()
        row = _to_row(event, _EVENT_JSON)
        cols = ", ".join(f'"{k}"' for k in row)
        marks = ", ".join("?" for _ in row)
        self.conn.execute(f"INSERT OR REPLACE INTO events ({cols}) VALUES ({marks})",
                          tuple(row.values()))
        return event

    def get_event(self, event_id):
        """The event with that id, or UnknownEvent."""
        row = self.conn.execute("SELECT * FROM events WHERE id=?", (event_id,)).fetchone()
        if row is None:
            raise UnknownEvent(f"unknown event {event_id!r}")
        return _from_row(Event, row, _EVENT_JSON)

    def find_event(self, event_id):
        """The event with that id, or None."""
        row = self.conn.execute("SELECT * FROM events WHERE id=?", (event_id,)).fetchone()
        return _from_row(Event, row, _EVENT_JSON) if row else None

    def list_events(self):
        """All events, newest first."""
        rows = self.conn.execute('SELECT * FROM events ORDER BY start DESC, id').fetchall()
        return [_from_row(Event, r, _EVENT_JSON) for r in rows]

    # -- documents ----------------------------------------------------------------------
    def put_document(self, doc):
        """Insert or replace a document; bumps its revision."""
        doc.revision = self.next_revision()
        row = _to_row(doc, _DOC_JSON)
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self.conn.execute(f"INSERT OR REPLACE INTO documents ({cols}) VALUES ({marks})",
                          tuple(row.values()))
        return doc

    def ids_ever_used(self, prefix):
        """Document ids beginning with `prefix` that a document, a file history entry or
        the audit trail (every add and delete is in it, for ever) names."""
        like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        sql = ("SELECT id FROM documents WHERE id LIKE ?1 ESCAPE '\\' "
               "UNION SELECT doc_id FROM versions WHERE doc_id LIKE ?1 ESCAPE '\\'")
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master")}
        if "audit" in tables:
            sql += " UNION SELECT target FROM audit WHERE target LIKE ?1 ESCAPE '\\'"
        return {r[0] for r in self.conn.execute(sql, (like,))}

    def delete_document(self, doc_id):
        """Remove a document's row."""
        self.next_revision()
        self.conn.execute("DELETE FROM documents WHERE id=?", (doc_id,))

    def get_document(self, doc_id):
        """The document with that id, or UnknownDocument."""
        row = self.conn.execute("SELECT * FROM documents WHERE id=?", (doc_id,)).fetchone()
        if row is None:
            raise UnknownDocument(f"unknown document {doc_id!r}")
        return _from_row(Document, row, _DOC_JSON)

    def get_documents(self, doc_ids):
        """{id: Document} of those of `doc_ids` that exist, in one query per 500 ids (a
        page listing a hundred documents asked one by one spent more time asking)."""
        doc_ids, out = list(doc_ids), {}
        for start in range(0, len(doc_ids), 500):
            chunk = doc_ids[start:start + 500]
            rows = self.conn.execute("SELECT * FROM documents WHERE id IN "
                                     f"({','.join('?' * len(chunk))})", chunk)
            out.update((r["id"], _from_row(Document, r, _DOC_JSON)) for r in rows.fetchall())
        return out

    def find_by_id(self, doc_id):
        """The document with that id, or None."""
        row = self.conn.execute("SELECT * FROM documents WHERE id=?", (doc_id,)).fetchone()
        return _from_row(Document, row, _DOC_JSON) if row else None

    def add_version(self, old, replaced_at, replaced_by):
        """Record a document's previous file in its history (inside a transaction)."""
        self.conn.execute(
            "INSERT INTO versions(doc_id, sha256, original_name, size, page_count, added_at, "
            "replaced_at, replaced_by) VALUES(?,?,?,?,?,?,?,?)",
            (old.id, old.sha256, old.original_name, old.size, old.page_count, old.added_at,
             replaced_at, replaced_by))

    def versions(self, doc_id=None):
        """Earlier files of a document (or of all), newest first, as dicts."""
        sql = "SELECT * FROM versions" + (" WHERE doc_id=?" if doc_id else "")
        rows = self.conn.execute(sql + " ORDER BY replaced_at DESC, rowid DESC",
                                 (doc_id,) if doc_id else ())
        return [dict(r) for r in rows.fetchall()]

    def find_by_sha(self, sha256):
        """The document stored with that content hash, or None."""
        row = self.conn.execute("SELECT * FROM documents WHERE sha256=?", (sha256,)).fetchone()
        return _from_row(Document, row, _DOC_JSON) if row else None

    def list_documents(self, event_id=None):
        """All documents (of one event if given), by event then id."""
        if event_id is None:
            rows = self.conn.execute("SELECT * FROM documents ORDER BY event_id, id")
        else:
            rows = self.conn.execute("SELECT * FROM documents WHERE event_id=? ORDER BY id",
                                     (event_id,))
        return [_from_row(Document, r, _DOC_JSON) for r in rows.fetchall()]


    def work_members(self, key):
        """The documents of one work (those whose work is `key`), by id."""
        rows = self.conn.execute("SELECT * FROM documents WHERE work_id=? OR "
                                 "(id=? AND work_id='') ORDER BY id", (key, key))
        return [_from_row(Document, r, _DOC_JSON) for r in rows.fetchall()]


def _to_row(obj, json_fields):
    row = dict(vars(obj))
    for name in json_fields:
        row[name] = json.dumps(row[name], ensure_ascii=False, sort_keys=True)
    return row


def _from_row(cls, row, json_fields):
    values = dict(row)
    for name in json_fields:
        values[name] = json.loads(values[name])
    return cls(**values)
