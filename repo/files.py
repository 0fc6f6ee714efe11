"""Content-addressed file storage with atomic writes.

A file is written to a temporary name in the same directory, flushed to disk, then
renamed into place: a reader (or a crash) sees the whole file or nothing.
"""
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from repo.lock import someone_holds

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


def copy_file(source, target):
    """Copy a file to `target` atomically (see atomic_write), in chunks."""
    def copy(out):
        with open(source, "rb") as src:
            for chunk in iter(lambda: src.read(CHUNK), b""):
                out.write(chunk)
    atomic_write(target, copy)


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
        copy_file(source_path, self.path(sha))
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


def _size_of(folder):
    """Bytes of the files under a folder (files vanishing meanwhile count 0)."""
    total = 0
    for path in folder.rglob("*"):
        try:
            total += path.stat().st_size if path.is_file() else 0
        except FileNotFoundError:
            pass
    return total


class WorkArea:
    """Temporary folders for files on their way in (uploads), all under one place
    (data_dir/tmp). Each is claimed by its owner with a file lock the kernel drops when
    the owner dies, so the folders of killed processes are found and removed (`sweep`)
    without ever touching a live one."""

    CLAIM = ".owner"

    def __init__(self, root):
        self.root = Path(root)

    @contextmanager
    def folder(self):
        """A new folder, claimed for the block and removed after it."""
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        place = Path(tempfile.mkdtemp(dir=self.root, prefix="in-"))
        # The claim is locked under another name and then renamed into place: a sweep
        # between its creation and its lock took an unlocked claim for a dead owner's and
        # removed a live upload's folder (seen under load: "upload.pdf" not found).
        fd = os.open(place / ".claiming", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.rename(place / ".claiming", place / self.CLAIM)
            yield place
        finally:
            shutil.rmtree(place, ignore_errors=True)
            os.close(fd)

    def abandoned(self):
        """[(folder, bytes)] of folders whose owner is gone."""
        out = []
        for place in sorted(self.root.glob("in-*")) if self.root.is_dir() else []:
            if self._unclaimed(place):
                out.append((place, _size_of(place)))
        return out

    def sweep(self):
        """Remove the folders of owners that died; returns them."""
        gone = []
        for place, _size in self.abandoned():
            shutil.rmtree(place, ignore_errors=True)
            gone.append(place)
        return gone

    def _unclaimed(self, place):
        held = someone_holds(place / self.CLAIM)
        if held is not None:
            return not held
        # Between mkdtemp and the claim, or a claim never made: old ones only. Or its
        # owner is removing it right now (the claim goes first): nothing to do.
        try:
            return time.time() - place.stat().st_mtime > 3600
        except FileNotFoundError:
            return False


class OcrStore(ContentStore):
    """What OCR read from a stored PDF's scanned pages (derived, kept so that neither a
    rebuild nor a restart reads a scan twice), and the searchable copy it made: a PDF
    with a text layer on those pages. Keyed, like the kept text, by the PDF's hash."""

    def __init__(self, root):
        super().__init__(root, ".json")

    def put(self, sha, payload, copy_from=None):
        """Keep an OCR result (JSON-ready dict) and, if given, its searchable copy. The
        copy goes first: a result on disk always has its copy beside it."""
        if copy_from is not None:
            copy_file(copy_from, self.copy_path(sha))
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        atomic_write(self.path(sha), lambda f: f.write(data))

    def get(self, sha):
        """The kept OCR result for that hash, or None."""
        try:
            with open(self.path(sha), encoding="utf-8") as f:
                return json.load(f)
        except FileNotFoundError:
            return None

    def copy_path(self, sha):
        """Where the searchable copy of the PDF with that hash lives."""
        return self.root / sha[:2] / f"{sha}.searchable.pdf"

    def has_copy(self, sha):
        """Whether a searchable copy is kept."""
        return self.copy_path(sha).is_file()

    def remove(self, sha):
        """Delete the result and its copy."""
        self.path(sha).unlink(missing_ok=True)
        self.copy_path(sha).unlink(missing_ok=True)

    def hashes(self):
        """Hashes with a kept result or copy."""
        return super().hashes() | {p.name.split(".")[0]
                                   for p in self.root.glob("*/*.searchable.pdf")}
