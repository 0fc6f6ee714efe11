"""A web server hands its uploads' index updates to the background worker (Whoosh then
writes in the worker's process, not among the searching threads), and answers once the
document is searchable; without a worker, or with one that does not answer, it indexes
the upload itself."""
import io
import os
import re
import signal
import subprocess
import sys
import time

import pytest

import indexer.ingest as ingest
from tests.conftest import ROOT, make_pdf, signed_in

pytestmark = pytest.mark.slow


def _upload(client, pdf, title):
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/staff/upload").get_data(as_text=True)).group(1)
    return client.post("/staff/upload", data={
        "csrf_token": token, "event": "2019-osaka-waste", "type": "report",
        "status": "published", "title": title,
        "files": [(io.BytesIO(pdf.read_bytes()), "r.pdf")]},
        content_type="multipart/form-data")


def _worker(data):
    proc = subprocess.Popen([sys.executable, "-m", "minamata.cli", "--data", str(data),
                             "worker"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    return proc


def _wait_present(ix, seconds=30):
    deadline = time.monotonic() + seconds
    while not ix.repo.workers.anyone():
        assert time.monotonic() < deadline, "the worker did not start"
        time.sleep(0.1)


def _wait_idle(ix, seconds=120):
    """Until the worker has read the shipped scans and indexed them, with nothing left in
    its queue (twice, half a second apart): stopped in the middle of that, it would hold
    the catalog's write lock, and every write of the test would wait for it."""
    from indexer.tasks import TaskQueue
    queue, deadline, calm = TaskQueue(ix.settings), time.monotonic() + seconds, 0
    while calm < 2:
        assert time.monotonic() < deadline, "the worker did not become idle"
        busy = queue.pending() or any(job.state in ("queued", "running")
                                      for job in ix.repo.ocr_jobs.all())
        calm = 0 if busy else calm + 1
        time.sleep(0.5)


def test_uploads_are_indexed_by_the_worker_and_searchable_on_answer(staff_site, tmp_path):
    app, ix = staff_site
    assert not ix.repo.workers.anyone()
    worker = _worker(ix.settings.data_dir)
    try:
        _wait_present(ix)
        client = signed_in(app)
        for n in range(3):
            pdf = make_pdf(tmp_path / f"{n}.pdf", [f"Zircophyllite report number {n}."])
            r = _upload(client, pdf, f"Worker-indexed report {n}")
            assert r.status_code == 200
            hits = app.test_client().get("/api/search?q=zircophyllite").get_json()
            assert hits["total"] == n + 1          # searchable when the page answers
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        _out, err = worker.communicate(timeout=30)
    assert "index: 1 added" in err                 # the worker's process wrote them
    assert not ix.repo.workers.anyone()            # gone with its process


def test_a_worker_that_does_not_answer_costs_a_wait_not_the_upload(staff_site, tmp_path,
                                                                  monkeypatch):
    app, ix = staff_site
    monkeypatch.setattr(ingest, "INDEX_HANDOVER_WAIT", 1.0)
    worker = _worker(ix.settings.data_dir)
    try:
        _wait_present(ix)
        _wait_idle(ix)
        client = signed_in(app)
        os.killpg(worker.pid, signal.SIGSTOP)      # present (its lock held), but stuck
        pdf = make_pdf(tmp_path / "s.pdf", ["Quasithermal mercury retort findings."])
        started = time.monotonic()
        r = _upload(client, pdf, "Indexed without the worker")
        assert r.status_code == 200 and time.monotonic() - started < 15
        assert app.test_client().get("/api/search?q=quasithermal").get_json()["total"] == 1
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    from indexer.check import check
    assert check(ix.repo, ix.index, verify_hashes=False).ok


def test_commits_are_paced_and_uploads_waiting_for_one_let_the_next_write(staff_site,
                                                                          tmp_path):
    # Each commit makes every server thread reopen the index and search afresh: under 20
    # uploaders the worker committed 4 times a second and searches slowed 5-9x. Commits are
    # paced, and an upload waiting for its commit lets the next upload of its process
    # write meanwhile, so the two share one commit.
    import threading
    from datetime import datetime
    app, ix = staff_site
    env = dict(os.environ, MINAMATA_INDEX_PACE="2.5")
    worker = subprocess.Popen([sys.executable, "-m", "minamata.cli", "--data",
                               str(ix.settings.data_dir), "worker"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        _wait_present(ix)
        # The corpus's scans are OCR'd first; their end re-indexes whatever is new, too.
        _wait_idle(ix)
        time.sleep(2.6)                            # and the pace after its commit
        first = make_pdf(tmp_path / "a.pdf", ["Paceholdite report, the first one."])
        assert _upload(signed_in(app), first, "First").status_code == 200
        answers = {}

        def upload(name, delay):
            time.sleep(delay)
            pdf = make_pdf(tmp_path / f"{name}.pdf", [f"Paceholdite report {name}."])
            answers[name] = _upload(signed_in(app), pdf, name).status_code
        threads = [threading.Thread(target=upload, args=(name, delay))
                   for name, delay in (("b", 0.0), ("c", 0.4))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert answers == {"b": 200, "c": 200}
        assert app.test_client().get("/api/search?q=paceholdite").get_json()["total"] == 3
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        _out, err = worker.communicate(timeout=30)
    commits = [(datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f"), line)
               for line in err.splitlines() if "minamata.worker index:" in line]
    assert [line.split("index: ")[1] for _, line in commits] == [
        "1 added, 0 updated, 0 removed", "2 added, 0 updated, 0 removed"], err
    assert (commits[1][0] - commits[0][0]).total_seconds() >= 2.4
