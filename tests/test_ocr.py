"""OCR of scanned pages: real scans (rendered text -> image -> PDF, some noisy and turned)
read by OCRmyPDF and Tesseract, in the background, found by search."""
import io
import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from indexer.ingest import Indexer
from indexer.ocr import is_unreadable, ocr_languages, pages_needing_ocr
from indexer.ocrjob import ocr_status
from indexer.search import SearchService
from repo.ocrjobs import OcrJobs
from repo.settings import Settings
from scripts.corpus.scans import scanned_pdf
from tests.conftest import MANIFEST, ROOT, make_pdf, run_cli, signed_in

pytestmark = pytest.mark.slow

# Words a scan carries that no shipped document does: found only if OCR read them.
CLEAN_PAGE = ["# Quarterly bulletin on artisanal gold mining",
              "Retorts reduce mercury vapour released during amalgam burning.",
              "Cooperatives in Ghana tested borax smelting as an alternative.",
              "Wastewater sediments near processing sites were sampled twice."]
DISTINCT = {"quarterly", "bulletin", "retorts", "vapour", "amalgam", "cooperatives",
            "ghana", "borax", "smelting", "wastewater", "sediments", "sampled"}


def _words(text):
    return set(re.findall(r"[a-zà-ÿ]+", text.lower()))


def _search_ids(ix, query):
    service = SearchService(ix.index, 10.0)
    try:
        return [h.id for h in service.search(query).hits], service.search(query).hits
    finally:
        service.close()


@pytest.fixture
def ix(indexer_with_event):
    return indexer_with_event


def test_which_pages_are_unreadable():
    assert is_unreadable("") and is_unreadable("  - 3 -  ")
    assert is_unreadable("\ufffd" * 40 + " mercury")                     # replacement chars
    assert is_unreadable("".join(chr(0xE000 + i) for i in range(60)) + " the mercury")
    assert is_unreadable("Ã©tÃ© Ã  la rÃ©union sur le mercure Ã©tait " * 3)   # mojibake
    assert not is_unreadable("The participants agreed on a national inventory.")
    assert not is_unreadable("Les participants ont examiné les seuils de déchets.")
    kept = {"pages": [{"text": "A typed page about mercury emissions from coal."},
                      {"text": ""}, {"text": "- 3 -"}]}
    assert pages_needing_ocr(kept) == [2, 3]


def test_ocr_language_is_declared_then_event_then_all_installed():
    installed = ["en", "fr", "es"]
    assert ocr_languages("fr", ["en"], installed) == ["fr"]
    assert ocr_languages("", ["es", "en"], installed) == ["es", "en"]
    assert ocr_languages("", [], installed) == installed
    assert ocr_languages("de", ["ru"], installed) == installed     # no pack for either


def test_clean_scan_is_read_queued_then_found(ix, tmp_path):
    pdf = tmp_path / "bulletin.pdf"
    scanned_pdf(pdf, [CLEAN_PAGE], seed=1)
    doc = ix.add(pdf, "2019-osaka-waste", "other", title="Bulletin", language="en")
    assert doc.text_status == "no_text"
    job = ix.repo.ocr_jobs.get(doc.id)
    assert (job.state, job.pages) == ("queued", [1])        # stored at once, read later
    assert _search_ids(ix, "borax smelting")[0] == []
    outcome = ix.ocr.run(doc.id)
    assert outcome.state == "done", outcome
    page = ix.repo.text(doc)["pages"][0]
    assert page["source"] == "ocr" and page["confidence"] > 60
    recovered = DISTINCT & _words(page["text"])
    assert len(recovered) >= 0.9 * len(DISTINCT), DISTINCT - recovered
    ids, hits = _search_ids(ix, "borax smelting cooperatives")
    assert ids == [doc.id] and hits[0].ocr_pages == [1] and hits[0].pages == [1]
    status = ocr_status(ix.repo, doc)
    assert status.state == "done" and status.pages == [1] and status.has_copy
    # The original is kept byte for byte; the searchable copy has a text layer.
    assert ix.repo.pdf_path(doc).read_bytes() == pdf.read_bytes()
    copy_text = PdfReader(ix.repo.searchable_copy(doc)).pages[0].extract_text().lower()
    assert "borax" in copy_text


def test_mixed_pdf_reads_only_its_scanned_pages(ix, tmp_path):
    pdf = tmp_path / "mixed.pdf"
    typed = ["# Typed cover page", "A typed introduction about mercury storage facilities "
             "and their inspection by national authorities."]
    annex = ["# Annex", "Contact points of the regional centres for the environmentally "
             "sound management of mercury waste, by country."]
    scanned_pdf(pdf, [typed, CLEAN_PAGE, annex], seed=2, text_pages={1: typed, 3: annex})
    doc = ix.add(pdf, "2019-osaka-waste", "other", title="Mixed")
    before = ix.repo.texts.get(doc.sha256)["pages"]
    assert doc.text_status == "partial_text"
    assert ix.repo.ocr_jobs.get(doc.id).pages == [2]
    assert ix.ocr.run(doc.id).state == "done"
    after = ix.repo.text(doc)["pages"]
    assert [p.get("source") for p in after] == [None, "ocr", None]
    assert after[0]["text"] == before[0]["text"] and after[2]["text"] == before[2]["text"]
    assert len(DISTINCT & _words(after[1]["text"])) >= 0.9 * len(DISTINCT)
    copy = PdfReader(ix.repo.searchable_copy(doc))
    assert len(copy.pages) == 3 and "inspection" in copy.pages[0].extract_text()
    assert _search_ids(ix, "retorts amalgam")[0] == [doc.id]


def test_a_page_number_over_a_scan_does_not_hide_the_scan(ix, tmp_path):
    # A scan stamped with a typed page number has a text layer of two characters: it is
    # read all the same (OCRmyPDF is told to replace that layer).
    pdf = tmp_path / "stamped.pdf"
    scanned_pdf(pdf, [CLEAN_PAGE], seed=3)
    writer = PdfWriter(clone_from=PdfReader(pdf))
    stamp = tmp_path / "stamp.pdf"
    from fpdf import FPDF
    f = FPDF(format="A4")
    f.add_page()
    f.set_font("Helvetica", size=9)
    f.text(100, 290, "- 7 -")
    f.output(str(stamp))
    writer.pages[0].merge_page(PdfReader(stamp).pages[0])
    writer.write(str(pdf))
    doc = ix.add(pdf, "2019-osaka-waste", "other", title="Stamped")
    assert ix.repo.texts.get(doc.sha256)["pages"][0]["text"].strip() == "- 7 -"
    assert ix.repo.ocr_jobs.get(doc.id).pages == [1]
    assert ix.ocr.run(doc.id).state == "done"
    assert len(DISTINCT & _words(ix.repo.text(doc)["pages"][0]["text"])) >= 0.9 * len(DISTINCT)


def _corrupt_scan(path, tmp_path):
    """A PDF whose second page's image stream is garbage that claims to be JPEG 2000."""
    scanned_pdf(tmp_path / "base.pdf", [["typed"], CLEAN_PAGE], seed=4,
                text_pages={1: ["A typed page: the zircon landfill liner was inspected."]})
    writer = PdfWriter(clone_from=PdfReader(tmp_path / "base.pdf"))
    for ref in writer.pages[1]["/Resources"]["/XObject"].values():
        image = ref.get_object()
        image[NameObject("/Filter")] = NameObject("/JPXDecode")
        image._data = bytes((i * 31 + 7) % 256 for i in range(5000))
    writer.write(str(path))


def test_ocr_failure_is_reported_and_the_rest_stays_searchable(ix, tmp_path):
    pdf = tmp_path / "broken.pdf"
    _corrupt_scan(pdf, tmp_path)
    doc = ix.add(pdf, "2019-osaka-waste", "other", title="Broken scan")
    outcome = ix.ocr.run(doc.id)
    job = ix.repo.ocr_jobs.get(doc.id)
    assert outcome.state == "failed" and job.state == "failed"
    assert "OCRmyPDF" in job.reason and job.reason == outcome.reason
    assert _search_ids(ix, "zircon landfill")[0] == [doc.id]
    assert ix.repo.ocr.get(doc.sha256) is None and not ix.repo.searchable_copy(doc)
    assert ix.ocr.run(doc.id).state == "skipped"            # failed jobs are not re-run


def test_without_ocr_scans_are_flagged_as_before(settings, tmp_path):
    from dataclasses import replace
    from repo.manifest import load_manifest
    no_ocr = replace(settings, ocr_command="no-such-ocrmypdf")
    ix = Indexer(no_ocr)
    with ix.repo.writing():
        for event in load_manifest(MANIFEST).events:
            ix.repo.put_event(event)
    pdf = tmp_path / "scan.pdf"
    scanned_pdf(pdf, [CLEAN_PAGE], seed=5)
    doc = ix.add(pdf, "2019-osaka-waste", "other", title="Scan")
    assert doc.text_status == "no_text" and ix.repo.ocr_jobs.get(doc.id) is None
    assert not ix.ocr.availability().ok
    env = dict(os.environ, MINAMATA_OCR_COMMAND="no-such-ocrmypdf")
    out = run_cli("--data", str(no_ocr.data_dir), "check", env=env).stdout
    assert "OCR unavailable" in out and "no-such-ocrmypdf" in out
    result = run_cli("--data", str(no_ocr.data_dir), "ocr", "--all-pending", env=env,
                     check=False)
    assert result.returncode == 1 and "OCR unavailable" in result.stderr


def test_claims_are_exclusive_and_dead_workers_jobs_come_back(ix, tmp_path):
    jobs = ix.repo.ocr_jobs
    jobs.queue("x-1", "0" * 64, [1, 2])
    assert jobs.claim("x-1", "host:1") is not None
    assert jobs.claim("x-1", "host:2") is None               # never twice at once
    assert ix.ocr.run("x-1").state == "skipped"
    dead = lambda owner: False                               # noqa: E731
    for attempt in (2, 3):
        assert jobs.reclaim(3, alive=dead) == (["x-1"], [])
        assert jobs.claim("x-1", "host:9").attempts == attempt
    assert jobs.reclaim(3, alive=dead) == ([], ["x-1"])      # tried 3 times: failed
    job = jobs.get("x-1")
    assert job.state == "failed" and "3 times" in job.reason
    # Alive owners keep their jobs.
    jobs.queue("x-2", "1" * 64, [1])
    jobs.claim("x-2", "host:3")
    assert jobs.reclaim(3, alive=lambda owner: True) == ([], [])


def test_replacing_a_file_mid_ocr_keeps_the_new_files_job(ix, tmp_path):
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    scanned_pdf(first, [CLEAN_PAGE], seed=11)
    scanned_pdf(second, [CLEAN_PAGE, CLEAN_PAGE[:2]], seed=12)
    doc = ix.add(first, "2019-osaka-waste", "other", title="Scan", language="en")
    old = ix.repo.ocr_jobs.claim(doc.id, "host:1")           # a worker starts on it...
    new = ix.replace(doc.id, second, "tester")               # ...and the file is replaced
    assert ix.repo.ocr_jobs.get(doc.id).pages == [1, 2]
    ix.repo.ocr_jobs.fail(doc.id, "the document's file was replaced", old.sha256)
    ix.repo.ocr_jobs.requeue(doc.id, old.sha256)
    job = ix.repo.ocr_jobs.get(doc.id)
    assert (job.state, job.sha256) == ("queued", new.sha256)  # the new file's job stands
    assert ix.ocr.run(doc.id).state == "done"
    assert _search_ids(ix, "borax smelting")[0] == [doc.id]


def test_rebuild_never_reads_a_scan_again(ix, tmp_path):
    from dataclasses import replace
    pdf = tmp_path / "scan.pdf"
    scanned_pdf(pdf, [CLEAN_PAGE], seed=6)
    doc = ix.add(pdf, "2019-osaka-waste", "other", title="Scan", language="en")
    assert ix.ocr.run(doc.id).state == "done"
    # With OCR gone, a rebuild still has the OCR'd text: it was kept, not re-read.
    blind = Indexer(replace(ix.settings, ocr_command="no-such-ocrmypdf"))
    with blind.repo.writing():
        blind.rebuild_index()
    assert _search_ids(blind, "wastewater sediments")[0] == [doc.id]


def test_ocr_can_be_run_again_and_keeps_the_old_result_meanwhile(ix, tmp_path):
    pdf = tmp_path / "scan.pdf"
    scanned_pdf(pdf, [CLEAN_PAGE], seed=13)
    doc = ix.add(pdf, "2019-osaka-waste", "other", title="Scan", language="en")
    assert ix.ocr.run(doc.id).state == "done"
    job = ix.ocr.queue_again(doc.id)
    assert job.state == "queued" and ix.repo.ocr.get(doc.sha256) is not None
    assert ix.ocr.queue_again(doc.id).state == "queued"      # queued once, not twice
    assert ix.ocr.run(doc.id).state == "done"
    assert _search_ids(ix, "borax smelting")[0] == [doc.id]
    typed = ix.add(make_pdf(tmp_path / "t.pdf", ["Typed text about mercury emissions."]),
                   "2019-osaka-waste", "other", title="Typed")
    assert ix.ocr.queue_again(typed.id) is None              # nothing to read


def test_deleting_a_document_drops_its_ocr(ix, tmp_path):
    pdf = tmp_path / "scan.pdf"
    scanned_pdf(pdf, [CLEAN_PAGE], seed=7)
    doc = ix.add(pdf, "2019-osaka-waste", "other", title="Scan", language="en")
    assert ix.ocr.run(doc.id).state == "done"
    ix.delete(doc.id, "tester")
    assert ix.repo.ocr_jobs.get(doc.id) is None
    assert ix.repo.ocr.get(doc.sha256) is None and ix.repo.searchable_copy(doc) is None


def _job(data, doc_id):
    repo_jobs = OcrJobs(Indexer(Settings.from_env(environ={}, data_dir=data)).repo.catalog)
    return repo_jobs.get(doc_id)


def _wait(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds} s for {what}")


def _worker(data):
    return subprocess.Popen([sys.executable, "-m", "minamata.cli", "--data", str(data),
                             "worker"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)


def _hits(data, query):
    return json.loads(run_cli("--data", str(data), "search", query, "--json").stdout)["hits"]


def test_worker_reads_uploads_and_a_killed_workers_job_is_retried(tmp_path):
    data = tmp_path / "data"
    run_cli("--data", str(data), "index", "--manifest", str(MANIFEST))
    pdf = tmp_path / "long-scan.pdf"
    scanned_pdf(pdf, [CLEAN_PAGE] * 6, seed=8, noise=0.5)
    worker = _worker(data)
    try:
        out = run_cli("--data", str(data), "add", str(pdf), "--event", "2019-osaka-waste",
                      "--type", "other", "--title", "Long scan", "--language", "en").stdout
        doc_id = out.split("\t")[0]
        # The worker takes it from the queue; kill it while it reads the pages.
        _wait(lambda: (_job(data, doc_id).state == "running"
                       and _job(data, doc_id).done_pages >= 1), 120, "OCR to start")
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        assert _job(data, doc_id).state == "running"           # its owner is dead
        check = run_cli("--data", str(data), "check").stdout
        assert "the worker reading it stopped" in check
        worker = _worker(data)                                  # a restart picks it up
        hits = _wait(lambda: _hits(data, "retorts amalgam"), 240,
                     "the new worker to read the scan and index it")
        assert _job(data, doc_id).attempts == 2
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    assert [h["id"] for h in hits] == [doc_id] and hits[0]["ocr_pages"] == [1, 2, 3, 4, 5, 6]
    assert "consistent" in run_cli("--data", str(data), "check").stdout


def test_shipped_scans_become_searchable_in_english_and_french(tmp_path):
    data = tmp_path / "data"
    out = run_cli("--data", str(data), "index", "--manifest", str(MANIFEST)).stdout
    assert "2 document(s) with scanned pages queued for OCR" in out
    run_cli("--data", str(data), "ocr", "--all-pending")

    def ids(query, *extra):
        return [h["id"] for h in json.loads(run_cli("--data", str(data), "search", query,
                                                    *extra, "--json").stdout)["hits"]]
    assert ids("domestic coal retrofits")[0] == "hanoi-pres-indonesia"
    assert ids("small industrial boilers")[0] == "hanoi-pres-indonesia"
    # The French page is turned 1.5 degrees and speckled.
    assert ids("entreposage provisoire décharges")[0] == "osaka-chair-summary-fr-scan"
    assert "osaka-chair-summary-fr-scan" in ids("entreposage", "--filter", "language=fr")
    check = run_cli("--data", str(data), "check").stdout
    assert "no text" not in check and "consistent" in check


# -- the web pages ------------------------------------------------------------------------
@pytest.fixture
def web(staff_site):
    return staff_site


def _page(client, path):
    r = client.get(path)
    return r.status_code, re.sub(r"\s+", " ", r.get_data(as_text=True))


def test_staff_see_the_queue_delegates_see_what_ocr_read(web):
    app, ix = web
    anon, staff = app.test_client(), signed_in(app)
    # Queued (the corpus was indexed, not OCR'd): staff are told, delegates are not.
    assert "3 scanned pages queued for OCR" in _page(staff, "/documents/hanoi-pres-indonesia")[1]
    assert "queued for OCR" not in _page(anon, "/documents/hanoi-pres-indonesia")[1]
    assert anon.get("/documents/hanoi-pres-indonesia/searchable.pdf").status_code == 404
    assert ix.ocr.run("hanoi-pres-indonesia").state == "done"
    status, body = _page(anon, "/documents/hanoi-pres-indonesia")
    assert "The text of pages 1, 2, 3 was read by OCR" in body and "confidence" in body
    assert "searchable.pdf" in body and "no text layer" not in body
    r = anon.get("/documents/hanoi-pres-indonesia/searchable.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert r.data.startswith(b"%PDF") and "no-cache" in r.headers["Cache-Control"]
    # The hit says its text came from OCR (French interface too).
    _, body = _page(anon, "/?q=domestic+coal+retrofits")
    assert "Text from OCR" in body
    _, body = _page(anon, "/?q=domestic+coal+retrofits&lang=fr")
    assert "OCR" in body and "Text from OCR" not in body
    api = anon.get("/api/search?q=domestic+coal+retrofits").get_json()
    assert api["hits"][0]["ocr_pages"] == [1, 2, 3]


def test_a_failed_ocr_is_shown_to_staff_with_its_reason(web, tmp_path):
    app, ix = web
    pdf = tmp_path / "broken.pdf"
    _corrupt_scan(pdf, tmp_path)
    doc = ix.add(pdf, "2019-osaka-waste", "other", title="Broken scan")
    ix.ocr.run(doc.id)
    _, body = _page(signed_in(app), f"/documents/{doc.id}")
    assert "OCR failed: OCRmyPDF" in body and "stays searchable" in body
    assert "OCR failed" not in _page(app.test_client(), f"/documents/{doc.id}")[1]


def test_an_upload_says_its_scanned_pages_are_queued(web, tmp_path):
    app, ix = web
    staff = signed_in(app)
    pdf = tmp_path / "scan.pdf"
    scanned_pdf(pdf, [CLEAN_PAGE, CLEAN_PAGE[:2]], seed=9)
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      staff.get("/staff/upload").get_data(as_text=True)).group(1)
    r = staff.post("/staff/upload", data={
        "csrf_token": token, "event": "2019-osaka-waste", "type": "other",
        "status": "published", "files": [(io.BytesIO(pdf.read_bytes()), "scan.pdf")]},
        content_type="multipart/form-data")
    body = re.sub(r"\s+", " ", r.get_data(as_text=True))
    assert r.status_code == 200 and "2 scanned pages queued for OCR" in body


def test_the_api_reports_ocr(web):
    app, ix = web
    anon = app.test_client()
    queued = anon.get("/api/documents/hanoi-pres-indonesia").get_json()["ocr"]
    assert queued["state"] == "queued" and queued["queued_pages"] == [1, 2, 3]
    assert queued["ocr_pages"] == [] and "reason" not in queued
    ix.ocr.run("hanoi-pres-indonesia")
    done = anon.get("/api/documents/hanoi-pres-indonesia").get_json()["ocr"]
    assert done["state"] == "done" and done["ocr_pages"] == [1, 2, 3]
    assert done["searchable_copy"] and 50 < done["confidence"] <= 100
    plain = anon.get("/api/documents/hanoi-report").get_json()["ocr"]
    assert plain["state"] == "" and plain["ocr_pages"] == []


def test_ocr_past_its_time_limit_is_stopped_with_everything_it_started(ix, tmp_path):
    from dataclasses import replace
    pdf = tmp_path / "slow-scan.pdf"
    scanned_pdf(pdf, [CLEAN_PAGE] * 4, seed=10)
    doc = ix.add(pdf, "2019-osaka-waste", "other", title="Slow scan", language="en")
    hurried = Indexer(replace(ix.settings, ocr_timeout=1.0))
    outcome = hurried.ocr.run(doc.id)
    assert outcome.state == "failed" and "longer than 1 s" in outcome.reason
    left = subprocess.run(["pgrep", "-f", str(ix.repo.pdf_path(doc))], capture_output=True)
    assert left.stdout == b""                     # ocrmypdf and tesseract were killed
    assert ix.repo.work_area.abandoned() == [] and not list(ix.repo.work_area.root.glob("in-*"))


def test_running_lines_are_text_not_a_scan_and_a_bare_page_number_is_read_anyway(ix,
                                                                                 tmp_path):
    # Every line repeated on every page (the normaliser drops them as running headers):
    # the pages still have a text layer, and nothing is queued for OCR.
    same = make_pdf(tmp_path / "same.pdf",
                    ["Interim storage of mercury, the same line on every page. " * 20] * 3)
    doc = ix.add(same, "2019-osaka-waste", "other", title="Repeated lines")
    assert ix.repo.ocr_jobs.get(doc.id) is None
    # A page whose only text is its number is read by OCR (OCRmyPDF is told to replace
    # that text layer when it refuses a page with text).
    numbered = make_pdf(tmp_path / "numbered.pdf",
                        ["A typed first page about the storage of mercury waste.", "Page 2"])
    doc = ix.add(numbered, "2019-osaka-waste", "other", title="Numbered")
    assert ix.repo.ocr_jobs.get(doc.id).pages == [2]
    outcome = ix.ocr.run(doc.id)
    assert outcome.state == "done", outcome.reason


def test_a_job_handed_to_the_worker_twice_logs_its_outcome_once(ix, caplog):
    # `serve` hands every queued job to the worker at start, as the upload did: the
    # second run finds nothing queued and says nothing at INFO.
    import logging
    from indexer.tasks import TaskQueue
    queue = TaskQueue(ix.settings)
    ix.repo.ocr_jobs.queue("x-1", "0" * 64, [1])
    assert ix.repo.ocr_jobs.claim("x-1", "elsewhere:1") is not None   # another worker's
    with caplog.at_level(logging.INFO, logger="minamata.worker"):
        queue._run_ocr("x-1")
        queue._run_ocr("no-such-document")
    assert not [r for r in caplog.records if r.levelno >= logging.INFO], caplog.text
    with caplog.at_level(logging.DEBUG, logger="minamata.worker"):
        queue._run_ocr("x-1")
    assert "OCR x-1: skipped" in caplog.text
