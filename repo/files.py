"""Content-addressed file storage with atomic writes.

A file is written to a temporary name in the same directory, flushed to disk, then
renamed into place: a reader (or a crash) sees the whole file or nothing.
"""
import hashlib
import json
import os
import tempfile
from pathlib import Path

CHUNK = 1024 * 1024


def sha256_of(path):
    """The hex SHA-256 of a file's content, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def atomic_write(target, write):
    """Call write(fileobj) on a temporary file, fsync, then rename it to `target`."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


def _fsync_dir(directory):
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ContentStore:
    """Files kept under root/ab/abcdef...<suffix>, named by their SHA-256."""

    def __init__(self, root, suffix):
        self.root = Path(root)
        self.suffix = suffix
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, sha):
        """Where the file with that hash lives (whether or not it exists)."""
        return self.root / sha[:2] / f"{sha}{self.suffix}"

    def exists(self, sha):
        """Whether a file with that hash is stored."""
        return self.path(sha).is_file()

    def remove(self, sha):
        """Delete the stored file, if any."""
        self.path(sha).unlink(missing_ok=True)

    def hashes(self):
        """The hashes of every stored file."""
        return {p.name[: -len(self.suffix)] for p in self.root.glob(f"*/*{self.suffix}")}

    def leftovers(self):
        """Temporary files left by a writer that died before its rename."""
        return list(self.root.glob("*/.tmp-*"))


class PdfStore(ContentStore):
    """The stored PDFs, the source of truth next to the catalog."""

    def __init__(self, root):
        super().__init__(root, ".pdf")

    def put(self, source_path, sha):
        """Copy a file in under its hash (a no-op when already there)."""
        if self.exists(sha):
            return self.path(sha)

        def copy(out):
            with open(source_path, "rb") as src:
                for chunk in iter(lambda: src.read(CHUNK), b""):
                    out.write(chunk)
        atomic_write(self.path(sha), copy)
        return self.path(sha)


class TextStore(ContentStore):
    """Text extracted from each stored PDF, kept so the index never re-parses a PDF."""

    def __init__(self, root):
        super().__init__(root, ".json")

    def put(self, sha, payload):
        """Keep the extraction result (a JSON-ready dict) for the PDF with that hash."""
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        atomic_write(self.path(sha), lambda f: f.write(data))

    def get(self, sha):
        """The kept extraction result for that hash."""
        with open(self.path(sha), encoding="utf-8") as f:
            return json.load(f)
