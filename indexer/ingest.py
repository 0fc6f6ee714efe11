"""Getting documents in: the checks a file must pass, extraction, storing and indexing.

`Indexer` is the write-side facade used by the CLI (and later the web UI): every path
that adds a document goes through `add()`, so every refusal rule lives in one place.
"""
import hashlib
import json
import os
import sqlite3
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from indexer.errors import PdfRefused
from indexer.extract import EXTRACTOR_VERSION, check_header
from indexer.index import IndexSession, IndexStore, expected_key, indexed_key, rebuild, sync
from indexer.ocrjob import OcrJobs
from indexer.pool import ExtractionPool
from repo.errors import DuplicateDocument, InvalidInput, NotFound
from repo.files import sha256_of
from repo.listing.importer import apply_import, plan_digest, plan_import, select_plan
from repo.manifest import load_manifest
from repo.models import DOCUMENT_TYPES, Document, clean_symbol, is_language_code
from repo.store import Repository


class StalePreview(InvalidInput):
    """The catalog changed between a listing's preview and its confirmation: the fresh
    plan is attached, to be previewed again."""

    def __init__(self, plan, problems, language):
        super().__init__("the events changed since the preview; check the changes again")
        self.plan, self.problems, self.language = plan, problems, language


INDEX_HANDOVER_WAIT = 20.0     # seconds an upload waits for the worker to index it


@dataclass
class LoadReport:
    """What loading the documents/ manifest changed."""

    events_changed: list = field(default_factory=list)
    added: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    refused: list = field(default_factory=list)     # (manifest id, message)
    indexed: object = None                          # SyncReport of what was indexed as stored


class Indexer:
    """The repository plus its index: add documents, load the manifest, keep the index."""

    def __init__(self, settings, pool=None, index_by_worker=False):
        """`pool`: the ExtractionPool to read PDFs with (a server process passes its own,
        whose worker is kept between uploads); by default one per Indexer.
        `index_by_worker`: a new document's index update is handed to the background
        worker, when one runs, and awaited (a web server's uploads: Whoosh's writing then
        runs in the worker's process, not among the server's searching threads)."""
        self.settings = settings
        self.index_by_worker = index_by_worker
        self.repo = Repository(settings)
        # No engine chosen: every writer keeps the live index's, so a server or worker
        # never switches an index back to the default behind the officer who chose one.
        self.index = IndexStore(settings.data_dir / "index", engine=settings.engine or None)
        self.pool = pool or ExtractionPool(settings.workers, settings.extract_timeout,
                                           settings.extract_memory_mb, settings.max_pages)
        self.ocr = OcrJobs(self, self._enqueue_ocr)
        self._queue = None
        # Where the title of each document `add` stored came from (TITLE_SOURCES), for
        # the page that tells the officer what to check.
        self.title_sources = {}
        # Called once, if set, when `add` has handed its index update to the worker and
        # waits: waiting is not writing, so a server lets its next writer in meanwhile.
        self.while_waiting = None

    def _enqueue_ocr(self, doc_id):
        try:
            self._queue_task("ocr", doc_id)
        except sqlite3.Error:
            # The job is queued in the catalog all the same: a worker's next sweep (every
            # minute, and at its start) hands it over.
            pass

    def _queue_task(self, name, *args):
        # The task queue is opened on first use: most Indexers never queue anything.
        if self._queue is None:
            from indexer.tasks import TaskQueue       # it builds Indexers itself
            self._queue = TaskQueue(self.settings)
        {"ocr": self._queue.enqueue_ocr, "index": self._queue.enqueue_index}[name](*args)

    def close(self):
        """Release the catalog connection."""
        self.repo.close()

    # -- one document -------------------------------------------------------------------
    def add(self, path, event_id, doc_type, title=None, language="", note="",
            added_by="cli", original_name=None, status="published", address="",
            version_of="", symbol=""):
        """Check, extract, store and index one PDF; returns its Document. The one path
        every way of adding a document (CLI, web form, API) goes through. `version_of`
        names a document of the same event this one is a language version of; `symbol` is
        its official document symbol, if it has one."""
        path = Path(path)
        symbol = _symbol(symbol)
        _check_language(language)
        sha = self.precheck(path, event_id, doc_type)
        if version_of:
            self.repo.check_version_target(version_of, event_id)
        kept = self.pool.analyse(path)
        title, source = (((title or "").strip(), "given") if (title or "").strip()
                         else suggest_title_with_source(kept, original_name or path.name))
        doc = Document(
            id="", event_id=event_id, type=doc_type, title=title,
            sha256=sha, size=path.stat().st_size,
            original_name=safe_file_name(original_name or path.name),
            page_count=kept["page_count"], declared_language=(language or "").lower(),
            detected_languages=kept["languages"], text_status=kept["text_status"],
            source_note=note or "", added_by=added_by, origin="upload", status=status,
            symbol=symbol)
        with self.repo.writing():
            doc.id = self.repo.new_document_id(event_id, doc_type)
            self.repo.add_document(doc, path, kept, address=address)
            if version_of:
                self.repo.link_versions(doc.id, version_of, added_by, address)
                doc = self.repo.document(doc.id)
            handed_over = self._hand_over_index()
            if not handed_over:
                sync(self.repo, self.index)
            # Its text layer is searchable now; scanned pages are read in the background.
            self.ocr.schedule(doc)
        if handed_over:
            if self.while_waiting is not None:
                self.while_waiting()
            self._await_indexed(doc)
        self.title_sources[doc.id] = source
        return doc

    def _hand_over_index(self):
        """Ask the background worker to bring the index up to date, if one runs (and
        this Indexer may); returns whether it was asked."""
        if not (self.index_by_worker and self.index.is_current()
                and self.repo.workers.anyone()):
            return False
        try:
            self._queue_task("index")
        except sqlite3.Error:
            return False       # the queue is stuck (a worker stopped mid-write): index here
        return True

    def _await_indexed(self, doc):
        """Wait until the worker has indexed `doc` as catalogued; past
        INDEX_HANDOVER_WAIT (a worker gone or stuck), index it here. Either way it is
        searchable on return."""
        deadline = time.monotonic() + INDEX_HANDOVER_WAIT
        seen = None
        while time.monotonic() < deadline:
            # The index is opened only when a commit has changed it: a server process
            # waiting for the worker must cost its searching threads next to nothing.
            generation = self.index.generation()
            if generation != seen:
                seen = generation
                try:
                    # Asked afresh: another writer may have changed it meanwhile.
                    want = expected_key(self.repo, self.repo.document(doc.id))
                except NotFound:
                    return                        # deleted meanwhile: nothing to wait for
                if indexed_key(self.index, doc.id) == want:
                    return
            time.sleep(0.05)
        with self.repo.writing():
            sync(self.repo, self.index)

    def put_event(self, event, actor, address=""):
        """Create or correct an event (audited, in the change's transaction), then
        re-index its documents, which carry its metadata; returns the event."""
        with self.repo.writing():
            self.repo.put_event(event, actor=actor, address=address)
            sync(self.repo, self.index)
        return event

    def import_listing(self, raw, language="auto", only=None, digest=None, actor="cli",
                       address=""):
        """Import a listing page's events: under the write lock, plan it afresh from the
        text (never from values a form carried), keep the chosen changes (`only`: {event
        id: fields or None}, None for all), write them (each with its audit entry) and
        re-index. With `digest` (the preview's), a catalog changed since the preview
        raises StalePreview carrying the fresh plan. Returns (plan, problems, language)."""
        with self.repo.writing():
            plan, problems, lang = plan_import(self.repo, raw, language)
            if digest is not None and plan_digest(plan) != digest:
                raise StalePreview(plan, problems, lang)
            plan = select_plan(plan, only)
            apply_import(self.repo, plan, actor=actor, address=address)
            sync(self.repo, self.index)
        return plan, problems, lang

    def link_versions(self, doc_id, target_id, actor, address=""):
        """Record that one document is a language version of another's work (audited),
        re-index the work, and return it."""
        with self.repo.writing():
            work = self.repo.link_versions(doc_id, target_id, actor, address)
            sync(self.repo, self.index)
        return work

    def unlink_version(self, doc_id, actor, address=""):
        """Take a document out of its work (audited) and re-index what changed."""
        with self.repo.writing():
            work = self.repo.unlink_version(doc_id, actor, address)
            sync(self.repo, self.index)
        return work

    def edit(self, doc_id, changes, actor, address=""):
        """Change a document's metadata (title, type, language, note, status), audited,
        and re-index it before returning the updated Document."""
        allowed = {"title", "type", "declared_language", "source_note", "status", "symbol"}
        unknown = set(changes) - allowed
        if unknown:
            raise InvalidInput(f"cannot change {', '.join(sorted(unknown))}")
        if "symbol" in changes:
            changes = dict(changes, symbol=_symbol(changes["symbol"]))
        _check_language(changes.get("declared_language", ""))
        with self.repo.writing():
            doc = self.repo.document(doc_id)
            for name, value in changes.items():
                setattr(doc, name, value.strip() if isinstance(value, str) else value)
            self.repo.update_document(doc, actor=actor, address=address)
            sync(self.repo, self.index)
        return doc

    def replace(self, doc_id, path, actor, original_name=None, address=""):
        """Replace a document's file by a new version (the old one stays in its history);
        its metadata stays, what was found in the file is updated, and it is re-indexed."""
        path = Path(path)
        current = self.repo.document(doc_id)
        sha = self.precheck(path, current.event_id, current.type, allow_same_as=doc_id)
        kept = self.pool.analyse(path)
        with self.repo.writing():
            doc = self.repo.document(doc_id)
            doc.sha256, doc.size = sha, path.stat().st_size
            doc.original_name = safe_file_name(original_name or path.name)
            doc.page_count, doc.detected_languages = kept["page_count"], kept["languages"]
            doc.text_status = kept["text_status"]
            self.repo.replace_document(doc, path, kept, actor=actor, address=address)
            sync(self.repo, self.index)
            self.ocr.schedule(doc)
        return doc

    def delete(self, doc_id, actor, address=""):
        """Delete a document (kept in the trash), audited, and take it out of the index."""
        with self.repo.writing():
            self.repo.remove_document(doc_id, actor=actor, address=address)
            sync(self.repo, self.index)

    def restore(self, doc_id, actor, address=""):
        """Bring a document back from the trash and index it again."""
        with self.repo.writing():
            doc = self.repo.restore_document(doc_id, actor, address)
            sync(self.repo, self.index)
            self.ocr.schedule(doc)
        return doc

    def precheck(self, path, event_id, doc_type, allow_same_as=None):
        """The cheap refusals, before any parsing: size, content type, event, type, duplicate.
        Returns the file's SHA-256."""
        if not path.is_file():
            raise InvalidInput(f"{path}: no such file")
        size = path.stat().st_size
        if size > self.settings.max_file_bytes:
            raise PdfRefused("too_large", f"the file is {size:,} bytes; the limit is "
                             f"{self.settings.max_file_bytes:,}")
        check_header(path)
        if doc_type not in DOCUMENT_TYPES:
            raise InvalidInput(f"unknown document type {doc_type!r}; use one of "
                               f"{', '.join(DOCUMENT_TYPES)}")
        self.repo.event(event_id)
        sha = sha256_of(path)
        existing = self.repo.catalog.find_by_sha(sha)
        if existing is not None and existing.id == allow_same_as:
            raise InvalidInput("this is the document's current file already")
        if existing is not None:
            raise DuplicateDocument(
                f"this file is already in the repository as document {existing.id!r}",
                existing.id)
        return sha

    # -- the shipped corpus -------------------------------------------------------------
    def load_manifest(self, manifest_path, progress=None, index_as_stored=True):
        """Bring the catalog in line with a documents/ manifest. Hold the write lock.

        With `index_as_stored`, new and changed documents are indexed as their text
        arrives, overlapping indexing with extraction; `update_index` then finds them done.
        """
        manifest = load_manifest(manifest_path)
        report = LoadReport()
        for event in manifest.events:
            # The manifest sets an event when it is new or when the manifest's own entry
            # changed; corrections made since (by staff, by a listing import) are kept.
            fingerprint = _fingerprint(event)
            key = f"manifest-event:{event.id}"
            if not self.repo.has_event(event.id) or self.repo.catalog.get_meta(key) != fingerprint:
                self.repo.put_event(event)
                self.repo.catalog.set_meta(key, fingerprint)
                report.events_changed.append(event.id)
        wanted = {d.id: d for d in manifest.documents}
        for doc in self.repo.documents():
            if doc.origin == manifest.origin and doc.id not in wanted:
                self.repo.remove_document(doc.id)
                report.removed.append(doc.id)
        todo = self._manifest_changes(manifest.documents, report)
        items = [(d.id, d.file) for d, _ in todo]
        by_id = {d.id: (d, sha) for d, sha in todo}
        # Into an index of an older schema nothing can be added: `update_index` rebuilds it.
        as_stored = index_as_stored and todo and self.index.is_current()
        with (IndexSession(self.index) if as_stored else nullcontext()) as session:
            for doc_id, result in self.pool.run(items):
                spec, sha = by_id[doc_id]
                doc = self._store_manifest_doc(spec, sha, result, report, manifest.origin)
                if doc is not None and session is not None:
                    session.add(self.repo, doc)
                if progress:
                    progress(spec)
        report.indexed = session.report if session is not None else None
        return report

    def _manifest_changes(self, specs, report):
        # As with events, a document's metadata is set from the manifest when the
        # manifest's entry changed, so corrections made since by staff are kept.
        todo = []
        for spec in specs:
            sha = sha256_of(spec.file)
            try:
                current = self.repo.document(spec.id)
            except NotFound:
                current = None
            key = f"manifest-document:{spec.id}"
            if current is None or current.sha256 != sha:
                todo.append((spec, sha))
            elif self.repo.catalog.get_meta(key) != _spec_fingerprint(spec):
                _apply_metadata(current, spec)
                self.repo.update_document(current)
                self.repo.catalog.set_meta(key, _spec_fingerprint(spec))
                report.updated.append(spec.id)
        return todo

    def _store_manifest_doc(self, spec, sha, result, report, origin):
        if isinstance(result, Exception):
            report.refused.append((spec.id, str(result)))
            return None
        doc = Document(id=spec.id, event_id=spec.event, type=spec.type, title=spec.title,
                       sha256=sha, size=spec.file.stat().st_size, original_name=spec.file.name,
                       page_count=result["page_count"], declared_language=spec.language,
                       detected_languages=result["languages"],
                       text_status=result["text_status"], source_note=spec.note,
                       added_by="manifest", origin=origin, work_id=spec.version_of,
                       symbol=spec.symbol)
        try:
            if self.repo.has_document(spec.id):
                self.repo.replace_document(doc, spec.file, result)
                report.updated.append(spec.id)
            else:
                self.repo.add_document(doc, spec.file, result)
                report.added.append(spec.id)
        except InvalidInput as e:
            report.refused.append((spec.id, str(e)))
            return None
        self.repo.catalog.set_meta(f"manifest-document:{spec.id}", _spec_fingerprint(spec))
        return doc

    # -- kept text and index ------------------------------------------------------------
    def restore_text(self, progress=None):
        """Re-extract documents whose kept text is missing or from an older extractor."""
        todo = [d for d in self.repo.documents() if _needs_extraction(self.repo, d)]
        docs = {d.id: d for d in todo}
        done = []
        for doc_id, result in self.pool.run([(d.id, self.repo.pdf_path(d)) for d in todo]):
            if isinstance(result, Exception):
                continue       # reported by `check`: the stored PDF itself is the problem
            doc = docs[doc_id]
            self.repo.keep_text(doc, result)
            doc.detected_languages = result["languages"]
            doc.text_status = result["text_status"]
            doc.page_count = result["page_count"]
            self.repo.update_document(doc)
            done.append(doc_id)
            if progress:
                progress(doc)
        return done

    def update_index(self, progress=None):
        """Index what changed in the catalog since the last run. Hold the write lock."""
        return sync(self.repo, self.index, progress)

    def rebuild_index(self, progress=None):
        """Build a fresh index beside the live one and swap it in. Hold the write lock."""
        return rebuild(self.repo, self.index, progress, procs=self.settings.workers)


def _check_language(code):
    if code and not is_language_code(code):
        raise InvalidInput(f"{code!r} is not a language code: use a two-letter ISO 639 code "
                           "such as en, fr or es")


def _symbol(text):
    try:
        return clean_symbol(text)
    except ValueError as e:
        raise InvalidInput(str(e)) from None


TITLE_SOURCES = ("given", "pdf_metadata", "first_line", "file_name")


def suggest_title(kept, file_name):
    """A title from the PDF's metadata, else its first line, else its file name."""
    return suggest_title_with_source(kept, file_name)[0]


def suggest_title_with_source(kept, file_name):
    """(title, where it came from): "pdf_metadata", "first_line" or "file_name", so the
    officer is told what to check."""
    for source, candidate in (("pdf_metadata", kept.get("pdf_title")),
                              ("first_line", kept.get("first_line"))):
        if candidate and len(candidate.strip()) >= 4:
            return candidate.strip(), source
    stem = Path(file_name).stem.replace("_", " ").replace("-", " ").strip()
    return stem or "Untitled", "file_name"


def safe_file_name(name):
    """A file name with no path parts and no control characters, for display only."""
    name = os.path.basename(str(name).replace("\\", "/"))
    name = "".join(c for c in name if c.isprintable() and c not in "\x00")
    return name.strip(" .") or "document.pdf"


def _needs_extraction(repo, doc):
    if not repo.texts.exists(doc.sha256):
        return True
    try:
        return repo.text(doc).get("extractor") != EXTRACTOR_VERSION
    except ValueError:
        return True


def _fingerprint(event):
    data = {k: v for k, v in event.to_dict().items() if k != "revision"}
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
                          ).hexdigest()


def _spec_fingerprint(spec):
    # The symbol only when there is one: fingerprints of entries without one stay as
    # they were, so adding the field does not re-apply every entry over staff corrections.
    return json.dumps([spec.event, spec.type, spec.title, spec.language, spec.note,
                       spec.version_of] + ([spec.symbol] if spec.symbol else []),
                      ensure_ascii=False)


def _apply_metadata(doc, spec):
    doc.event_id, doc.type, doc.title = spec.event, spec.type, spec.title
    doc.declared_language, doc.source_note = spec.language, spec.note
    doc.work_id = spec.version_of
    doc.symbol = spec.symbol
