"""Whether the catalog, the stored files, the kept text and the index agree."""
from dataclasses import dataclass, field

from indexer.errors import IndexUnavailable
from indexer.index import expected_keys
from indexer.ocr import ocr_availability
from repo.ocrjobs import owner_alive
from repo.files import sha256_of
from repo.lock import lock_state


@dataclass
class CheckReport:
    """Problems (disagreements), notes (harmless leftovers) and documents without text."""

    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    no_text: list = field(default_factory=list)
    documents: int = 0
    ocr: str = ""                     # whether OCR is available, in one line
    ocr_pending: list = field(default_factory=list)   # documents waiting for OCR

    @property
    def ok(self):
        """True when everything agrees."""
        return not self.problems

    def to_dict(self):
        """JSON-ready form."""
        return {"ok": self.ok, "documents": self.documents, "problems": self.problems,
                "notes": self.notes, "no_text": self.no_text, "ocr": self.ocr,
                "ocr_pending": self.ocr_pending}


def check(repo, index_store, verify_hashes=True, ocr_command="ocrmypdf", engine=None):
    """Compare catalog, files, kept text and index; read-only. With `engine` (the chosen
    search engine), a live index of another engine is a problem too."""
    report = CheckReport()
    docs = repo.documents()
    report.documents = len(docs)
    for doc in docs:
        _check_document(repo, doc, verify_hashes, report)
    _check_leftovers(repo, repo.referenced_hashes(), report)
    for version in repo.versions_all():
        if not repo.pdfs.exists(version["sha256"]):
            report.problems.append(f"{version['doc_id']}: an earlier version's PDF is missing")
    _check_index(repo, index_store, report, engine)
    _check_lock(repo, report)
    _check_stale_indexes(repo, index_store, report)
    _check_ocr(repo, docs, ocr_command, report)
    for place, size in repo.work_area.abandoned():
        report.notes.append(f"{place}: {size:,} bytes left by a process that was killed "
                            "while receiving a file; the next write removes them")
    return report


def _check_ocr(repo, docs, command, report):
    report.ocr = ocr_availability(command).describe()
    current = {d.id: d for d in docs}
    for job in repo.ocr_jobs.all():
        doc = current.get(job.doc_id)
        if doc is None or doc.sha256 != job.sha256:
            continue              # a job of a file since replaced: the next one counts
        if job.state == "done" and not repo.ocr.exists(doc.sha256):
            report.problems.append(f"{doc.id}: its OCR result is missing (`minamata ocr "
                                   f"{doc.id}` reads the scanned pages again)")
        elif job.state == "failed":
            report.notes.append(f"{doc.id}: OCR failed: {job.reason}")
        elif job.state == "running" and not owner_alive(job.owner):
            report.notes.append(f"{doc.id}: the worker reading it stopped; the next worker "
                                "start (or `minamata ocr --all-pending`) reads it again")
        elif job.state in ("queued", "running"):
            report.ocr_pending.append(f"{doc.id}: {job.page_total} scanned page(s) "
                                      f"{job.state} for OCR")


def _check_lock(repo, report):
    state = lock_state(repo.lock_path)
    if state.held and not state.holder_alive:
        report.problems.append(
            f"the write lock is held, but the writer that took it (pid {state.pid or '?'}) is "
            f"no longer running: processes it started still hold it; find them with "
            f"`fuser {repo.lock_path}` and stop them")
    elif state.held:
        report.notes.append(f"a writer (pid {state.pid}) is at work; the figures may change")


def _check_stale_indexes(repo, index_store, report):
    # With no writer at work, an index directory beside the live one is a rebuild that
    # did not finish (killed, or out of space) or a replaced index not yet removed.
    if lock_state(repo.lock_path).held:
        return
    for path in index_store.stale_dirs():
        size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        report.notes.append(f"index/{path.name}: {size:,} bytes left by a rebuild that did "
                            "not finish; the live index is whole, and the next `minamata "
                            "index` removes them")


def _check_document(repo, doc, verify_hashes, report):
    pdf = repo.pdf_path(doc)
    if not pdf.is_file():
        report.problems.append(f"{doc.id}: its PDF is missing from the store ({pdf})")
    elif verify_hashes and sha256_of(pdf) != doc.sha256:
        report.problems.append(f"{doc.id}: its stored PDF does not match its checksum")
    if not repo.texts.exists(doc.sha256):
        report.problems.append(f"{doc.id}: its extracted text is missing "
                               "(`minamata index` extracts it again)")
    else:
        try:
            kept = repo.text(doc)
        except ValueError:
            report.problems.append(f"{doc.id}: its extracted text is unreadable")
            return
        if kept.get("page_count") != doc.page_count:
            report.problems.append(f"{doc.id}: the catalog says {doc.page_count} pages, "
                                   f"the extracted text has {kept.get('page_count')}")
    if doc.text_status == "no_text" and not repo.ocr.exists(doc.sha256):
        report.no_text.append(doc.id)


def _check_leftovers(repo, known, report):
    for store, what in ((repo.pdfs, "PDF"), (repo.texts, "text"), (repo.ocr, "OCR")):
        for sha in sorted(store.hashes() - known):
            report.notes.append(f"unreferenced {what} file {sha[:12]}… (left by an "
                                "interrupted write; the next write removes it)")
        for path in store.leftovers():
            report.notes.append(f"temporary file {path.name} (left by an interrupted "
                                "write; the next write removes it)")


def _check_index(repo, index_store, report, engine=None):
    try:
        pair = index_store.open()
    except IndexUnavailable as e:
        report.problems.append(str(e))
        return
    live = index_store.live_engine()
    if engine and live != engine:
        report.problems.append(f"the search index is a {live} index, the chosen engine is "
                               f"{engine} (run `minamata index --rebuild --engine {engine}`; "
                               "the text is kept, no PDF is read again)")
    have = pair.indexed_keys()
    want = {doc_id: item[0] for doc_id, item in expected_keys(repo).items()}
    for doc_id in pair.indexed_twice():
        report.problems.append(f"{doc_id}: in the search index more than once (run "
                               "`minamata index --rebuild`)")
    for doc_id in sorted(set(want) - set(have)):
        report.problems.append(f"{doc_id}: not in the search index (run `minamata index`)")
    for doc_id in sorted(set(have) - set(want)):
        report.problems.append(f"{doc_id}: in the search index but not in the catalog "
                               "(run `minamata index`)")
    for doc_id in sorted(set(want) & set(have)):
        if want[doc_id] != have[doc_id]:
            report.problems.append(f"{doc_id}: the search index holds an older version "
                                   "(run `minamata index`)")
