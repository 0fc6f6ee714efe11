"""One exception tree for the indexer."""
from repo.errors import InvalidInput


class IndexerError(Exception):
    """Base of the indexer's own errors."""


class PdfRefused(InvalidInput):
    """A file was refused as a PDF; `reason` is a short code, the message says why."""

    def __init__(self, reason, message):
        super().__init__(message)
        self.reason = reason


class QueryError(IndexerError):
    """A search query could not be accepted; the message is fit to show a user.

    `code` and `params` let an interface say the same thing in its own language."""

    def __init__(self, message, code="invalid", **params):
        super().__init__(message)
        self.code = code
        self.params = params


class IndexUnavailable(IndexerError):
    """There is no index yet, or it cannot be opened."""
