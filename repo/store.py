"""The Repository: catalog + stored PDFs + kept text, written atomically under one lock.

Order of every write keeps one invariant: a catalog row is committed only after its PDF
and its text are wholly on disk, and files are removed only after their row is gone. A
crash can therefore leave at worst an unreferenced file, which `recover()` sweeps away.
"""
import os
import re
from contextlib import contextmanager
from datetime import datetime, timezone

from repo.accounts import Accounts
from repo.audit import AuditLog
from repo.catalog import Catalog
from repo.errors import DuplicateDocument, InvalidInput, VersionRefused
from repo.faults import crash_point
from repo.files import OcrStore, PdfStore, TextStore, WorkArea
from repo.lock import Presence, write_lock
from repo.models import DOCUMENT_TYPES, STATUSES, clean_line
from repo.ocrjobs import OcrJobs
from repo.trash import Trash
from repo import works
from repo.works import group_works


class Repository:
    """The document store of one data directory."""

    def __init__(self, settings):
        self.settings = settings
        self.data_dir = settings.data_dir
        # Owner-only: the catalog holds password and token hashes, and drafts' files.
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.data_dir, 0o700)
        self.catalog = Catalog(self.data_dir / "catalog.sqlite")
        self.pdfs = PdfStore(self.data_dir / "files")
        self.texts = TextStore(self.data_dir / "text")
        self.ocr = OcrStore(self.data_dir / "ocr")
        self.lock_path = self.data_dir / "write.lock"
        # Held by each running `minamata worker`: writers may hand it the index update.
        self.workers = Presence(self.data_dir / "worker.lock")
        self.trash = Trash(self.data_dir / "trash")
        self.work_area = WorkArea(self.data_dir / "tmp")
        self.audit = AuditLog(self.catalog)
        self.accounts = Accounts(self.catalog, self.audit)
        self.ocr_jobs = OcrJobs(self.catalog)

    def close(self):
        """Release the catalog connection."""
        self.catalog.close()

    @contextmanager
    def writing(self, timeout=None):
        """Hold the write lock (and first clean up after any crashed writer)."""
        wait = self.settings.lock_timeout if timeout is None else timeout
        with write_lock(self.lock_path, wait):
            self.recover()
            yield self

    def recover(self):
        """Remove temporary and unreferenced files a crashed writer left; returns them."""
        removed = self.work_area.sweep()
        removed += [p for store in self.stores() for p in store.leftovers()]
        for path in removed:
            path.unlink(missing_ok=True)
        known = self.referenced_hashes()
        for store in self.stores():
            for sha in store.hashes() - known:
                removed.append(store.path(sha))
                store.remove(sha)
        return removed

    def stores(self):
        """The content stores, each keyed by a PDF's hash: files, kept text, OCR."""
        return (self.pdfs, self.texts, self.ocr)

    # -- reading ------------------------------------------------------------------------
    def events(self):
        """All events, newest first."""
        return self.catalog.list_events()

    def event(self, event_id):
        """One event by id (UnknownEvent if none)."""
        return self.catalog.get_event(event_id)

    def documents(self, event_id=None):
        """All documents, or those of one event."""
        return self.catalog.list_documents(event_id)

    def document(self, doc_id):
        """One document by id (UnknownDocument if none)."""
        return self.catalog.get_document(doc_id)

    def documents_by_id(self, doc_ids):
        """{id: Document} of those of `doc_ids` that are catalogued (one query)."""
        return self.catalog.get_documents(doc_ids)

    def has_event(self, event_id):
        """Whether an event with that id is catalogued."""
        return self.catalog.find_event(event_id) is not None

    def has_document(self, doc_id):
        """Whether a document with that id is catalogued."""
        return self.catalog.find_by_id(doc_id) is not None

    def pdf_path(self, doc):
        """Where a document's PDF is stored."""
        return self.pdfs.path(doc.sha256)

    def text(self, doc):
        """The kept text of a document: its extraction result, with the pages that OCR
        read (if it has been OCR'd) taking the place of their empty text layer."""
        return with_ocr(self.texts.get(doc.sha256), self.ocr.get(doc.sha256))

    def searchable_copy(self, doc):
        """The path of the document's searchable copy (made by OCR), or None."""
        path = self.ocr.copy_path(doc.sha256)
        return path if path.is_file() else None

    # -- writing (call inside `writing()`) ----------------------------------------------
    def put_event(self, event, actor=None, address=""):
        """Create or update an event (audited when an `actor` is named)."""
        _require(event.id and re.fullmatch(r"[a-z0-9][a-z0-9-]*", event.id),
                 f"event id {event.id!r}: use lower-case letters, digits and hyphens")
        before = self.catalog.find_event(event.id)
        with self.catalog.transaction():
            self.catalog.put_event(event)
            if actor:
                self.audit.record(actor, "event_edit" if before else "event_add", event.id,
                                  before=before.to_dict() if before else None,
                                  after=event.to_dict(), address=address)
        return event

    def add_document(self, doc, source_path, text_payload, address=""):
        """Store a new document: its PDF, its kept text, then its catalog row (and, in the
        same transaction, its audit record, on behalf of `doc.added_by`)."""
        self.validate(doc)
        existing = self.catalog.find_by_sha(doc.sha256)
        if existing is not None:
            raise DuplicateDocument(
                f"this file is already in the repository as document {existing.id!r}",
                existing.id)
        doc.added_at = doc.added_at or _now()
        self._store_files(doc, source_path, text_payload)
        with self.catalog.transaction():
            self.catalog.put_document(doc)
            self.audit.record(doc.added_by or "?", "add", doc.id, after=_audited(doc),
                              address=address)
        crash_point("after_catalog")
        return doc

    def replace_document(self, doc, source_path, text_payload, actor=None, address=""):
        """Point an existing document at a new file (and text). With an `actor` (a person
        replacing it), the old file is kept in the document's history and the change is
        audited; without (the manifest changed), the old file goes."""
        old = self.catalog.get_document(doc.id)
        self.validate(doc)
        other = self.catalog.find_by_sha(doc.sha256) or self._version_owner(doc.sha256)
        if other is not None and other.id != doc.id:
            raise DuplicateDocument(
                f"this file is already in the repository as document {other.id!r}", other.id)
        self._store_files(doc, source_path, text_payload)
        with self.catalog.transaction():
            self.catalog.put_document(doc)
            if actor and old.sha256 != doc.sha256:
                self.catalog.add_version(old, _now(), actor)
                self.audit.record(actor, "replace", doc.id, before=_audited(old),
                                  after=_audited(doc), address=address)
        if old.sha256 != doc.sha256:
            self._drop_files(old.sha256)
        return doc

    def versions(self, doc_id):
        """The earlier files of a document, newest first."""
        return self.catalog.versions(doc_id)

    def versions_all(self):
        """The earlier files of every document."""
        return self.catalog.versions()

    def _version_owner(self, sha):
        row = self.catalog.conn.execute("SELECT doc_id FROM versions WHERE sha256=?",
                                        (sha,)).fetchone()
        return self.catalog.find_by_id(row["doc_id"]) if row else None

    def update_document(self, doc, actor=None, address=""):
        """Save changed metadata of a document (its file stays); with an `actor`, the
        change is audited (edit, publish or retract) in the same transaction."""
        self.validate(doc)
        before = self.catalog.find_by_id(doc.id)
        with self.catalog.transaction():
            self.catalog.put_document(doc)
            if actor and before is not None:
                self.audit.record(actor, _change_kind(before, doc), doc.id,
                                  before=_audited(before), after=_audited(doc),
                                  address=address)
        return doc

    def work(self, doc):
        """The work a document belongs to, with all its language versions."""
        return group_works(self.catalog.work_members(doc.work))[0]

    def link_versions(self, doc_id, target_id, actor, address=""):
        """Record that `doc_id` is a language version of `target_id`'s work (audited).
        Both must belong to one event. Returns the work as it now is."""
        doc = self.document(doc_id)
        target = self.check_version_target(target_id, doc.event_id, doc.id)
        before = [d.id for d in self.work(target).versions]
        self._save_work_change(works.link(doc, target, self.catalog.work_members),
                               actor, "link_version", doc.id,
                               {"work": before}, address)
        return self.work(self.document(doc.id))

    def check_version_target(self, target_id, event_id, doc_id=None):
        """The document `target_id`, when a document of `event_id` (`doc_id`, if it has
        one yet) may be recorded as a language version of it; else VersionRefused. The
        one statement of the rule, for the upload form, the Indexer and the link itself."""
        target = self.catalog.find_by_id(target_id)
        if target is None:
            raise VersionRefused(f"version of: there is no document {target_id!r}", "unknown")
        if doc_id is not None and target.id == doc_id:
            raise VersionRefused("a document cannot be a language version of itself",
                                 "itself")
        if target.event_id != event_id:
            raise VersionRefused(f"version of: {target_id!r} belongs to another event "
                                 f"({target.event_id}): documents of different events are "
                                 "not language versions of one another", "other_event")
        return target

    def unlink_version(self, doc_id, actor, address=""):
        """Take a document out of its work: it stands alone again (audited)."""
        doc = self.document(doc_id)
        before = [d.id for d in self.work(doc).versions]
        self._save_work_change(works.detach(doc, self.catalog.work_members),
                               actor, "unlink_version", doc.id, {"work": before}, address)
        return self.work(self.document(doc.id))

    def _save_work_change(self, changed, actor, kind, doc_id, before, address):
        if not changed:
            return
        with self.catalog.transaction():
            for member in changed:
                self.catalog.put_document(member)
            after = [d.id for d in self.work(self.catalog.get_document(doc_id)).versions]
            self.audit.record(actor, kind, doc_id, before=before, after={"work": after},
                              address=address)

    def remove_document(self, doc_id, actor=None, address=""):
        """Remove a document's row, then its files. With an `actor` (a person deleting it),
        it is first kept whole in the trash, and the deletion is audited."""
        doc = self.catalog.get_document(doc_id)
        if actor:
            self.trash.keep(doc, self.pdfs.path(doc.sha256), self.texts.path(doc.sha256))
        with self.catalog.transaction():
            self.catalog.delete_document(doc_id)
            self.ocr_jobs.forget(doc_id)
            if actor:
                self.audit.record(actor, "delete", doc_id, before=_audited(doc),
                                  address=address)
        self._drop_files(doc.sha256)

    def restore_document(self, doc_id, actor, address=""):
        """Bring a deleted document back from the trash, as it was."""
        doc, pdf, text = self.trash.get(doc_id)
        if self.has_document(doc_id):
            raise InvalidInput(f"a document {doc_id!r} exists already")
        self.validate(doc)
        existing = self.catalog.find_by_sha(doc.sha256)
        if existing is not None:
            raise DuplicateDocument(f"its file is in the repository again, as document "
                                    f"{existing.id!r}", existing.id)
        self._store_files(doc, pdf, text)
        with self.catalog.transaction():
            self.catalog.put_document(doc)
            self.audit.record(actor, "restore", doc_id, after=_audited(doc), address=address)
        self.trash.forget(doc_id)
        return doc

    def apply_ocr(self, doc, result, copy_path=None):
        """Keep what OCR read from a document's scanned pages (and its searchable copy),
        then, in one transaction, save the document (its languages now include the OCR'd
        pages') and mark its OCR job done."""
        self.ocr.put(doc.sha256, result, copy_from=copy_path)
        crash_point("after_ocr_files")
        with self.catalog.transaction():
            self.catalog.put_document(doc)
            self.ocr_jobs.set_done(doc.id)
        return doc

    def keep_text(self, doc, text_payload):
        """Replace the kept text of a stored document (re-extraction)."""
        self.texts.put(doc.sha256, text_payload)

    def new_document_id(self, event_id, doc_type):
        """A readable id such as `2019-hanoi-coal-presentation-3`, never given before: not
        a catalogued document's, a deleted one's (in the trash or not), nor one that file
        history or the audit trail names. A new upload must not inherit a deleted
        document's history, links or restore."""
        stem = f"{event_id}-{doc_type.replace('_', '-')}"
        taken = self.catalog.ids_ever_used(f"{stem}-") | set(self.trash.ids())
        n = 1
        while f"{stem}-{n}" in taken:
            n += 1
        return f"{stem}-{n}"

    def validate(self, doc):
        """Refuse a document whose event or type is unknown, or whose title is empty;
        its title and note are first made single clean lines (every way in passes here:
        uploads, PDF metadata, corrections, the manifest, restores)."""
        doc.title = clean_line(doc.title)
        doc.source_note = clean_line(doc.source_note)
        self.catalog.get_event(doc.event_id)
        _require(doc.type in DOCUMENT_TYPES,
                 f"unknown document type {doc.type!r}; use one of {', '.join(DOCUMENT_TYPES)}")
        _require(doc.title.strip(), "a document needs a title")
        _require(doc.status in STATUSES, f"unknown status {doc.status!r}")
        _require(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", doc.id or ""),
                 f"document id {doc.id!r}: use letters, digits, '.', '_' and '-'")

    def _store_files(self, doc, source_path, text_payload):
        self.pdfs.put(source_path, doc.sha256)
        crash_point("after_pdf")
        self.texts.put(doc.sha256, text_payload)
        crash_point("after_text")

    def referenced_hashes(self):
        """Hashes of every stored file the catalog refers to: current files and history."""
        return ({d.sha256 for d in self.catalog.list_documents()}
                | {v["sha256"] for v in self.catalog.versions()})

    def _drop_files(self, sha):
        if sha not in self.referenced_hashes():
            for store in self.stores():
                store.remove(sha)


def with_ocr(kept, ocr):
    """Kept text with the OCR'd pages in place of their text layer; each such page says
    so (`source: ocr`) and carries Tesseract's mean word confidence (0-100)."""
    if not ocr:
        return kept
    pages = list(kept["pages"])
    for number, page in ocr.get("pages", {}).items():
        n = int(number)
        if 1 <= n <= len(pages):
            pages[n - 1] = {"text": page["text"], "languages": page.get("languages", []),
                            "source": "ocr", "confidence": page.get("confidence")}
    return dict(kept, pages=pages, ocr={"tool": ocr.get("tool", ""),
                                        "languages": ocr.get("languages", [])})


def _change_kind(before, after):
    if before.status != after.status and after.status == "retracted":
        return "retract"
    if before.status != after.status and after.status == "published":
        return "publish"
    return "edit"


def _audited(doc):
    """The fields of a document worth recording in the audit trail."""
    return {k: v for k, v in doc.to_dict().items() if k not in ("revision", "languages")}


def _require(condition, message):
    if not condition:
        raise InvalidInput(message)


def _now():
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
