"""The task queue: huey, storing its queue in SQLite in the data directory (no server).

The queue carries "OCR document X"; the job's state (and the claim that keeps two workers
off one document) is in the catalog (repo.ocrjobs). A worker is `minamata worker` (also
started by `minamata serve`): huey's consumer, running each job in a thread while OCRmyPDF
does the work in a process group of its own. Every minute, and at start, the worker puts
back in the queue the jobs of workers that died (at most `ocr_attempts` tries).
"""
import logging

from huey import SqliteHuey, crontab

from indexer.ingest import Indexer
from indexer.ocrjob import OcrJobs

QUEUE_FILE = "queue.sqlite"
RETRIES = 5            # a job retried when the write lock stayed busy past its wait
RETRY_DELAY = 30

log = logging.getLogger("minamata.worker")


class TaskQueue:
    """The huey queue of one data directory, with our tasks registered on it."""

    def __init__(self, settings):
        self.settings = settings
        self.huey = SqliteHuey("minamata", filename=str(settings.data_dir / QUEUE_FILE),
                               results=False, utc=True)
        self._ocr = self.huey.task(retries=RETRIES, retry_delay=RETRY_DELAY,
                                   name="ocr")(self._run_ocr)
        self.huey.periodic_task(crontab(minute="*"), name="sweep")(self._sweep)

    def enqueue_ocr(self, doc_id):
        """Hand a queued OCR job to the workers."""
        self._ocr(doc_id)

    def pending(self):
        """How many tasks wait in the queue."""
        return self.huey.pending_count()

    def _run_ocr(self, doc_id):
        indexer = Indexer(self.settings)
        try:
            outcome = OcrJobs(indexer).run(doc_id)
            log.info("OCR %s: %s %s", doc_id, outcome.state, outcome.reason)
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
        return self.huey.create_consumer(workers=max(1, self.settings.ocr_workers),
                                         worker_type="thread", periodic=True,
                                         initial_delay=0.1, backoff=1.15, max_delay=2.0)
