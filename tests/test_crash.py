"""A writer killed at each step of `add` or `index` leaves a consistent store."""
import json
import os

import pytest

from tests.conftest import MANIFEST, copy_corpus, run_cli


def _killed(point, *args):
    env = dict(os.environ, MINAMATA_CRASH_AT=point)
    result = run_cli(*args, env=env, check=False)
    assert result.returncode == 86, result.stderr     # it really died at that point
    return result


def _check(data):
    return json.loads(run_cli("--data", str(data), "check", "--json", check=False).stdout)


@pytest.fixture
def data(tmp_path):
    d = tmp_path / "data"
    run_cli("--data", str(d), "index", "--manifest", str(MANIFEST))
    return d


@pytest.mark.parametrize("point, stored", [("after_pdf", False), ("after_text", False),
                                           ("after_catalog", True), ("during_index", True)])
def test_add_killed_at_each_step(data, samples, point, stored):
    _killed(point, "--data", str(data), "add", str(samples / "good.pdf"), "--event",
            "2019-hanoi-coal", "--type", "report")
    report = _check(data)
    # The store itself (catalog, files, text) never disagrees: no row without its file.
    assert not [p for p in report["problems"] if "missing" in p or "checksum" in p]
    if stored:
        # The row was committed; only the index lags, and check says exactly that.
        assert report["problems"] == ["2019-hanoi-coal-report-1: not in the search index "
                                      "(run `minamata index`)"]
    else:
        assert report["ok"], report            # as if the add had never happened
    # The next writer finishes or undoes the interrupted add, and all agrees again.
    run_cli("--data", str(data), "index", "--no-manifest")
    after = _check(data)
    assert after["ok"] and not after["notes"], after
    hits = json.loads(run_cli("--data", str(data), "search", "inventory releases",
                              "--json").stdout)["hits"]
    assert ("2019-hanoi-coal-report-1" in [h["id"] for h in hits]) == stored


def test_index_killed_mid_write_keeps_the_old_index_live(tmp_path):
    manifest = copy_corpus(tmp_path / "documents")
    data = tmp_path / "data"
    run_cli("--data", str(data), "index", "--manifest", str(manifest))
    m = json.loads(manifest.read_text())
    m["documents"][0]["title"] = "Retitled while the index was being written"
    manifest.write_text(json.dumps(m))
    _killed("during_index", "--data", str(data), "index", "--manifest", str(manifest))
    # Searches still work on the last committed index.
    assert json.loads(run_cli("--data", str(data), "search", "mercury", "--json").stdout)["total"]
    run_cli("--data", str(data), "index", "--manifest", str(manifest))
    assert _check(data)["ok"]
    hits = json.loads(run_cli("--data", str(data), "search", "retitled", "--json").stdout)["hits"]
    assert [h["id"] for h in hits] == [m["documents"][0]["id"]]


def test_rebuild_killed_mid_write_leaves_the_live_index(data):
    _killed("during_index", "--data", str(data), "index", "--no-manifest", "--rebuild")
    report = _check(data)
    # Consistent; and `check` says what the dead rebuild left and who removes it.
    assert report["ok"] and [n for n in report["notes"]
                             if "left by a rebuild that did not finish" in n]
    run_cli("--data", str(data), "index", "--no-manifest")
    assert len(list((data / "index").glob("ix-*"))) == 1
    assert not _check(data)["notes"]


def _spawned_workers():
    from tests.conftest import processes_with
    return processes_with(b"spawn_main")


def test_a_two_process_tantivy_rebuild_killed_leaves_no_process_behind(data):
    # The rebuild's analysing processes die with it (no orphans holding memory), and the
    # live index stays as it was.
    import time
    run_cli("--data", str(data), "index", "--no-manifest", "--rebuild", "--engine", "tantivy")
    before = _spawned_workers()
    env = dict(os.environ, MINAMATA_CRASH_AT="during_index", MINAMATA_WORKERS="2")
    result = run_cli("--data", str(data), "index", "--no-manifest", "--rebuild", env=env,
                     check=False)
    assert result.returncode == 86, result.stderr
    for _ in range(50):
        left = _spawned_workers() - before
        if not left:
            break
        time.sleep(0.1)
    assert not left
    assert _check(data)["ok"]


def test_check_does_not_call_a_rebuild_at_work_unfinished(data):
    # While a writer holds the lock, the directory beside the live index may be the
    # rebuild it is writing: no note. Once nobody writes, it is a leftover: a note.
    from indexer.check import check
    from indexer.ingest import Indexer
    from repo.settings import Settings
    ix = Indexer(Settings.from_env(environ={}, data_dir=data, workers=1))
    (data / "index" / "ix-20990101-000000-000000000").mkdir()
    with ix.repo.writing():
        assert not [n for n in check(ix.repo, ix.index, verify_hashes=False).notes
                    if "rebuild" in n]
    notes = check(ix.repo, ix.index, verify_hashes=False).notes
    assert [n for n in notes if n.startswith("index/ix-20990101-000000-000000000: 0 bytes")]
