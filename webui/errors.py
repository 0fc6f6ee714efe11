"""One table from the errors of the store and the indexer to what the web says: an HTTP
status and a message in the interface language. Every view that writes answers a refused
or impossible change through it, so "the repository is busy" is a 503 everywhere (with
Retry-After), a refused file a 400, a duplicate a 409, a full disk a 507.
"""
from dataclasses import dataclass

from flask_babel import gettext as _

from indexer.errors import PdfRefused
from repo.errors import (Busy, DISK_FULL, DuplicateDocument, InvalidInput, LockHeld,
                         NotFound, is_disk_full)

RETRY_AFTER = 5          # seconds a client is asked to wait when the repository is busy


@dataclass(frozen=True)
class WebError:
    """What to answer for an error: status, message, and whether to ask for a retry."""

    status: int
    message: str
    retry: bool = False

    @property
    def headers(self):
        """Response headers that go with it (Retry-After when busy)."""
        return {"Retry-After": str(RETRY_AFTER)} if self.retry else {}


def refusal_message(error):
    """Why a file was refused, in the interface language."""
    if isinstance(error, DuplicateDocument):
        return _("This file is already in the repository.")
    reasons = {
        "empty": _("The file is empty."),
        "not_pdf": _("The file is not a PDF."),
        "corrupt": _("The PDF is damaged and cannot be read."),
        "encrypted": _("The PDF is password-protected; upload it without a password."),
        "too_large": _("The file is larger than the limit."),
        "too_many_pages": _("The PDF has more pages than the limit."),
        "timeout": _("Reading the PDF took too long; it was stopped."),
    }
    return reasons.get(getattr(error, "reason", None), str(error))


def version_refusal(error, target_id):
    """Why a document cannot be a language version of `target_id` (a VersionRefused),
    in the interface language."""
    if error.reason == "unknown":
        return _("There is no document with the id %(id)s.", id=target_id)
    if error.reason == "itself":
        return _("A document cannot be a language version of itself.")
    return _("Language versions belong to the same event: %(id)s is a document of another "
             "event.", id=target_id)


def _busy(_e):
    return _("The repository is busy; please try again in a minute.")


# Most specific first: Busy is a LockHeld, DuplicateDocument an InvalidInput.
_TABLE = (
    (Busy, 503, _busy, True),
    (LockHeld, 503, _busy, True),
    (DuplicateDocument, 409, refusal_message, False),
    (PdfRefused, 400, refusal_message, False),
    (InvalidInput, 400, str, False),
    (NotFound, 404, str, False),
)
ERRORS = tuple(kind for kind, *_rest in _TABLE) + (OSError,)


def web_error(error):
    """The WebError for an error of the store or the indexer (a full disk: 507); any
    other error is not ours to explain and is raised again."""
    for kind, status, message, retry in _TABLE:
        if isinstance(error, kind):
            return WebError(status, message(error), retry)
    if is_disk_full(error):
        return WebError(507, DISK_FULL)
    raise error
