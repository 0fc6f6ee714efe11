"""A killed writer's helper processes die with it, and its write lock goes with them."""
import os
import signal
import subprocess
import sys
import textwrap
import time

from repo.errors import LockHeld
from repo.lock import write_lock, lock_state
from tests.conftest import ROOT

# A writer that takes the lock, forks a helper the way Whoosh's parallel writer does
# (multiprocessing, fork) and spawns an extraction worker, prints their pids, then waits
# to be killed.
WRITER = textwrap.dedent("""
    import multiprocessing as mp, os, sys, time
    from repo.lock import write_lock
    from repo.lifetime import children_die_with_parent
    from indexer.pool import ExtractionPool, _Worker

    def helper():
        time.sleep(120)

    if __name__ == "__main__":
        with write_lock(sys.argv[1]):
            children_die_with_parent()
            forked = mp.get_context("fork").Process(target=helper)
            forked.start()
            pool = ExtractionPool(1)
            spawned = pool._new()
            print(forked.pid, spawned.process.pid, flush=True)
            time.sleep(120)
""")


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead but not yet reaped by its new parent.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_killed_writer_takes_its_helpers_and_its_lock_with_it(tmp_path):
    lock = tmp_path / "write.lock"
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    writer = subprocess.Popen([sys.executable, str(script), str(lock)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        forked, spawned = map(int, writer.stdout.readline().split())
        assert _alive(forked) and _alive(spawned)
        try:
            with write_lock(lock, timeout=0):
                raise AssertionError("the lock should be held by the writer")
        except LockHeld:
            pass
        state = lock_state(lock)
        assert state.held and state.pid == writer.pid and state.holder_alive
        writer.send_signal(signal.SIGKILL)
        writer.wait(10)
        deadline = time.monotonic() + 10
        while (_alive(forked) or _alive(spawned)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(forked) and not _alive(spawned)
        with write_lock(lock, timeout=5):       # free again: nobody left holding it
            pass
        assert not lock_state(lock).held
    finally:
        writer.kill()


ORPHAN = textwrap.dedent("""
    import os, sys, time
    from repo.lock import write_lock
    with write_lock(sys.argv[1]):
        if os.fork() == 0:          # a child that shares the lock and outlives us
            time.sleep(60)
            os._exit(0)
        print("ready", flush=True)
        time.sleep(60)
""")


def test_check_reports_a_lock_held_by_no_live_writer(tmp_path, settings):
    from indexer.check import check
    from indexer.ingest import Indexer
    ix = Indexer(settings)
    script = tmp_path / "orphan.py"
    script.write_text(ORPHAN)
    writer = subprocess.Popen([sys.executable, str(script), str(ix.repo.lock_path)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert writer.stdout.readline().strip() == "ready"
        report = check(ix.repo, ix.index)
        assert not any("write lock" in p for p in report.problems)
        assert any("a writer" in n for n in report.notes)
        writer.send_signal(signal.SIGKILL)
        writer.wait(10)
        report = check(ix.repo, ix.index)
        assert any(f"pid {writer.pid}" in p and "no longer running" in p
                   for p in report.problems), report.problems
    finally:
        writer.kill()
        subprocess.run(["pkill", "-f", str(script)], check=False)
        ix.close()


RECEIVER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from repo.files import WorkArea
    with WorkArea(Path(sys.argv[1])).folder() as place:
        (place / "upload.pdf").write_bytes(b"%PDF-1.7 " + b"x" * 100_000)
        print(place, flush=True)
        time.sleep(60)
""")


def test_a_killed_uploads_temporary_files_are_found_and_swept(tmp_path, settings):
    from indexer.check import check
    from indexer.ingest import Indexer
    ix = Indexer(settings)
    script = tmp_path / "receiver.py"
    script.write_text(RECEIVER)
    receiver = subprocess.Popen([sys.executable, str(script), str(ix.repo.work_area.root)],
                                cwd=ROOT, stdout=subprocess.PIPE, text=True,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        place = receiver.stdout.readline().strip()
        with ix.repo.work_area.folder() as mine:            # a live upload of our own
            assert ix.repo.work_area.abandoned() == []       # both owners are alive
            receiver.send_signal(signal.SIGKILL)
            receiver.wait(10)
            report = check(ix.repo, ix.index)
            assert any(place in n and "100,009 bytes" in n for n in report.notes), report.notes
            removed = ix.repo.recover()
            assert [str(p) for p in removed] == [place]
            assert mine.is_dir() and not os.path.exists(place)
    finally:
        receiver.kill()
        ix.close()
