"""What the views call: the catalog (one connection per request) and the search facade
(one per server thread, since Whoosh searchers are not shared between threads)."""
import os
import threading
from contextlib import contextmanager
from dataclasses import replace

from flask import current_app, g

from indexer.ingest import Indexer
from indexer.pool import ExtractionPool
from indexer.search import MatchCache, SearchService
from repo.errors import Busy, NotFound
from repo.files import WorkArea
from repo.store import Repository
from repo.works import group_works


class Services:
    """Factories for the repository and search facade of one app."""

    def __init__(self, store_settings, search_cache=0, writers=1):
        self.store_settings = store_settings
        self.write_gate = threading.BoundedSemaphore(max(1, writers))
        self._pool, self._pool_pid, self._pool_lock = None, None, threading.Lock()
        # Writing or waiting to: a bounded line, so writers never take every thread.
        self.write_line = threading.BoundedSemaphore(max(1, writers) + WAITING)
        self.index_store = Indexer(store_settings).index
        self._local = threading.local()
        # One cache for all of a process's threads: a delegate's next page or facet
        # click may be answered by any of them.
        self.match_cache = MatchCache(search_cache) if search_cache else None

    def extraction_pool(self):
        """This process's extraction pool, one worker kept between uploads (made in the
        process that uses it: a server forks its workers after the app is made)."""
        with self._pool_lock:
            if self._pool is None or self._pool_pid != os.getpid():
                s = self.store_settings
                self._pool = ExtractionPool(1, s.extract_timeout, s.extract_memory_mb,
                                            s.max_pages, keep=True)
                self._pool_pid = os.getpid()
            return self._pool

    def search_service(self):
        """This thread's SearchService."""
        service = getattr(self._local, "search", None)
        if service is None:
            service = self._local.search = SearchService(
                self.index_store, self.store_settings.search_time_limit, self.match_cache)
        return service


WEB_LOCK_WAIT = 60.0      # a web request waits this long for another writer to finish
GATE_WAIT = 10.0          # ... and this long in line for its turn in its own process
WAITING = 1               # writers per process that may wait in line; more are "busy":
#                           a thread waiting is one a search cannot have


@contextmanager
def writer():
    """An Indexer for writing from a request: it waits for the write lock, extracts in one
    worker, and is closed at the end.

    Only `writers_per_process` request threads may write at once and WAITING more wait
    in line: the others are answered "busy" (Busy) at once instead of holding a server
    thread, so searches always have threads left (20 uploaders made 12 of 28 searches
    time out)."""
    gate, line = services().write_gate, services().write_line
    if not line.acquire(blocking=False):
        raise Busy("the repository is busy with other changes; try again in a moment")
    try:
        if not gate.acquire(timeout=GATE_WAIT):
            raise Busy("the repository is busy with other changes; try again in a moment")
        released = []

        def let_the_next_writer_in():
            # An upload waiting for the worker to index it writes nothing more: the next
            # writer may extract and store meanwhile (it still holds its place in line).
            if not released:
                released.append(True)
                gate.release()
        try:
            store = replace(services().store_settings, lock_timeout=WEB_LOCK_WAIT, workers=1)
            indexer = Indexer(store, pool=services().extraction_pool(), index_by_worker=True)
            indexer.while_waiting = let_the_next_writer_in
            try:
                yield indexer
            finally:
                indexer.close()
        finally:
            let_the_next_writer_in()
    finally:
        line.release()


@contextmanager
def saved_upload(upload):
    """An uploaded file saved (streamed by Werkzeug, never held in memory) to a temporary
    file in the data directory, removed afterwards."""
    area = WorkArea(services().store_settings.data_dir / "tmp")
    with area.folder() as tmp:
        path = tmp / "upload.pdf"
        upload.save(path)
        yield path


def services():
    """The current app's Services."""
    return current_app.extensions["minamata"]


def repository():
    """A Repository for this request (closed when the request ends)."""
    if "repository" not in g:
        g.repository = Repository(services().store_settings)
    return g.repository


def search_service():
    """The search facade for this thread."""
    return services().search_service()


def close_repository(_exc=None):
    """Teardown: close the request's catalog connection."""
    repo = g.pop("repository", None)
    if repo is not None:
        repo.close()


def visible(doc):
    """Whether the current visitor may see a document: the public sees published ones,
    signed-in staff see everything."""
    from webui.security import current_user
    return doc.is_public or current_user() is not None


def visible_events():
    """The events the current visitor may see: staff see all; delegates those that are
    public or have a published document (an event made by a draft upload is not shown
    until its document is published, or staff publish the event)."""
    repo = repository()
    events = repo.events()
    if _staff():
        return events
    with_documents = {d.event_id for d in repo.documents() if d.is_public}
    return [e for e in events if e.public or e.id in with_documents]


def visible_event(event_id):
    """One event if the current visitor may see it (by the same rule), else None."""
    repo = repository()
    try:
        event = repo.event(event_id)
    except NotFound:
        return None
    if event.public or _staff() or any(d.is_public for d in repo.documents(event_id)):
        return event
    return None


def _staff():
    from webui.security import current_user
    return current_user() is not None


def visible_documents(event_id=None):
    """The documents (of one event) the current visitor may see."""
    return [d for d in repository().documents(event_id) if visible(d)]


def visible_works(event_id=None):
    """The works (of one event) the current visitor may see, each with the language
    versions they may see: a retracted version is gone from its work."""
    return group_works(visible_documents(event_id))
