"""Child processes die with their parent.

A writer's helpers (Whoosh's indexing processes during a rebuild, the extraction
workers) share the write lock's open file when they are forked. If the writer is killed
(`kill -9`, the OOM killer) they lived on, holding the lock and blocking every write until
someone found them. Linux's PR_SET_PDEATHSIG has the kernel kill them with it instead.
A fork server's children (indexer.pool's workers) have the fork server as their parent:
`die_with` has them watch the process they work for.
"""
import ctypes
import os
import select
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1
_installed = False
_forking_pid = None


def _find_prctl():
    # Looked up once, at import: a child between fork and exec (subprocess's preexec_fn,
    # forked from a threaded process) must not call dlopen, which may hold a lock.
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_prctl = _find_prctl()


def die_with_parent(parent_pid=None):
    """Ask the kernel to SIGKILL this process when its parent dies; exit at once if the
    parent (`parent_pid`) is already gone, as it may die before the request. No-op where
    the kernel has no such request (not Linux)."""
    if _prctl is None:
        return
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)


def _before_fork():
    global _forking_pid
    _forking_pid = os.getpid()


def _after_fork_in_child():
    die_with_parent(_forking_pid)


def children_die_with_parent():
    """From now on, every process this one forks (multiprocessing's fork start method, as
    Whoosh's parallel writer uses) dies with it. Idempotent."""
    global _installed
    if not _installed:
        _installed = True
        os.register_at_fork(before=_before_fork, after_in_child=_after_fork_in_child)


def die_with(pid):
    """Exit this process as soon as process `pid` (not its parent: a fork server's
    worker's caller) has gone: a daemon thread waits on a pidfd of it (or, where there
    is none, asks every second). Exits at once if it is gone already."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):
        fd = None

    def watch():
        if fd is not None:
            select.select([fd], [], [])          # readable when the process has exited
        else:
            while running(pid):
                time.sleep(1.0)
        os._exit(1)
    threading.Thread(target=watch, name=f"die-with-{pid}", daemon=True).start()


def running(pid):
    """Whether a process with this pid exists (ours or another user's)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
