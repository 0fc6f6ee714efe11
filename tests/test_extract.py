import pytest

from indexer.errors import PdfRefused
from indexer.extract import analyse_pdf
from indexer.pool import ExtractionPool


def test_good_pdf_pages_and_language(samples):
    kept = analyse_pdf(samples / "good.pdf")
    assert kept["page_count"] == 2 and kept["text_status"] == "ok"
    assert "coal-fired power plants" in kept["pages"][0]["text"]
    assert kept["languages"] == ["en"]
    assert kept["pdf_title"] == "A good sample report"


@pytest.mark.parametrize("name, reason", [
    ("truncated.pdf", "corrupt"), ("corrupt.pdf", "corrupt"), ("empty.pdf", "empty"),
    ("not-a-pdf.pdf", "not_pdf"), ("encrypted.pdf", "encrypted"),
])
def test_bad_files_refused_with_reason(samples, name, reason):
    with pytest.raises(PdfRefused) as e:
        analyse_pdf(samples / name)
    assert e.value.reason == reason and str(e.value)


def test_image_only_pdf_is_accepted_and_flagged(samples):
    kept = analyse_pdf(samples / "image-only.pdf")
    assert kept["text_status"] == "no_text" and kept["pages"] == [{"text": "", "languages": []}]


def test_page_limit(samples):
    with pytest.raises(PdfRefused) as e:
        analyse_pdf(samples / "good.pdf", max_pages=1)
    assert e.value.reason == "too_many_pages"


def test_pool_runs_a_batch_and_isolates_failures(samples):
    pool = ExtractionPool(workers=2, timeout=60)
    names = ["good.pdf", "corrupt.pdf", "image-only.pdf", "encrypted.pdf"]
    results = dict(pool.run([(n, samples / n) for n in names]))
    assert results["good.pdf"]["page_count"] == 2
    assert isinstance(results["corrupt.pdf"], PdfRefused)
    assert results["image-only.pdf"]["text_status"] == "no_text"
    assert results["encrypted.pdf"].reason == "encrypted"


def test_pool_stops_a_file_over_its_time_limit_and_goes_on(samples):
    from tests.conftest import ROOT
    report = ROOT / "documents" / "2019-hanoi-coal" / "workshop-report-en.pdf"
    pool = ExtractionPool(workers=1, timeout=0.05)
    results = dict(pool.run([("slow", report)]))
    assert results["slow"].reason == "timeout"
    pool.timeout = 60
    assert pool.analyse(samples / "good.pdf")["page_count"] == 2


def test_a_kept_worker_serves_the_next_file_and_is_replaced_when_it_died(samples):
    import os
    import signal
    from indexer.pool import ExtractionPool
    pool = ExtractionPool(1, timeout=60, keep=True)
    try:
        assert pool.analyse(samples / "good.pdf")["page_count"] == 2
        [first] = pool._idle
        assert pool.analyse(samples / "script.pdf")["page_count"] == 1
        assert pool._idle == [first]                     # the same process, reused
        os.kill(first.process.pid, signal.SIGKILL)
        first.process.join(5)
        assert pool.analyse(samples / "good.pdf")["page_count"] == 2
        assert pool._idle and pool._idle[0] is not first
    finally:
        pool.close()
    assert pool._idle == []


def test_files_sent_ahead_to_a_worker_that_dies_are_read_by_its_successor(samples):
    # Each worker holds the next file as well as the one it reads. When it dies (killed
    # here, after the first result), the file it was reading is reported and the ones
    # sent after it are read by a new worker: none is lost or reported twice.
    import os
    import signal
    pool = ExtractionPool(workers=1, timeout=60)
    names = [f"copy-{n}.pdf" for n in range(5)]
    for name in names:
        (samples / name).write_bytes((samples / "good.pdf").read_bytes())
    results, runs = [], pool.run([(n, samples / n) for n in names])
    for key, result in runs:
        if not results:
            [worker] = [w for w in pool_workers(runs)]
            assert len(worker.tasks) == 2                # the next two files, sent ahead
            os.kill(worker.process.pid, signal.SIGKILL)
        results.append((key, result))
    assert sorted(k for k, _ in results) == names
    # (The file it was reading is reported as crashing it, unless it had finished it.)
    refused = [r for _, r in results if isinstance(r, PdfRefused)]
    assert len(refused) <= 1 and all("crashed" in str(r) for r in refused)
    assert all(r["page_count"] == 2 for _, r in results if not isinstance(r, PdfRefused))


def pool_workers(run):
    """The workers of a running ExtractionPool.run generator."""
    return run.gi_frame.f_locals["workers"]


def _fork_server_processes():
    """Pids of the extraction fork servers and the workers they forked (same cmdline)."""
    from tests.conftest import processes_with
    return processes_with(b"multiprocessing.forkserver")


def test_a_caller_killed_mid_batch_leaves_no_fork_server_or_worker(samples, tmp_path):
    # The workers are forked by a fork server. Killed with the caller (kill -9, the OOM
    # killer), neither may live on holding memory (or, in a writer, the lock's file):
    # not even a worker stuck in a file (here a pipe nobody writes to), that would
    # otherwise notice only at its end.
    import os
    import signal
    import subprocess
    import sys
    import time
    from tests.conftest import ROOT, parent_of
    stuck = tmp_path / "stuck.pdf"
    os.mkfifo(stuck)
    before = _fork_server_processes()
    script = tmp_path / "batch.py"
    script.write_text(
        "from indexer.pool import ExtractionPool\n"
        "if __name__ == '__main__':\n"
        "    pool = ExtractionPool(workers=2, timeout=60)\n"
        f"    files = [{str(samples / 'good.pdf')!r}] + [{str(stuck)!r}] * 2\n"
        "    for n, _ in pool.run(enumerate(files)):\n"
        "        print('read', flush=True)\n")
    caller = subprocess.Popen([sys.executable, str(script)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    assert caller.stdout.readline().strip() == "read"
    servers = {p for p in _fork_server_processes() - before if parent_of(p) == caller.pid}
    started = servers | {p for p in _fork_server_processes() if parent_of(p) in servers}
    assert len(started) == 3                    # the fork server and its two workers
    caller.send_signal(signal.SIGKILL)
    caller.wait()
    for _ in range(30):
        if not _fork_server_processes() & started:
            break
        time.sleep(0.1)
    assert not _fork_server_processes() & started


def test_a_process_forked_after_the_fork_server_started_starts_its_own(samples):
    # `minamata serve` builds the index (starting the workers' fork server), then its
    # web server forks the processes that take uploads: each must start its own fork
    # server (the first one is not its child: every upload failed with a 500).
    import os
    pool = ExtractionPool(1, timeout=60)
    assert pool.analyse(samples / "good.pdf")["page_count"] == 2
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            code = 0 if ExtractionPool(1, timeout=60).analyse(
                samples / "good.pdf")["page_count"] == 2 else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_a_batch_takes_its_fork_server_with_it(samples, tmp_path):
    # `minamata serve` builds the index before serving: the fork server its batch
    # started (100 MB) must not stay beside the server for its whole life.
    import subprocess
    import sys
    from tests.conftest import ROOT
    script = tmp_path / "batch.py"
    script.write_text(
        "import os, sys\n"
        "sys.path.insert(0, os.getcwd())\n"
        "from indexer.pool import ExtractionPool\n"
        "from tests.conftest import parent_of, processes_with\n"
        "def ours():\n"
        "    return [p for p in processes_with(b'multiprocessing.forkserver')\n"
        "            if parent_of(p) == os.getpid()]\n"
        "if __name__ == '__main__':\n"
        "    pool = ExtractionPool(workers=2, timeout=60)\n"
        "    batch = pool.run([(n, sys.argv[1]) for n in range(4)])\n"
        "    next(batch)\n"
        "    print(len(ours()))\n"
        "    for _ in batch:\n"
        "        pass\n"
        "    print(len(ours()))\n")
    out = subprocess.run([sys.executable, str(script), str(samples / "good.pdf")], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["1", "0"], out.stderr


def test_workers_never_import_the_callers_main_module(samples, tmp_path):
    # multiprocessing imports the script that started a process in each new process: the
    # CLI's or a benchmark's whole imports, 0.3-0.5 s before the first file was read.
    # A worker needs none of it.
    import subprocess
    import sys
    from tests.conftest import ROOT
    script = tmp_path / "caller.py"
    imported = tmp_path / "imported"
    script.write_text(
        "import os, sys\n"
        "sys.path.insert(0, os.getcwd())\n"
        "if __name__ != '__main__':\n"
        f"    open({str(imported)!r}, 'a').write(__name__ + '\\n')\n"
        "from dataclasses import dataclass\n"
        "from indexer.pool import ExtractionPool\n"
        "@dataclass(frozen=True)\n"
        "class Key:\n"
        "    n: int\n"
        "if __name__ == '__main__':\n"
        "    pool = ExtractionPool(workers=2, timeout=60)\n"
        "    # (keys of a class of the script: the workers never see them)\n"
        "    found = dict(pool.run([(Key(n), sys.argv[1]) for n in range(3)]))\n"
        "    assert sorted(k.n for k in found) == [0, 1, 2], found\n"
        "    print(sum(r['page_count'] for r in found.values()))\n"
        "    import multiprocessing\n"
        "    p = multiprocessing.get_context('forkserver').Process(target=print, args=('x',))\n"
        "    p.start(); p.join()\n")
    out = subprocess.run([sys.executable, str(script), str(samples / "good.pdf")], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["6", "x"], out.stderr
    # Only the process started by other code than ours imported it, as multiprocessing does.
    assert imported.read_text().split() == ["__mp_main__"]


def test_the_fork_server_is_ended_not_waited_for(samples, monkeypatch):
    # When the last batch ends, the fork server would exit as an interpreter does,
    # freeing langdetect's profiles object by object (0.4 s the caller waited for). It
    # has nothing to save: it is ended by SIGTERM.
    import os
    import signal
    from multiprocessing import forkserver
    statuses = []
    real_waitpid = os.waitpid

    def waitpid(pid, options):
        result = real_waitpid(pid, options)
        # (the fork server's end only: not the check whether it still runs)
        if options == 0 and pid == forkserver._forkserver._forkserver_pid:
            statuses.append(result[1])
        return result
    monkeypatch.setattr(os, "waitpid", waitpid)
    from indexer import pool
    monkeypatch.setitem(pool._runs, "kept", False)     # (an earlier test's pool kept it)
    assert ExtractionPool(1, timeout=60).analyse(samples / "good.pdf")["page_count"] == 2
    assert [os.WIFSIGNALED(s) and os.WTERMSIG(s) for s in statuses] == [signal.SIGTERM]


def test_a_fork_server_still_serving_other_code_is_not_ended(samples, monkeypatch):
    # The fork server is multiprocessing's, shared by every forkserver process of the
    # caller: one of other code's, still running when the batch ends, must run to its
    # end and have its exit code (stopped, the fork server could not report it: 255).
    import multiprocessing
    import time
    from indexer import pool
    monkeypatch.setitem(pool._runs, "kept", False)
    other = multiprocessing.get_context("forkserver").Process(target=time.sleep, args=(1,))
    other.start()
    assert ExtractionPool(1, timeout=60).analyse(samples / "good.pdf")["page_count"] == 2
    other.join(30)
    assert other.exitcode == 0
