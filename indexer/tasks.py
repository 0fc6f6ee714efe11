"""The task queue: huey, storing its queue in SQLite in the data directory (no server).

The queue carries "OCR document X" and "bring the index up to date" (a web server's
uploads hand their index update to the worker, so Whoosh writes in the worker's process,
not among the server's searching threads). The OCR job's state (and the claim that keeps
two workers off one document) is in the catalog (repo.ocrjobs). A worker is `minamata
worker` (also started by `minamata serve`): huey's consumer, running each task in a thread
(one more than the OCR jobs it may run at once, so an index update never waits behind a
long OCR), while OCRmyPDF does its work in a process group of its own. Every minute, and
at start, the worker puts back in the queue the jobs of workers that died (at most
`ocr_attempts` tries).
"""
import logging
import threading
import time

from huey import SqliteHuey, crontab

from indexer.ingest import Indexer
from indexer.ocrjob import OcrJobs

QUEUE_FILE = "queue.sqlite"
RETRIES = 5            # a job retried when the write lock stayed busy past its wait
RETRY_DELAY = 30
OCR_LATER = 5          # seconds before an OCR task that found every slot taken runs again
INDEX_PRIORITY = 100   # before any OCR task waiting in the queue

log = logging.getLogger("minamata.worker")


class TaskQueue:
    """The huey queue of one data directory, with our tasks registered on it."""

    def __init__(self, settings):
        self.settings = settings
        self.huey = SqliteHuey("minamata", filename=str(settings.data_dir / QUEUE_FILE),
                               results=False, utc=True)
        self._ocr = self.huey.task(retries=RETRIES, retry_delay=RETRY_DELAY,
                                   name="ocr")(self._run_ocr)
        self._index = self.huey.task(retries=RETRIES, retry_delay=1, name="index",
                                     priority=INDEX_PRIORITY)(self._run_index)
        self.huey.periodic_task(crontab(minute="*"), name="sweep")(self._sweep)
        self._ocr_slots = threading.BoundedSemaphore(max(1, settings.ocr_workers))
        self._index_turn = threading.Lock()      # one index update at a time, paced
        self._last_commit = float("-inf")

    def enqueue_ocr(self, doc_id):
        """Hand a queued OCR job to the workers."""
        self._ocr(doc_id)

    def enqueue_index(self):
        """Ask a worker to bring the index up to date with the catalog."""
        self._index()

    def pending(self):
        """How many tasks wait in the queue."""
        return self.huey.pending_count()

    def _run_ocr(self, doc_id):
        if not self._ocr_slots.acquire(blocking=False):
            # Every OCR slot is busy: this thread stays free for index updates.
            self._ocr.schedule(args=(doc_id,), delay=OCR_LATER)
            return
        indexer = Indexer(self.settings)
        try:
            outcome = OcrJobs(indexer).run(doc_id)
            # A job is handed to the queue by whoever sees it queued (the upload, the
            # start of `serve`, the sweep): the second hand-off finds it done and is
            # skipped, which is routine, not news for the operator's log.
            level = logging.DEBUG if outcome.state == "skipped" else logging.INFO
            log.log(level, "OCR %s: %s %s", doc_id, outcome.state, outcome.reason)
        finally:
            indexer.close()
            self._ocr_slots.release()

    def _run_index(self):
        # Several uploads' requests often arrive together: the first update indexes them
        # all, and the others find nothing left to do. Commits are paced: each one makes
        # every server thread reopen the index and search afresh (its cached matches are
        # of the old index), which under 20 uploaders (4 commits a second) cost searches
        # more than the indexing did. Uploads arriving within the pace share a commit.
        with self._index_turn:
            wait = self._last_commit + self.settings.index_pace - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            indexer = Indexer(self.settings)
            try:
                with indexer.repo.writing(timeout=60):
                    report = indexer.update_index()
                if report.changed:
                    self._last_commit = time.monotonic()
                    log.info("index: %d added, %d updated, %d removed", len(report.added),
                             len(report.updated), len(report.removed))
            finally:
                indexer.close()

    def _sweep(self):
        indexer = Indexer(self.settings)
        try:
            OcrJobs(indexer, self.enqueue_ocr).requeue_stranded()
        finally:
            indexer.close()

    def consumer(self):
        """A huey consumer of this queue, with `ocr_workers` worker threads."""
        return self.huey.create_consumer(workers=max(1, self.settings.ocr_workers) + 1,
                                         worker_type="thread", periodic=True,
                                         initial_delay=0.1, backoff=1.15, max_delay=2.0)
