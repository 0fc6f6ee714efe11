"""Soak test: writes, rebuilds and searches together, writers killed at random moments,
then `check` and a count of what was lost or left behind. Bounded in time; no network.

    python bench/soak.py [--seconds 120] [--kill-share 0.3] [--seed 1]

On a throw-away copy of documents/, one writer at a time runs `minamata add` (a new
one-page PDF with a unique word) or `minamata index --rebuild`, while a search loop runs
in this process; a share of the writers is sent SIGKILL after a random delay (0.05-3 s).
A writer refused because another holds the lock is counted, not an error. At the end,
`minamata index` (what the next start-up does) and `minamata check`; then every add that
reported success must be in the catalog and findable by its word, and the check must
report no problem. Target: 0 lost, 0 orphaned, check consistent.
"""
import argparse
import json
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fpdf import FPDF                          # noqa: E402

from indexer.ingest import Indexer             # noqa: E402
from indexer.search import SearchService       # noqa: E402
from repo.settings import Settings             # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _pdf(path, marker):
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 5, f"Soak test document {marker} about interim storage of mercury. " * 8)
    pdf.output(str(path))


def _cli(data, *args):
    return [sys.executable, "-m", "minamata.cli", "--data", str(data), *args]


def searches(data, stop, counts):
    """Search in a loop until `stop` is set; counts searches and errors."""
    settings = Settings.from_env(environ={}, data_dir=data)
    service = SearchService(Indexer(settings).index, settings.search_time_limit)
    rng = random.Random(2)
    while not stop.is_set():
        try:
            service.search(rng.choice(["mercury", "interim storage", "soak", "coal"]))
            counts["searches"] += 1
        except Exception as e:  # noqa: BLE001 - counted and reported, never hidden
            counts["search_errors"].append(repr(e))
        time.sleep(0.02)
    service.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--kill-share", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="minamata-soak-"))
    data, pdfs = work / "data", work / "pdfs"
    pdfs.mkdir()
    try:
        subprocess.run(_cli(data, "index"), cwd=ROOT, check=True, capture_output=True)
        counts = {"searches": 0, "search_errors": []}
        stop = threading.Event()
        searcher = threading.Thread(target=searches, args=(data, stop, counts))
        searcher.start()
        added, killed, busy, failed = {}, {"add": 0, "rebuild": 0}, 0, []
        deadline = time.monotonic() + args.seconds
        while time.monotonic() < deadline:
            if rng.random() < 0.8:
                marker = "soak" + uuid.uuid4().hex[:8]
                path = pdfs / f"{marker}.pdf"
                _pdf(path, marker)
                kind, cmd = "add", _cli(data, "add", str(path), "--event", "2019-osaka-waste",
                                        "--type", "other")
            else:
                marker, kind, cmd = None, "rebuild", _cli(data, "index", "--rebuild")
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
            if rng.random() < args.kill_share:
                time.sleep(rng.uniform(0.05, 3.0))
                if proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)
                    killed[kind] += 1
            out, err = proc.communicate(timeout=300)
            if proc.returncode == 0 and kind == "add":
                added[marker] = out.split("\t")[0].strip()
            elif proc.returncode not in (0, -signal.SIGKILL):
                if "another process" in err:
                    busy += 1
                else:
                    failed.append(err.strip().splitlines()[-1:] or [str(proc.returncode)])
        stop.set()
        searcher.join(60)
        subprocess.run(_cli(data, "index"), cwd=ROOT, capture_output=True)
        checked = subprocess.run(_cli(data, "check", "--json"), cwd=ROOT, capture_output=True,
                                 text=True)
        report = json.loads(checked.stdout)
        settings = Settings.from_env(environ={}, data_dir=data)
        indexer = Indexer(settings)
        service = SearchService(indexer.index)
        lost = [m for m, doc_id in added.items() if not indexer.repo.has_document(doc_id)]
        unfindable = [m for m, doc_id in added.items()
                      if doc_id not in [h.id for h in service.search(m).hits]]
        leftovers = [n for n in report["notes"] if "left" in n or "bytes" in n]
        print(f"{args.seconds:.0f} s: {len(added)} adds succeeded, {killed['add']} adds and "
              f"{killed['rebuild']} rebuilds killed, {busy} writers refused (lock held), "
              f"{len(failed)} other failures {failed[:3]}; {counts['searches']} searches, "
              f"{len(counts['search_errors'])} errors {counts['search_errors'][:3]}")
        print(f"after restart: {report['documents']} documents; lost {len(lost)}, not "
              f"findable {len(unfindable)}, check problems {len(report['problems'])} "
              f"{report['problems'][:3]}, leftovers {len(leftovers)}")
        service.close()
        indexer.close()
        return 0 if not (lost or unfindable or report["problems"]) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
