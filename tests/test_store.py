import os
import sqlite3

import pytest

from repo.errors import DuplicateDocument, InvalidInput, LockHeld, UnknownEvent
from repo.lock import write_lock
from repo.models import Document, Event
from repo.store import Repository

KEPT = {"extractor": "test", "page_count": 1, "pages": [{"text": "x", "languages": []}]}


def _event(eid="2020-test"):
    return Event(id=eid, titles={"en": "Test"}, city="Geneva", country="CH", region="weog",
                 start="2020-01-01", end="2020-01-02")


def _doc(repo, path, doc_id="d-1", sha=None):
    from repo.files import sha256_of
    return Document(id=doc_id, event_id="2020-test", type="report", title="T",
                    sha256=sha or sha256_of(path), size=path.stat().st_size,
                    original_name=path.name, page_count=1)


@pytest.fixture
def repo(settings):
    r = Repository(settings)
    r.put_event(_event())
    yield r
    r.close()


def test_add_stores_file_text_and_row(repo, samples):
    path = samples / "good.pdf"
    doc = repo.add_document(_doc(repo, path), path, KEPT)
    assert repo.pdf_path(doc).read_bytes() == path.read_bytes()
    assert repo.text(doc) == KEPT
    assert repo.document("d-1").sha256 == doc.sha256
    assert doc.added_at


def test_same_file_twice_is_refused_and_stored_once(repo, samples):
    path = samples / "good.pdf"
    repo.add_document(_doc(repo, path), path, KEPT)
    with pytest.raises(DuplicateDocument) as e:
        repo.add_document(_doc(repo, path, "d-2"), path, KEPT)
    assert e.value.existing_id == "d-1"
    assert len(repo.pdfs.hashes()) == 1 and len(repo.documents()) == 1


def test_unknown_event_and_type_refused(repo, samples):
    path = samples / "good.pdf"
    doc = _doc(repo, path)
    doc.event_id = "nope"
    with pytest.raises(UnknownEvent):
        repo.add_document(doc, path, KEPT)
    doc = _doc(repo, path)
    doc.type = "memo"
    with pytest.raises(InvalidInput, match="unknown document type"):
        repo.add_document(doc, path, KEPT)
    assert repo.pdfs.hashes() == set()


def test_recover_removes_orphans_and_temporary_files(repo, samples):
    path = samples / "good.pdf"
    repo.pdfs.put(path, "ab" * 32)                 # as if a writer died before its row
    tmp = repo.pdfs.root / "ab" / ".tmp-dead"
    tmp.write_bytes(b"half")
    removed = repo.recover()
    assert repo.pdfs.hashes() == set() and not tmp.exists() and len(removed) == 2


def test_remove_deletes_row_then_files(repo, samples):
    path = samples / "good.pdf"
    doc = repo.add_document(_doc(repo, path), path, KEPT)
    repo.remove_document(doc.id)
    assert repo.documents() == [] and not repo.pdf_path(doc).exists()


def test_catalog_transaction_rolls_back(repo):
    with pytest.raises(RuntimeError):
        with repo.catalog.transaction():
            repo.catalog.put_event(_event("2021-other"))
            raise RuntimeError("boom")
    assert [e.id for e in repo.events()] == ["2020-test"]


def test_second_writer_gets_a_clear_error(settings, tmp_path):
    lock = tmp_path / "w.lock"
    with write_lock(lock):
        # A lock taken by another open file description conflicts, as another process's.
        with pytest.raises(LockHeld, match="another process .*pid %d" % os.getpid()):
            with write_lock(lock, timeout=0.2):
                pass


def test_event_id_validated(repo):
    with pytest.raises(InvalidInput, match="event id"):
        repo.put_event(_event("Bad Id!"))


def test_new_document_ids_are_readable_and_unique(repo, samples):
    path = samples / "good.pdf"
    first = repo.new_document_id("2020-test", "chair_summary")
    assert first == "2020-test-chair-summary-1"
    doc = _doc(repo, path, first)
    repo.add_document(doc, path, KEPT)
    assert repo.new_document_id("2020-test", "chair_summary") == "2020-test-chair-summary-2"


def test_catalog_is_plain_sqlite(repo, settings):
    rows = sqlite3.connect(settings.data_dir / "catalog.sqlite").execute(
        "SELECT id, city FROM events").fetchall()
    assert rows == [("2020-test", "Geneva")]


def test_data_directory_and_catalog_are_owner_only(settings):
    import stat
    from repo.store import Repository
    repo = Repository(settings)
    repo.accounts.add("amina", "a long enough password", "editor")
    assert stat.S_IMODE(settings.data_dir.stat().st_mode) & 0o077 == 0
    for name in ("catalog.sqlite", "catalog.sqlite-wal"):
        path = settings.data_dir / name
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, name
    repo.close()


def test_a_sweep_racing_an_owner_removing_its_folder_is_harmless(tmp_path, monkeypatch):
    from repo.files import WorkArea
    area = WorkArea(tmp_path / "tmp")
    with area.folder() as place:
        (place / "upload.pdf").write_bytes(b"%PDF-1.4 x")
    place.mkdir()                    # as the owner's rmtree leaves it: claim gone first...
    real_stat = type(place).stat

    def vanished(self, *args, **kwargs):
        if self == place:            # ...and the folder itself gone by the time we look
            raise FileNotFoundError(str(self))
        return real_stat(self, *args, **kwargs)
    monkeypatch.setattr(type(place), "stat", vanished)
    assert area.sweep() == [] and area.abandoned() == []


def test_a_sweep_while_an_owner_takes_its_claim_leaves_the_folder(tmp_path, monkeypatch):
    # The claim file existed, unlocked, for a moment before its lock: a sweep then removed
    # a live upload's folder ("upload.pdf" not found, 2 of 120 uploads under load).
    import fcntl as real_fcntl
    from repo import files
    area = files.WorkArea(tmp_path / "tmp")
    swept = []

    real_flock = real_fcntl.flock

    def flock_after_a_sweep(fd, op):
        if not swept:
            swept.append(None)
            monkeypatch.setattr(files.fcntl, "flock", real_flock)
            swept[0] = area.sweep()             # another process sweeps right now
        return real_flock(fd, op)
    monkeypatch.setattr(files.fcntl, "flock", flock_after_a_sweep)
    with area.folder() as place:
        assert place.is_dir()
        (place / "upload.pdf").write_bytes(b"%PDF-1.4 x")
        assert area.sweep() == []
    assert swept == [[]]
