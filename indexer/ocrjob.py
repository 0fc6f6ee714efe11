"""OCR of stored documents, as jobs: which documents need it, running one, and putting
its result in the kept text and the index.

A job is claimed in the catalog before it runs (never two runs of one document at once),
runs without the write lock (OCR takes seconds per page; searches and other writes go
on), and takes the lock only to keep its result and re-index the document.
"""
from dataclasses import dataclass

from indexer.index import sync
from indexer.ocr import (OcrFailed, merged_languages, ocr_availability, ocr_languages,
                         ocr_result, pages_needing_ocr, run_ocr)
from repo.errors import LockHeld, UnknownDocument
from repo.ocrjobs import this_worker
from repo.store import with_ocr

LOCK_WAIT = 120.0       # seconds a finished job waits for the write lock


@dataclass
class OcrOutcome:
    """How one run of a job ended: done, failed (reason), or skipped (not queued)."""

    doc_id: str
    state: str
    reason: str = ""
    pages: int = 0


class OcrJobs:
    """OCR jobs of one Indexer's repository; `enqueue(doc_id)` hands a queued job to the
    task queue (None: it waits for `minamata ocr` or a worker's sweep)."""

    def __init__(self, indexer, enqueue=None):
        self.indexer = indexer
        self.repo = indexer.repo
        self.settings = indexer.settings
        self.enqueue = enqueue

    def availability(self):
        """Whether OCR can run here (cached)."""
        return ocr_availability(self.settings.ocr_command)

    # -- what needs OCR -----------------------------------------------------------------
    def schedule(self, doc, again=False):
        """Queue a stored document's unreadable pages for OCR, unless OCR is unavailable,
        it has none, or they are read already (`again`: read them anew; the result kept
        stays until the new one replaces it). Returns the queued job or None."""
        if not self.availability().ok:
            return None
        if not again and self.repo.ocr.exists(doc.sha256):
            return None
        pages = pages_needing_ocr(self.repo.texts.get(doc.sha256))
        if not pages:
            return None
        self.repo.ocr_jobs.queue(doc.id, doc.sha256, pages)
        if self.enqueue:
            self.enqueue(doc.id)
        return self.repo.ocr_jobs.get(doc.id)

    def schedule_pending(self, doc_ids=()):
        """Queue the documents that need OCR and have no job for their current file:
        those without a whole text layer, and `doc_ids` (new or changed in a manifest
        load: a garbage text layer counts as text until read). Returns the queued jobs."""
        jobs = {j.doc_id: j for j in self.repo.ocr_jobs.all()}
        named = set(doc_ids)
        queued = []
        for doc in self.repo.documents():
            job = jobs.get(doc.id)
            if doc.text_status == "ok" and doc.id not in named:
                continue
            if job is None or job.sha256 != doc.sha256:
                if self.repo.texts.exists(doc.sha256):
                    queued.append(self.schedule(doc))
        return [j for j in queued if j is not None]

    def queue_again(self, doc_id):
        """Queue one document's OCR, from the start if it was done or failed (a job queued
        or running is left as it is). Returns the job, or None when every page has a
        text layer."""
        doc = self.repo.document(doc_id)
        job = self.repo.ocr_jobs.get(doc.id)
        if job is not None and job.sha256 == doc.sha256 and job.state in ("queued", "running"):
            return job
        return self.schedule(doc, again=True)

    def requeue_stranded(self, hand_over=True):
        """Jobs whose worker died go back to the queue (or fail after too many tries);
        with `hand_over`, every queued job is handed to the task queue again (a second
        hand-over is harmless: only one claim succeeds). Returns the queued document ids."""
        self.repo.ocr_jobs.reclaim(self.settings.ocr_attempts)
        queued = [j.doc_id for j in self.repo.ocr_jobs.all("queued")]
        if self.enqueue and hand_over:
            for doc_id in queued:
                self.enqueue(doc_id)
        return queued

    # -- running one --------------------------------------------------------------------
    def run(self, doc_id, owner=None, on_page=None):
        """Claim and run a document's queued OCR job; returns an OcrOutcome. A job that
        is not queued (done, failed, running elsewhere) is skipped. `on_page(k, n)` is
        called as pages are read."""
        owner = owner or this_worker()
        job = self.repo.ocr_jobs.claim(doc_id, owner)
        if job is None:
            return OcrOutcome(doc_id, "skipped")
        try:
            return self._run(job, owner, on_page)
        except OcrFailed as e:
            self.repo.ocr_jobs.fail(doc_id, str(e), job.sha256)
            return OcrOutcome(doc_id, "failed", str(e))
        except LockHeld:
            # Another writer kept the lock: back to the queue, for the task queue's retry.
            self.repo.ocr_jobs.requeue(doc_id, job.sha256)
            raise
        except BaseException as e:
            # A bug, or the worker asked to stop: never leave the job "running" for a
            # live owner (no one would reclaim it).
            if isinstance(e, Exception):
                self.repo.ocr_jobs.fail(doc_id, f"OCR failed unexpectedly "
                                        f"({type(e).__name__}: {e})", job.sha256)
            else:
                self.repo.ocr_jobs.requeue(doc_id, job.sha256)
            raise

    def _run(self, job, owner, on_page):
        try:
            doc = self.repo.document(job.doc_id)
        except UnknownDocument:
            raise OcrFailed("the document was deleted before its OCR ran") from None
        if doc.sha256 != job.sha256:
            raise OcrFailed("the document's file was replaced before its OCR ran")
        availability = self.availability()
        if not availability.ok:
            raise OcrFailed(availability.reason)
        languages = ocr_languages(doc.declared_language, self._event_languages(doc),
                                  availability.languages)
        kept = self.repo.texts.get(doc.sha256)
        rewrite = [n for n in job.pages if kept["pages"][n - 1]["text"].strip()]

        def progress(k):
            self.repo.ocr_jobs.progress(job.doc_id, owner, k)
            if on_page:
                on_page(k, job.page_total)

        with self.repo.work_area.folder() as place:
            pages, copy = run_ocr(self.repo.pdf_path(doc), job.pages, languages, place,
                                  self.settings.ocr_timeout, availability, progress, rewrite)
            result = ocr_result(pages, languages, availability)
            with self.repo.writing(timeout=LOCK_WAIT):
                doc = self.repo.document(job.doc_id)
                if doc.sha256 != job.sha256:
                    raise OcrFailed("the document's file was replaced while it was OCR'd")
                doc.detected_languages = merged_languages(with_ocr(kept, result))
                self.repo.apply_ocr(doc, result, copy)
                sync(self.repo, self.indexer.index)
        return OcrOutcome(job.doc_id, "done", pages=len(pages))

    def _event_languages(self, doc):
        langs = []
        for other in self.repo.documents(doc.event_id):
            for lang in other.detected_languages:
                if lang not in langs:
                    langs.append(lang)
        return langs


@dataclass
class OcrStatus:
    """What a document page says about OCR: which pages' text came from it (with
    Tesseract's mean confidence), the job's state, and whether a searchable copy exists."""

    pages: list                       # page numbers read by OCR
    confidence: float | None          # mean over those pages (0-100)
    job: object = None                # repo.ocrjobs.OcrJob, or None
    has_copy: bool = False

    @property
    def state(self):
        """queued | running | done | failed, or "" when there was never a job."""
        return self.job.state if self.job else ""

    def to_dict(self, with_reason=False):
        """JSON-ready form, for the API (the failure's reason for staff only)."""
        out = {"state": self.state, "ocr_pages": self.pages, "confidence": self.confidence,
               "queued_pages": self.job.pages if self.job else [],
               "done_pages": self.job.done_pages if self.job else 0,
               "searchable_copy": self.has_copy}
        if with_reason:
            out["reason"] = self.job.reason if self.job else ""
        return out


def ocr_status(repo, doc):
    """The OCR status of a stored document (reads its kept OCR result and job)."""
    result = repo.ocr.get(doc.sha256) or {}
    pages = sorted(int(n) for n, p in result.get("pages", {}).items() if p.get("text"))
    scores = [p["confidence"] for p in result.get("pages", {}).values()
              if p.get("text") and p.get("confidence") is not None]
    job = repo.ocr_jobs.get(doc.id)
    if job is not None and job.sha256 != doc.sha256:
        job = None
    return OcrStatus(pages, round(sum(scores) / len(scores)) if scores else None, job,
                     repo.ocr.has_copy(doc.sha256))
