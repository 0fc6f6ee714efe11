"""The document store and catalog: events, documents, their files and kept text.

Knows nothing of search engines or web frameworks. The catalog (SQLite) and the stored
PDF files are the source of truth; extracted text and the search index are derived.
"""
from repo.errors import (  # noqa: F401
    RepoError, NotFound, UnknownEvent, UnknownDocument, InvalidInput, DuplicateDocument,
    LockHeld, ManifestError,
)
from repo.models import Event, Document, DOCUMENT_TYPES  # noqa: F401
from repo.settings import Settings  # noqa: F401
from repo.store import Repository  # noqa: F401
