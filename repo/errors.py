"""One exception tree for the store: every refusal says what was wrong with which input."""


class RepoError(Exception):
    """Base of every error the store raises."""


class NotFound(RepoError):
    """A thing asked for by id does not exist."""


class UnknownEvent(NotFound):
    """No event has that id."""


class UnknownDocument(NotFound):
    """No document has that id."""


class InvalidInput(RepoError):
    """An input (file, field value) was refused; the message says why."""


class DuplicateDocument(InvalidInput):
    """The same file (by content) is already stored as another document."""

    def __init__(self, message, existing_id):
        super().__init__(message)
        self.existing_id = existing_id


class VersionRefused(InvalidInput):
    """A document cannot be recorded as a language version of that one; `reason` says
    why: unknown (no such document), other_event, itself."""

    def __init__(self, message, reason):
        super().__init__(message)
        self.reason = reason


class LockHeld(RepoError):
    """Another process holds the repository's write lock."""


class Busy(LockHeld):
    """As many requests as may write at once are writing already; try again shortly."""


class ManifestError(RepoError):
    """The documents/ manifest is malformed; the message names the entry."""


DISK_FULL = ("the disk is full: nothing was saved (the repository is as it was); free some "
             "space, then try again")


def is_disk_full(exc):
    """Whether an exception (or one it was raised from) says the disk is full: an OSError
    ENOSPC or EDQUOT, or SQLite's "database or disk is full"."""
    import errno
    import sqlite3
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if isinstance(exc, sqlite3.OperationalError) and "disk is full" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False
