"""Extraction in worker processes, each PDF under a time limit and a memory cap.

A pathological PDF can make pypdf loop or balloon; in a worker process we can stop it
(kill the worker, start a fresh one) without losing the rest of the batch.
"""
import multiprocessing as mp
from multiprocessing import forkserver, spawn
import os
import resource
import signal
import threading
import time
from collections import deque
from multiprocessing.connection import wait

from indexer.errors import PdfRefused
from indexer.extract import analyse_pdf
from repo.lifetime import die_with, die_with_parent


def _serve(conn, memory_mb, max_pages, caller_pid=None):
    # Never outlive the writer holding the lock, even in the middle of a file. The
    # parent is the fork server, which the kernel kills when the caller dies: then this
    # worker too, whatever it is doing (a thread cannot, while a long C call holds the
    # interpreter). The caller is watched as well, for the moment before the fork
    # server's own request took effect.
    die_with_parent()
    if caller_pid is not None:
        die_with(caller_pid)
    # Reading PDFs can wait; a delegate's search cannot: the kernel gives the server's
    # threads the CPU first.
    os.nice(EXTRACTION_NICE)
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return                       # the parent has gone (or closed its end)
        if task is None:
            return
        # Only the path comes: the caller keeps each task's key (which may be of a
        # class this process never imported, from the caller's script).
        path = task
        try:
            conn.send(("ok", analyse_pdf(path, max_pages)))
        except PdfRefused as e:
            conn.send((e.reason, str(e)))
        except MemoryError:
            conn.send(("too_large", "the PDF needs more memory than allowed to read"))
        except Exception as e:  # a pypdf bug on one file must not stop the batch
            conn.send(("corrupt", f"the PDF cannot be read ({type(e).__name__}: {e})"))


def _forget_fork_server():
    """In a process forked from one that had started the workers' fork server (a web
    server's workers are forked from the process that built the index): that server is
    not this process's child, and multiprocessing, waiting for it, failed every upload
    (ChildProcessError). This process forgets it and starts its own when it needs one;
    the inherited end of the pipe that keeps the other one alive is closed."""
    server = forkserver._forkserver
    alive = server._forkserver_alive_fd
    server._forkserver_address = server._forkserver_alive_fd = None
    server._forkserver_pid = server._inherited_fds = None
    server._lock = threading.Lock()
    _runs["active"] = 0                  # (the parent's batches are not this process's)
    if alive is not None:
        try:
            os.close(alive)
        except OSError:
            pass


os.register_at_fork(after_in_child=_forget_fork_server)

# Batches running now in this process, and whether a pool here keeps its workers: the
# fork server (100 MB) goes when the last batch ends, unless workers are kept.
_runs = {"active": 0, "kept": False}
_runs_lock = threading.Lock()


def _batch_started(keep):
    with _runs_lock:
        _runs["active"] += 1
        _runs["kept"] = _runs["kept"] or keep


def _batch_ended():
    with _runs_lock:
        _runs["active"] -= 1
        if _runs["active"] or _runs["kept"]:
            return
        if any(isinstance(p, mp.context.ForkServerProcess) and p.name != WORKER_NAME
               for p in mp.active_children()):
            # The fork server is multiprocessing's, shared: it still serves processes
            # of other code, whose exit codes it reports. It stays.
            return
        server = forkserver._forkserver
        try:
            with server._lock:
                # Its workers have stopped. Told to stop, it would exit as any
                # interpreter does, freeing each object it loaded (langdetect's
                # profiles: 0.4 s, which the caller waited for); it has nothing to save
                # or flush: it ends at once.
                if server._forkserver_pid is not None:
                    os.kill(server._forkserver_pid, signal.SIGTERM)
                server._stop_unlocked()
        except (OSError, ChildProcessError, AttributeError):
            pass


# A worker needs indexer.pool and what indexer.extraction_warm loads, never the caller's
# main module, which multiprocessing imports in each process it starts from a script
# (Python 3.11's fork server never imports it itself, even when asked to preload it):
# the CLI's, the benchmark's, 0.3-0.5 s of imports in each worker before its first
# file. Our workers are started without it.
_starting_worker = threading.local()
_preparation_data = spawn.get_preparation_data


def _preparation_without_main(name):
    data = _preparation_data(name)
    if getattr(_starting_worker, "now", False):
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
    return data


spawn.get_preparation_data = _preparation_without_main


EXTRACTION_NICE = 10
WORKER_NAME = "minamata-extraction"      # (not one of other code's processes)
QUEUED_PER_WORKER = 2     # files sent to a worker at once: the one it reads, the next
KEEP_AFTER_BYTES = 20 * 1024 * 1024


def _size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


class _Worker:
    def __init__(self, ctx, memory_mb, max_pages):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, name=WORKER_NAME,
                                   args=(child, memory_mb, max_pages, os.getpid()),
                                   daemon=True)
        _starting_worker.now = True
        try:
            self.process.start()
        finally:
            _starting_worker.now = False
        child.close()
        # (key, path) given, in order (only the path is sent); the first is being read
        self.tasks = deque()
        self.deadline = None      # ... and must be done by then

    def give(self, key, path, timeout):
        if not self.tasks:
            self.deadline = time.monotonic() + timeout
        self.tasks.append((key, path))
        self.conn.send(str(path))

    def finished(self, timeout):
        """The first task is over: its key."""
        key, _ = self.tasks.popleft()
        # The next one began when this one's result was sent, a little before now.
        self.deadline = time.monotonic() + timeout if self.tasks else None
        return key

    def stop(self, kill=False):
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        self.process.join(5)
        self.conn.close()


class ExtractionPool:
    """Run analyse_pdf over many files in `workers` processes, each under a time limit."""

    def __init__(self, workers=2, timeout=120.0, memory_mb=2048, max_pages=2000,
                 keep=False):
        self.workers = max(1, workers)
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.max_pages = max_pages
        # Not fork: the caller may be a threaded web server. A fork server (a fresh
        # interpreter, started once per caller process) that loaded what a worker needs
        # (indexer.extraction_warm) forks each worker ready to work.
        self.ctx = mp.get_context("forkserver")
        self.ctx.set_forkserver_preload(["indexer.extraction_warm"])
        # With `keep`, idle workers wait for the next call (a server process's uploads):
        # a new one per upload started an interpreter and loaded pypdf and langdetect.
        self.keep = keep
        self._idle = []
        self._lock = threading.Lock()

    def run(self, items):
        """Yield (key, result) for each (key, path); result is a dict or a PdfRefused."""
        pending = list(items)[::-1]
        _batch_started(self.keep)
        workers = []
        # A worker that read a large file keeps the memory it took: not kept.
        keep = self.keep and all(_size(path) < KEEP_AFTER_BYTES for _, path in pending)
        try:
            workers.extend(self._take() for _ in range(min(self.workers, len(pending))))
            yield from self._drive(pending, workers)
        finally:
            for w in workers:
                if keep and not w.tasks and w.process.is_alive():
                    with self._lock:
                        self._idle.append(w)
                else:
                    w.stop(kill=bool(w.tasks))
            _batch_ended()

    def close(self):
        """Stop the idle workers kept for later calls."""
        with self._lock:
            idle, self._idle = self._idle, []
        for w in idle:
            w.stop()

    def _take(self):
        with self._lock:
            while self._idle:
                w = self._idle.pop()
                if w.process.is_alive():
                    return w
                w.conn.close()
        return self._new()

    def analyse(self, path):
        """Analyse one file (in a worker, under the limits); raises PdfRefused."""
        for _, result in self.run([(0, path)]):
            if isinstance(result, PdfRefused):
                raise result
            return result

    def _new(self):
        return _Worker(self.ctx, self.memory_mb, self.max_pages)

    def _drive(self, pending, workers):
        for w in workers:
            self._fill(w, pending)
        while any(w.tasks for w in workers):
            busy = [w for w in workers if w.tasks]
            soonest = min(w.deadline for w in busy)
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                         timeout=max(0.0, soonest - time.monotonic()))
            for i, w in enumerate(workers):
                outcome = self._outcome(w, ready)
                if outcome is None:
                    continue
                outcome, gone = outcome
                if gone or not w.process.is_alive():
                    # The files sent after the one that stopped it were never begun.
                    pending.extend(reversed(w.tasks))
                    w.tasks.clear()
                    w.stop(kill=True)
                    w = workers[i] = self._new()
                # The next files first, then the result: the worker reads them while
                # the caller stores and indexes this one.
                self._fill(w, pending)
                yield outcome

    def _fill(self, w, pending):
        # Each worker holds the next file as well as the one it reads: when it finishes,
        # it goes on at once instead of waiting for the caller (busy storing and indexing
        # another result) to hand it one. That wait idled a quarter of a build's workers.
        while len(w.tasks) < QUEUED_PER_WORKER and pending:
            try:
                w.give(*pending.pop(), self.timeout)
            except OSError:
                # It died after its last result: the next wait reads its end of the
                # pipe closed, and the files given to it go to its successor.
                break

    def _outcome(self, w, ready):
        if not w.tasks:
            return None
        gone = True                       # the worker died, or must be stopped
        if w.conn in ready:
            try:
                status, payload = w.conn.recv()
                gone = False
            except (EOFError, OSError):   # (reset, when files sent to it were unread)
                status, payload = "corrupt", "the PDF reader crashed on this file"
        elif w.process.sentinel in ready:
            status, payload = "corrupt", "the PDF reader crashed on this file"
        elif time.monotonic() >= w.deadline:
            status = "timeout"
            payload = f"reading the PDF took longer than {self.timeout:g} s; it was stopped"
        else:
            return None
        key = w.finished(self.timeout)
        return (key, payload if status == "ok" else PdfRefused(status, payload)), gone
