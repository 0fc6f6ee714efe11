"""Every change goes through the Indexer: catalog and audit entry in one transaction, then
the index. A failure before the commit leaves neither; after it, both, and `check` says
the index lags until the next `index`."""
import pytest

import indexer.ingest as ingest
from indexer.check import check
from repo.audit import AuditLog


def _entries(ix, target):
    # The corpus's own loading wrote an "add" for each document: only later entries count.
    return [(e.action, e.target) for e in ix.repo.audit.entries(target=target)
            if e.action != "add"]


CHANGES = [
    ("edit", lambda ix: ix.edit("hanoi-report", {"title": "A corrected title"}, "amina"),
     "hanoi-report", lambda ix: ix.repo.document("hanoi-report").title == "A corrected title"),
    ("event", lambda ix: ix.put_event(_moved(ix), "amina"), "2019-osaka-waste",
     lambda ix: ix.repo.event("2019-osaka-waste").city == "Ōsaka"),
    ("delete", lambda ix: ix.delete("osaka-pres-japan", "amina"), "osaka-pres-japan",
     lambda ix: not ix.repo.has_document("osaka-pres-japan")),
]


def _moved(ix):
    from dataclasses import replace
    return replace(ix.repo.event("2019-osaka-waste"), city="Ōsaka")


@pytest.mark.parametrize("name, change, target, happened", CHANGES, ids=[c[0] for c in CHANGES])
def test_a_failed_audit_write_leaves_no_change(staff_site, monkeypatch, name, change, target,
                                               happened):
    _app, ix = staff_site

    def broken(*args, **kwargs):
        raise RuntimeError("the audit entry could not be written")
    monkeypatch.setattr(AuditLog, "record", broken)
    with pytest.raises(RuntimeError):
        change(ix)
    monkeypatch.undo()
    assert not happened(ix) and _entries(ix, target) == []
    assert check(ix.repo, ix.index, verify_hashes=False).ok


@pytest.mark.parametrize("name, change, target, happened", CHANGES, ids=[c[0] for c in CHANGES])
def test_a_failed_index_update_leaves_the_change_with_its_entry(staff_site, monkeypatch, name,
                                                                change, target, happened):
    _app, ix = staff_site

    def broken(*args, **kwargs):
        raise RuntimeError("the index could not be written")
    monkeypatch.setattr(ingest, "sync", broken)
    with pytest.raises(RuntimeError):
        change(ix)
    monkeypatch.undo()
    assert happened(ix) and len(_entries(ix, target)) == 1
    lagging = check(ix.repo, ix.index, verify_hashes=False)
    assert not lagging.ok and all("index" in p for p in lagging.problems)
    with ix.repo.writing():
        ix.update_index()                     # what `minamata index` does
    assert check(ix.repo, ix.index, verify_hashes=False).ok
