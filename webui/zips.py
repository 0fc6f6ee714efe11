"""ZIP archives of documents (an event's, a search's results), streamed with zipstream-ng.

An archive is never built in memory or on disk: the PDFs are read from the store as the
answer is sent. They are stored uncompressed (deflate gains next to nothing on PDFs, whose
streams are compressed already), which also lets the archive's length be known before
the first byte, so the browser shows a real progress bar.
"""
import csv
import hashlib
import io
import os
import re
import unicodedata
from dataclasses import dataclass

from zipstream import ZIP_STORED, ZipStream

INDEX_NAME = "index.csv"
MAX_NAME_CHARS = 80          # of the symbol or title part of a file name
MAX_NAME_BYTES = 160         # ... in UTF-8: with its suffix, under the 255 of filesystems
MIB = 1024 * 1024
CHUNK = 256 * 1024


@dataclass
class Archive:
    """The documents one archive holds, in order, and how many were asked for."""

    docs: list
    available: int            # documents (or search results) before any cap

    @property
    def size(self):
        """Bytes of the PDFs (the archive adds a few hundred bytes a file)."""
        return sum(d.size for d in self.docs)

    @property
    def truncated(self):
        """Whether a cap left documents out."""
        return len(self.docs) < self.available

    @property
    def staff_only(self):
        """Whether it holds a draft or retracted document, which only staff may see."""
        return any(not d.is_public for d in self.docs)


def capped(docs, available, max_docs, max_bytes):
    """The first documents of `docs` within both caps: an archive of 'the first N'."""
    kept, total = [], 0
    for doc in docs[:max_docs]:
        if total + doc.size > max_bytes:
            break
        kept.append(doc)
        total += doc.size
    return Archive(kept, available)


def entry_names(docs):
    """A file name for each document: its symbol (`/` made `-`) or its shortened title,
    with its languages: `UNEP-MC-WS.2019-HAN-1 (en).pdf`. Safe on every system (no
    path, no reserved character) and unique, ignoring case, as Windows and macOS do."""
    names, taken = [], {INDEX_NAME.casefold()}
    for doc in docs:
        stem = _safe(doc.symbol.replace("/", "-")) if doc.symbol else _short(_safe(doc.title))
        stem = stem or doc.id
        languages = [lang for lang in doc.languages if lang != "und"]
        suffix = f" ({', '.join(languages)})" if languages else ""
        name, n = f"{stem}{suffix}.pdf", 2
        while name.casefold() in taken:
            name, n = f"{stem}{suffix} ({n}).pdf", n + 1
        taken.add(name.casefold())
        names.append(name)
    return names


# Characters Windows refuses in a name, and path separators; a colon reads as a dash.
_REPLACED = {":": " -", "/": "-", "\\": "-", "|": "-", '"': "'", "*": "", "?": "",
             "<": "", ">": ""}


def _safe(text):
    text = unicodedata.normalize("NFC", text or "")
    # Tabs and line breaks are spaces; other controls (and unassigned code points) go.
    text = "".join(" " if c.isspace() else _REPLACED.get(c, c) for c in text
                   if c.isspace() or unicodedata.category(c)[0] != "C")
    text = re.sub(r"\s+", " ", text)
    # No hidden file (a leading dot) and no name Windows trims (a trailing dot or space).
    return text.strip(" .-")


def _short(text):
    if len(text) <= MAX_NAME_CHARS and len(text.encode()) <= MAX_NAME_BYTES:
        return text
    cut = text[:MAX_NAME_CHARS]
    while len(cut.encode()) > MAX_NAME_BYTES:
        cut = cut[:-1]
    # At a word's end when there is one in the second half.
    space = cut.rfind(" ")
    if space > len(cut) // 2:
        cut = cut[:space]
    return cut.rstrip(" .,;:-") + "…"


def index_csv(docs, names, page_url):
    """The archive's index, UTF-8 with a byte-order mark (so spreadsheets read it as
    UTF-8): one row per file. `page_url(doc)` is the document's page address."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["file", "title", "symbol", "type", "languages", "event", "status",
                     "url"])
    for doc, name in zip(docs, names):
        writer.writerow([_cell(v) for v in (name, doc.title, doc.symbol, doc.type,
                                             " ".join(doc.languages), doc.event_id,
                                             doc.status, page_url(doc))])
    return "\ufeff" + out.getvalue()


def _cell(value):
    # A spreadsheet runs a cell beginning with = + - @ as a formula: such text (a title
    # is free text) is quoted the way spreadsheets themselves quote it.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def stream(entries, index_text):
    """A sized ZipStream: the index first, then each (path, name), stored uncompressed.
    Every file is opened now: a document deleted while the archive streams (its file
    unlinked) is still read whole from the open file, never cut short mid-download."""
    archive = ZipStream(compress_type=ZIP_STORED, sized=True)
    archive.add(index_text.encode("utf-8"), INDEX_NAME)
    for path, name in entries:
        handle = open(path, "rb")
        archive.add(_chunks(handle), name, size=os.fstat(handle.fileno()).st_size)
    return archive


def _chunks(handle):
    """The file's bytes in chunks; the file is closed at the end (or when the download
    is abandoned and the generator collected)."""
    try:
        yield from iter(lambda: handle.read(CHUNK), b"")
    finally:
        handle.close()


def etag(docs, index_text):
    """A tag of the archive's contents: its files' hashes and its index. (Weak: the
    entries' dates may differ from one answer to the next, the files never.)"""
    digest = hashlib.sha256(index_text.encode("utf-8"))
    for doc in docs:
        digest.update(doc.sha256.encode())
    return digest.hexdigest()[:32]
