"""Where the search index lives, and how it is brought up to date or rebuilt.

The live directory holds the index of one engine (indexer.engines: Whoosh by default, or
tantivy), named in its ENGINE file: a `docs` index (one entry per document, ranked and
counted by search) and a `pages` index (one entry per page, consulted only for the hits
shown). Keeping pages apart keeps the postings that every search walks ten times shorter.

The index sits in index/<name>/, and the file index/CURRENT names the live one. A rebuild
writes a fresh index beside the live one and then replaces CURRENT in one atomic rename,
so searches keep working throughout and a crash mid-rebuild leaves the old index live.
Switching engines is such a rebuild, from the kept text (no PDF is read again).
"""
import shutil
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from indexer.engines import DEFAULT_ENGINE, MARKER, engine_module, engine_of
from indexer.engines.whoosh_engine import DOCS
from indexer.errors import IndexUnavailable
from indexer.schema import SCHEMA_VERSION, document_entries, index_key
from repo.files import atomic_write
from repo.works import group_works


@dataclass
class SyncReport:
    """What one index update did."""

    added: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    seconds: float = 0.0
    rebuilt: bool = False

    @property
    def changed(self):
        """Whether anything was written."""
        return bool(self.added or self.updated or self.removed or self.rebuilt)


def _open_pair(path):
    return retrying(lambda: engine_module(engine_of(path)).open_pair(path))


def retrying(open_something, attempts=20):
    """Open index files, trying again when a writer's commit replaced them under us.

    Whoosh lists the table of contents, then opens it; a commit in between deletes the
    file it listed. Readers never lock, so they simply look again."""
    for attempt in range(attempts):
        try:
            return open_something()
        except FileNotFoundError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.02 * (attempt + 1))


class IndexStore:
    """The index directory of one data directory."""

    def __init__(self, root, engine=None):
        """`engine`: the engine a (re)build makes ("whoosh", "tantivy"); None keeps the
        live index's (Whoosh for the first). A live index of another engine is rebuilt
        by the next sync. Searches always use the live index's own engine."""
        self.root = Path(root)
        self.pointer = self.root / "CURRENT"
        if engine is not None:
            engine_module(engine)        # an unknown name is refused here, not mid-write
        self.engine = engine
        self._shared = None              # (key, weak view) of an engine whose views threads share
        self._sharing = threading.Lock()

    def live_engine(self):
        """The engine of the live index, or None when there is none."""
        path = self.current_dir()
        return None if path is None else engine_of(path)

    def building_engine(self):
        """The engine a rebuild makes: the chosen one, else the live one's."""
        return self.engine or self.live_engine() or DEFAULT_ENGINE

    def current_dir(self):
        """The live index's directory, or None when there is no index yet."""
        try:
            name = self.pointer.read_text().strip()
        except FileNotFoundError:
            return None
        path = self.root / name
        # A marker file, not whoosh's exists_in(): that opens the index, and races commits.
        return path if (path / "SCHEMA_VERSION").is_file() or \
            any(path.glob(f"_{DOCS}_*.toc")) else None

    def generation(self):
        """What changes whenever a commit (or a swap) changes the live index: its
        directory and the names of its tables of contents. One directory listing, no
        index opened: cheap enough to ask often."""
        path = self.current_dir()
        if path is None:
            return None
        return (path.name, engine_module(engine_of(path)).generation(path))

    def _live_dir(self):
        path = self.current_dir()
        if path is None:
            raise IndexUnavailable("there is no search index yet: run `minamata index`")
        return path

    def open(self):
        """The live index's Pair (IndexUnavailable when there is none)."""
        return _open_pair(self._live_dir())

    def view(self):
        """A View of the live index for searching (IndexUnavailable when there is none).
        An engine whose views may serve several threads at once (tantivy's) gives all
        the threads of a process one view per commit: opening one reads every
        document's stored fields (about 0.1 s at 10,000 documents), which each server
        thread paid after each upload. Other engines' (Whoosh's) a view per call."""
        path = self._live_dir()
        module = engine_module(engine_of(path))
        if not getattr(module, "VIEWS_SHARED", False):
            return retrying(lambda: _open_pair(path).view())
        with self._sharing:                  # one thread opens it; the others wait
            key = (str(path), module.generation(path))
            view = self._shared[1]() if self._shared and self._shared[0] == key else None
            if view is None:
                view = retrying(lambda: _open_pair(path).view())
                # Keyed by what the view itself saw: a commit while it opened makes it
                # out of date at once, and the next call opens a newer one. Held weakly:
                # a view no search holds any more is freed, not kept by the store.
                self._shared = ((str(path), view.opened_generation), weakref.ref(view))
            return view

    def open_or_create(self):
        """The live index, creating an empty one the first time."""
        if self.current_dir() is None:
            self.swap(self.create_fresh())
        return self.open()

    def create_fresh(self, engine=None):
        """A new, empty index directory beside the live one (not yet live), of `engine`
        (by default the one a rebuild makes)."""
        engine = engine or self.building_engine()
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / f"ix-{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 10**9:09d}"
        path.mkdir()
        (path / MARKER).write_text(engine)
        engine_module(engine).create(path)
        # Last: a directory counts as an index once this marker exists.
        (path / "SCHEMA_VERSION").write_text(str(SCHEMA_VERSION))
        return path

    def schema_version(self):
        """The schema version of the live index (0 when older than this marker)."""
        path = self.current_dir()
        try:
            return int((path / "SCHEMA_VERSION").read_text())
        except (OSError, ValueError, TypeError):
            return 0

    def is_current(self):
        """Whether documents can be indexed into the live index as it is: there is none
        yet (one is created), or it has this version's schema (else a rebuild is due)."""
        return self.current_dir() is None or (
            self.schema_version() == SCHEMA_VERSION and
            self.building_engine() == self.live_engine())

    def swap(self, new_dir):
        """Make `new_dir` the live index (atomic rename), then delete the others."""
        atomic_write(self.pointer, lambda f: f.write(new_dir.name.encode()))
        self.remove_stale()

    def stale_dirs(self):
        """Index directories that are not live (old ones, or a crashed rebuild's): while
        a writer is at work, one may be the rebuild it is writing."""
        live = self.current_dir()
        return sorted(p for p in self.root.glob("ix-*") if p != live)

    def remove_stale(self):
        """Delete index directories that are not live. Hold the write lock."""
        for path in self.stale_dirs():
            shutil.rmtree(path, ignore_errors=True)


def indexed_key(store, doc_id):
    """The index key of one document in the live index (None: not in it, or no index)."""
    try:
        pair = store.open()
    except IndexUnavailable:
        return None
    return pair.indexed_key(doc_id)


def expected_key(repo, doc):
    """The index key the catalog calls for, for one document."""
    return index_key(doc, repo.event(doc.event_id), doc.sha256, repo.work(doc))


def expected_keys(repo):
    """{document id: index key} the catalog calls for, with the records to index them."""
    events = {e.id: e for e in repo.events()}
    out = {}
    for work in group_works(repo.documents()):
        for doc in work.versions:
            event = events[doc.event_id]
            out[doc.id] = (index_key(doc, event, doc.sha256, work), doc, event, work)
    return out


def sync(repo, store, progress=None):
    """Bring the live index in line with the catalog: index what is new or changed,
    remove what is gone. Call with the repository's write lock held."""
    started = time.monotonic()
    store.remove_stale()      # a rebuild that died half-way leaves its directory behind
    if store.current_dir() is not None and (
            store.schema_version() != SCHEMA_VERSION or
            store.building_engine() != store.live_engine()):
        # An index made by an older version has other fields, or another engine was
        # chosen: build it anew, from the kept text.
        return rebuild(repo, store, progress)
    ix = store.open_or_create()
    have = ix.indexed_keys()
    want = expected_keys(repo)
    report = SyncReport()
    report.removed = sorted(set(have) - set(want))
    stale = [i for i in want if i in have and have[i] != want[i][0]]
    report.updated = sorted(stale)
    report.added = sorted(i for i in want if i not in have)
    todo = report.updated + report.added
    if report.removed or todo:
        _write(ix, repo, [want[i] for i in todo], report.removed + report.updated, progress)
    ix.compact()
    report.seconds = time.monotonic() - started
    return report


def rebuild(repo, store, progress=None, procs=1):
    """Build a whole new index from the catalog and kept text, then swap it in."""
    started = time.monotonic()
    fresh = store.create_fresh(store.building_engine())
    try:
        _write(_open_pair(fresh), repo, list(expected_keys(repo).values()), [], progress,
               procs=procs)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    store.swap(fresh)
    report = SyncReport(added=[d.id for d in repo.documents()], rebuilt=True)
    report.seconds = time.monotonic() - started
    return report


class _PairWriter:
    """The engine's writer on a pair, adding documents from their kept text."""

    def __init__(self, pair, procs=1):
        self.writer = pair.writer(procs)

    def __enter__(self):
        return self

    def delete(self, doc_id):
        """Remove a document's entries (its document entry and its pages)."""
        self.writer.delete(doc_id)

    def add(self, repo, doc, event, key, work=None):
        """Add a document's entries, made from its kept text."""
        self.writer.add_entries(*document_entries(doc, event, repo.text(doc), key, work))

    def __exit__(self, *exc):
        return self.writer.__exit__(*exc)


class IndexSession:
    """Index documents as they are stored (during a long load), committing once at the end.

    The load's extraction workers keep both cores busy; indexing each document as it
    arrives overlaps the indexer's work with theirs instead of following it.
    """

    def __init__(self, store):
        self.pair = store.open_or_create()
        self.writer = None
        self.events = {}
        self.before = set(self.pair.indexed_keys())
        self.report = SyncReport()

    def __enter__(self):
        self.writer = _PairWriter(self.pair)
        return self

    def add(self, repo, doc):
        """(Re-)index one stored document."""
        if doc.event_id not in self.events:
            self.events[doc.event_id] = repo.event(doc.event_id)
        event = self.events[doc.event_id]
        work = repo.work(doc)
        self.writer.delete(doc.id)
        self.writer.add(repo, doc, event, index_key(doc, event, doc.sha256, work), work)
        (self.report.updated if doc.id in self.before else self.report.added).append(doc.id)

    def __exit__(self, *exc):
        return self.writer.__exit__(*exc)


def _write(pair, repo, items, delete_ids, progress, procs=1):
    with _PairWriter(pair, procs) as writer:
        for doc_id in delete_ids:
            writer.delete(doc_id)
        for key, doc, event, work in items:
            writer.add(repo, doc, event, key, work)
            if progress:
                progress(doc)
