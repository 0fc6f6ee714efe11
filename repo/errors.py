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


class LockHeld(RepoError):
    """Another process holds the repository's write lock."""


class Busy(LockHeld):
    """As many requests as may write at once are writing already; try again shortly."""


class ManifestError(RepoError):
    """The documents/ manifest is malformed; the message names the entry."""
