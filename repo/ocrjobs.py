"""The state of each document's OCR job, in the catalog: queued, running (page k of n),
done or failed (with the reason).

The task queue (huey) only carries "look at document X"; what is to be done, by whom,
and how often it was tried lives here, in the same SQLite file as the documents, so a
claim is atomic and survives any restart. A job is run by whoever claims it first: a
second worker (or `minamata ocr`) finds it taken and leaves it.
"""
import json
import os
import socket
import time
from dataclasses import dataclass, field

SCHEMA = """
CREATE TABLE IF NOT EXISTS ocr_jobs (
    doc_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, state TEXT NOT NULL,
    pages TEXT NOT NULL, done_pages INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0, owner TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '', updated REAL NOT NULL
);
"""

STATES = ("queued", "running", "done", "failed")


@dataclass
class OcrJob:
    """One document's OCR: which pages, how far, and how it ended."""

    doc_id: str
    sha256: str
    state: str
    pages: list = field(default_factory=list)      # page numbers (1-based) to read
    done_pages: int = 0
    attempts: int = 0
    owner: str = ""                                # host:pid of the worker running it
    reason: str = ""                               # why it failed
    updated: float = 0.0

    @property
    def page_total(self):
        """How many pages the job reads."""
        return len(self.pages)

    def to_dict(self):
        """JSON-ready form (for the API)."""
        return {"state": self.state, "pages": self.pages, "done_pages": self.done_pages,
                "attempts": self.attempts, "reason": self.reason}


def this_worker():
    """The owner name of this process: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def owner_alive(owner):
    """Whether the process named by an owner string still runs (on this host; one on
    another host is taken to be alive)."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname():
        return True
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


class OcrJobs:
    """The OCR jobs of one catalog."""

    def __init__(self, catalog):
        self.catalog = catalog
        self.conn = catalog.conn
        catalog.ensure_schema(SCHEMA)

    def get(self, doc_id):
        """The job of a document, or None."""
        row = self.conn.execute("SELECT * FROM ocr_jobs WHERE doc_id=?", (doc_id,)).fetchone()
        return _job(row) if row else None

    def all(self, state=None):
        """Every job (in one state), by document id."""
        if state:
            rows = self.conn.execute("SELECT * FROM ocr_jobs WHERE state=? ORDER BY doc_id",
                                     (state,))
        else:
            rows = self.conn.execute("SELECT * FROM ocr_jobs ORDER BY doc_id")
        return [_job(r) for r in rows.fetchall()]

    def put_queued(self, doc_id, sha, pages):
        """Queue (or queue again) a document's pages; inside a transaction."""
        self.conn.execute(
            "INSERT OR REPLACE INTO ocr_jobs(doc_id, sha256, state, pages, done_pages, "
            "attempts, owner, reason, updated) VALUES(?,?,?,?,0,0,'','',?)",
            (doc_id, sha, "queued", json.dumps(sorted(pages)), time.time()))

    def queue(self, doc_id, sha, pages):
        """Queue a document's pages for OCR (its own transaction)."""
        with self.catalog.transaction():
            self.put_queued(doc_id, sha, pages)

    def claim(self, doc_id, owner):
        """Take a queued job for `owner`, counting the attempt; None when it is not
        queued (done, failed, or another worker has it)."""
        with self.catalog.transaction():
            cur = self.conn.execute(
                "UPDATE ocr_jobs SET state='running', owner=?, attempts=attempts+1, "
                "done_pages=0, updated=? WHERE doc_id=? AND state='queued'",
                (owner, time.time(), doc_id))
        return self.get(doc_id) if cur.rowcount == 1 else None

    def progress(self, doc_id, owner, done_pages):
        """Record that `done_pages` pages are read (only by the job's owner)."""
        with self.catalog.transaction():
            self.conn.execute("UPDATE ocr_jobs SET done_pages=?, updated=? WHERE doc_id=? "
                              "AND owner=? AND state='running'",
                              (done_pages, time.time(), doc_id, owner))

    def set_done(self, doc_id):
        """Mark a job done; inside a transaction (with the document's update)."""
        self.conn.execute("UPDATE ocr_jobs SET state='done', done_pages=json_array_length("
                          "pages), reason='', updated=? WHERE doc_id=?", (time.time(), doc_id))

    def fail(self, doc_id, reason, sha=None):
        """Mark a job failed, saying why (its own transaction). With `sha`, only the job
        of that file: a job queued since for a replacing file is left alone."""
        with self.catalog.transaction():
            self.conn.execute("UPDATE ocr_jobs SET state='failed', reason=?, updated=? "
                              "WHERE doc_id=? AND (? IS NULL OR sha256=?)",
                              (reason, time.time(), doc_id, sha, sha))

    def requeue(self, doc_id, sha):
        """Put a claimed job back in the queue (its worker could not finish now), unless
        the document's file was replaced meanwhile (then its new job stands)."""
        with self.catalog.transaction():
            self.conn.execute("UPDATE ocr_jobs SET state='queued', owner='', updated=? "
                              "WHERE doc_id=? AND sha256=? AND state='running'",
                              (time.time(), doc_id, sha))

    def forget(self, doc_id):
        """Drop a document's job; inside a transaction (the document is going)."""
        self.conn.execute("DELETE FROM ocr_jobs WHERE doc_id=?", (doc_id,))

    def reclaim(self, max_attempts, alive=owner_alive):
        """Jobs whose worker died while running them go back to the queue, or fail once
        they were tried `max_attempts` times. Returns (requeued, failed) document ids."""
        requeued, failed = [], []
        for job in self.all("running"):
            if alive(job.owner):
                continue
            with self.catalog.transaction():
                if job.attempts >= max_attempts:
                    state, reason = "failed", (
                        f"the OCR worker stopped while reading this document "
                        f"{job.attempts} times (killed, or out of memory); not tried again")
                    failed.append(job.doc_id)
                else:
                    state, reason = "queued", ""
                    requeued.append(job.doc_id)
                # Only if still that owner's: another reclaimer may have been first.
                self.conn.execute("UPDATE ocr_jobs SET state=?, reason=?, owner='', "
                                  "updated=? WHERE doc_id=? AND state='running' AND owner=?",
                                  (state, reason, time.time(), job.doc_id, job.owner))
        return requeued, failed


def _job(row):
    values = dict(row)
    values["pages"] = json.loads(values["pages"])
    return OcrJob(**values)
