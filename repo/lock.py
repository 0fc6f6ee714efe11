"""The repository's one write lock: a POSIX file lock that dies with its holder."""
import fcntl
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass

from repo.errors import LockHeld
from repo.lifetime import running


@contextmanager
def write_lock(path, timeout=0.0):
    """Hold an exclusive lock on `path` for the block, waiting up to `timeout` seconds.

    The kernel releases a flock when its process dies, so a crashed writer never leaves
    a stale lock behind.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _acquire(fd, path, timeout)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        os.close(fd)    # closing the descriptor releases the lock


def _acquire(fd, path, timeout):
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                holder = _holder(path)
                raise LockHeld(
                    f"another process{holder} is writing to the repository; "
                    "try again when it has finished") from None
            time.sleep(0.1)


def _holder(path):
    try:
        pid = open(path).read().strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid else ""


@dataclass
class LockState:
    """Whether the write lock is held now, by which recorded writer, and whether that
    writer is still running (a lock held with no live writer means its orphans hold it)."""

    held: bool
    pid: int = 0
    holder_alive: bool = False


def lock_state(path):
    """The write lock's state, without waiting and without taking it for long."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return LockState(False)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            raw = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            pid = int(raw) if raw.isdigit() else 0
            return LockState(True, pid, pid > 0 and running(pid))
        return LockState(False)
    finally:
        os.close(fd)


class Presence:
    """Processes of one kind (the background workers) say they are running by holding a
    shared lock on a file, which the kernel drops when they die; anyone can ask whether
    one is running, without a pid file to go stale."""

    def __init__(self, path):
        self.path = path

    @contextmanager
    def held(self):
        """Be present for the block."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            yield
        finally:
            os.close(fd)

    def anyone(self):
        """Whether a process is present now."""
        return bool(someone_holds(self.path))


def someone_holds(path):
    """Whether a live process holds a lock (shared or exclusive) on the file at `path`:
    True or False, or None when there is no such file. Asked without waiting; the probe's
    own lock, if it got one, is let go at once."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
