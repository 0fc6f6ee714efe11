"""The documents/ manifest: the events and documents we ship, as one JSON file."""
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from repo.errors import ManifestError
from repo.models import DOCUMENT_TYPES, Event, clean_symbol

# UN regional groups, by the slug used in data and URLs.
UN_REGIONS = {"africa": "Africa", "asia-pacific": "Asia-Pacific",
              "eastern-europe": "Eastern Europe",
              "latin-america-caribbean": "Latin America and the Caribbean",
              "weog": "Western European and other States"}
_EVENT_FIELDS = {"id", "titles", "city", "country", "region", "start", "end", "organisers",
                 "funders", "topics", "participants", "descriptions", "expected"}
_DOC_FIELDS = {"id", "event", "type", "title", "language", "note", "file", "version_of",
               "symbol"}


@dataclass
class ManifestDocument:
    """One shipped document as the manifest declares it."""

    id: str
    event: str
    type: str
    title: str
    language: str
    note: str
    file: Path
    version_of: str = ""          # the manifest document it is a language version of
    symbol: str = ""              # its official document symbol, if it has one


@dataclass
class Manifest:
    """The events and documents of a manifest file.

    `collection` names the set of documents the manifest owns: loading it removes only
    documents of the same collection that it no longer lists, never those of another
    manifest or those added by hand."""

    events: list
    documents: list
    collection: str = "documents"

    @property
    def origin(self):
        """The `origin` recorded on the documents this manifest adds."""
        return f"manifest:{self.collection}"


def load_manifest(path):
    """Read and validate a manifest; a broken entry raises ManifestError naming it."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ManifestError(f"{path}: cannot read the manifest: {e}") from e
    events = [_event(entry, i) for i, entry in enumerate(data.get("events", []))]
    ids = {e.id for e in events}
    docs = [_document(entry, i, path.parent, ids) for i, entry in enumerate(data.get("documents", []))]
    _unique([e.id for e in events], "event")
    _unique([d.id for d in docs], "document")
    _check_versions(docs)
    collection = data.get("collection", "documents")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", str(collection)):
        raise ManifestError(f"collection {collection!r}: use lower-case letters, digits, hyphens")
    return Manifest(events, docs, collection)


def _event(entry, i):
    where = f"events[{i}] ({entry.get('id', '?')})"
    _fields(entry, _EVENT_FIELDS, {"id", "titles", "city", "country", "region", "start", "end"},
            where)
    if not re.fullmatch(r"[A-Z]{2}", entry["country"]):
        raise ManifestError(f"{where}: country must be an ISO 3166 alpha-2 code")
    if entry["region"] not in UN_REGIONS:
        raise ManifestError(f"{where}: region must be one of {', '.join(UN_REGIONS)}")
    start, end = (_iso_date(entry[k], where) for k in ("start", "end"))
    if end < start:
        raise ManifestError(f"{where}: ends before it starts")
    return Event(**{k: entry[k] for k in entry})


def _document(entry, i, base, event_ids):
    where = f"documents[{i}] ({entry.get('id', '?')})"
    _fields(entry, _DOC_FIELDS, {"id", "event", "type", "title", "file"}, where)
    if entry["event"] not in event_ids:
        raise ManifestError(f"{where}: unknown event {entry['event']!r}")
    if entry["type"] not in DOCUMENT_TYPES:
        raise ManifestError(f"{where}: unknown type {entry['type']!r}")
    file = base / entry["file"]
    if not file.is_file():
        raise ManifestError(f"{where}: file {entry['file']} is missing")
    try:
        symbol = clean_symbol(entry.get("symbol", ""))
    except ValueError as e:
        raise ManifestError(f"{where}: {e}") from None
    return ManifestDocument(entry["id"], entry["event"], entry["type"], entry["title"],
                            entry.get("language", ""), entry.get("note", ""), file,
                            entry.get("version_of", ""), symbol)


def _check_versions(docs):
    by_id = {d.id: d for d in docs}
    for doc in docs:
        if not doc.version_of:
            continue
        target = by_id.get(doc.version_of)
        where = f"document {doc.id!r}: version_of {doc.version_of!r}"
        if target is None:
            raise ManifestError(f"{where} is not a document of this manifest")
        if target.version_of or target.id == doc.id:
            raise ManifestError(f"{where} is itself a version of another; name the first "
                                f"version of the work")
        if target.event != doc.event:
            raise ManifestError(f"{where} belongs to another event")


def _fields(entry, allowed, required, where):
    unknown = set(entry) - allowed
    missing = required - set(entry)
    if unknown:
        raise ManifestError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    if missing:
        raise ManifestError(f"{where}: missing field(s) {', '.join(sorted(missing))}")


def _iso_date(value, where):
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ManifestError(f"{where}: {value!r} is not an ISO date (YYYY-MM-DD)") from None


def _unique(ids, kind):
    seen = set()
    for i in ids:
        if i in seen:
            raise ManifestError(f"duplicate {kind} id {i!r}")
        seen.add(i)
