"""The repository's one write lock: a POSIX file lock that dies with its holder."""
import fcntl
import os
import time
from contextlib import contextmanager

from repo.errors import LockHeld


@contextmanager
def write_lock(path, timeout=0.0):
    """Hold an exclusive lock on `path` for the block, waiting up to `timeout` seconds.

    The kernel releases a flock when its process dies, so a crashed writer never leaves
    a stale lock behind.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
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
