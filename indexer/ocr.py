"""Reading scanned pages with OCRmyPDF and Tesseract.

OCRmyPDF runs as its own command (Debian's `ocrmypdf`, in Debian's Python), in a process
group of its own, under a time limit: a page that makes Tesseract hang or balloon is
stopped with everything it started. Only the pages whose text layer is empty or garbage
are read (`--pages`); the others are not touched. Our plugin (ocrmypdf_plugin.py) reports
each page's text and Tesseract's confidence as it goes.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from indexer.language import document_languages, page_languages
from repo.lifetime import die_with_parent

PLUGIN = Path(__file__).with_name("ocrmypdf_plugin.py")

# Our languages and Tesseract's names for them (its language packs).
TESSERACT_LANGUAGES = {"en": "eng", "fr": "fra", "es": "spa", "ar": "ara",
                       "zh": "chi_sim", "ru": "rus"}

MIN_LETTERS = 12           # fewer letters than this on a page: no usable text layer
MAX_BAD_SHARE = 0.2        # share of replacement/unassigned/private-use characters
_MOJIBAKE = re.compile(r"Ã[\x80-\xbf]|Â[\x80-\xbf ]|â€")


class OcrFailed(Exception):
    """OCR could not read a document; the message says why, in a sentence for staff.
    `code`: OCRmyPDF's exit code, when it ended with one."""

    def __init__(self, message, code=None):
        super().__init__(message)
        self.code = code


PRIOR_TEXT = 6        # OCRmyPDF's exit code for "page already has text"


@dataclass
class OcrAvailability:
    """Whether OCR can run here, with which tool and language packs, or why not."""

    ok: bool
    command: str = ""
    version: str = ""
    languages: list = field(default_factory=list)     # our codes with a language pack
    reason: str = ""

    def describe(self):
        """One line for `check` and the start-up message."""
        if not self.ok:
            return f"OCR unavailable: {self.reason}; scanned pages stay unsearchable"
        return (f"OCR available: OCRmyPDF {self.version}, Tesseract languages "
                f"{', '.join(self.languages)}")


@lru_cache(maxsize=8)
def ocr_availability(command="ocrmypdf"):
    """Find OCRmyPDF and Tesseract's language packs (cached per command)."""
    path = shutil.which(command)
    if path is None:
        return OcrAvailability(False, command, reason=f"the {command!r} command is not "
                               "installed (Debian: apt-get install ocrmypdf "
                               "tesseract-ocr-fra tesseract-ocr-spa ...)")
    try:
        version = subprocess.run([path, "--version"], capture_output=True, text=True,
                                 timeout=30).stdout.strip()
        packs = subprocess.run(["tesseract", "--list-langs"], capture_output=True,
                               text=True, timeout=30).stdout.split()
    except (OSError, subprocess.SubprocessError) as e:
        return OcrAvailability(False, path, reason=f"{command} or tesseract does not run ({e})")
    ours = [code for code, pack in TESSERACT_LANGUAGES.items() if pack in packs]
    if not ours:
        return OcrAvailability(False, path, version, reason="no Tesseract language pack of "
                               "ours is installed (tesseract-ocr-eng, -fra, -spa, ...)")
    return OcrAvailability(True, path, version, ours)


# -- which pages ----------------------------------------------------------------------
def is_unreadable(text):
    """Whether a page's text layer is empty, next to empty, or garbage (replacement
    characters, private-use glyph codes, mojibake) rather than words."""
    # Judged on the counts of each character: a page has a few dozen distinct ones, and
    # a test per character of the page was an eighth of a build's extraction time.
    counts = Counter(text)
    letters = sum(n for c, n in counts.items() if c.isalpha())
    if letters < MIN_LETTERS:
        return True
    visible = sum(n for c, n in counts.items() if not c.isspace())
    bad = sum(n for c, n in counts.items() if not c.isspace() and (
        c == "\ufffd" or unicodedata.category(c) in ("Co", "Cn", "Cs", "Cc")))
    if bad > MAX_BAD_SHARE * visible:
        return True
    return len(_MOJIBAKE.findall(text)) > 0.03 * visible


def pages_needing_ocr(kept):
    """Page numbers (1-based) of the kept text layer that OCR should read: those whose
    text layer, as extracted, was unreadable (kept text of an older extractor: judged on
    the normalised text)."""
    if "unreadable_pages" in kept:
        return list(kept["unreadable_pages"])
    return [n for n, page in enumerate(kept["pages"], start=1)
            if page.get("source") != "ocr" and is_unreadable(page.get("text", ""))]


def ocr_languages(declared, event_languages, installed):
    """Our language codes to OCR with: the document's declared language, else its event's
    languages, else every installed pack of ours; only those with a pack installed."""
    for choice in ([declared] if declared else [], event_languages):
        wanted = [code for code in choice if code in installed]
        if wanted:
            return wanted
    return list(installed)


# -- running OCRmyPDF -----------------------------------------------------------------
@dataclass
class OcrPage:
    """What OCR read on one page."""

    number: int
    text: str
    confidence: float | None
    languages: list = field(default_factory=list)


def run_ocr(pdf, pages, languages, work_dir, timeout, availability, on_page=None,
            rewrite_pages=()):
    """OCR `pages` of `pdf` in `languages` (our codes) with OCRmyPDF; returns ([OcrPage],
    path of the searchable copy in `work_dir`). `on_page(k)` is called as pages are
    read. `rewrite_pages`: those among `pages` that carry a garbage text layer, which
    OCRmyPDF must replace (it refuses pages with text otherwise). OcrFailed on error or
    past `timeout` seconds."""
    work_dir = Path(work_dir)
    reports = work_dir / "pages"
    reports.mkdir(parents=True, exist_ok=True)
    out = work_dir / "searchable.pdf"
    args = [availability.command, "--plugin", str(PLUGIN), "--pdf-renderer", "hocr",
            "--pages", ",".join(str(n) for n in pages),
            "-l", "+".join(TESSERACT_LANGUAGES[c] for c in languages),
            "--rotate-pages", "--deskew", "--output-type", "pdf", "--optimize", "0",
            "--jobs", "1", "--quiet", "--tesseract-timeout", str(max(1, int(timeout)))]
    if rewrite_pages:
        args.append("--force-ocr")
    args += [str(pdf), str(out)]
    env = dict(os.environ, MINAMATA_OCR_REPORT=str(reports), OMP_THREAD_LIMIT="1",
               TMPDIR=str(work_dir))
    try:
        _run(args, env, timeout, reports, on_page)
    except OcrFailed as e:
        if e.code != PRIOR_TEXT or "--force-ocr" in args:
            raise
        # A page chosen for its garbage (or next to empty) text layer has text after all:
        # OCRmyPDF must be told to replace it.
        args.insert(-2, "--force-ocr")
        _run(args, env, timeout, reports, on_page)
    read = {}
    for path in sorted(reports.glob("page-*.json")):
        report = json.loads(path.read_text(encoding="utf-8"))
        if report["page"] in pages:
            text = _clean(report["text"])
            read[report["page"]] = OcrPage(report["page"], text, report["confidence"],
                                           page_languages(text))
    if not out.is_file():
        raise OcrFailed("OCRmyPDF made no output file")
    return [read.get(n, OcrPage(n, "", None, [])) for n in pages], out


def _run(args, env, timeout, reports, on_page):
    started = time.monotonic()
    # Its own session: on a timeout, the whole group (ocrmypdf, tesseract, ghostscript)
    # is killed. Niced: a delegate's search comes first.
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, preexec_fn=_nice)
    seen = 0
    try:
        while True:
            try:
                _, err = proc.communicate(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                pass
            count = len(list(reports.glob("page-*.json")))
            if count != seen and on_page:
                seen = count
                on_page(count)
            if time.monotonic() - started > timeout:
                _kill_group(proc)
                raise OcrFailed(f"OCR took longer than {timeout:g} s and was stopped")
    except BaseException:
        _kill_group(proc)
        raise
    if proc.returncode != 0:
        raise OcrFailed(_failure(proc.returncode, err.decode("utf-8", "replace")),
                        proc.returncode)


def _nice():
    # Runs in the child between fork and exec: nothing here may import or take a lock.
    os.nice(10)
    die_with_parent()


def _kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


# OCRmyPDF's exit codes (ocrmypdf.ExitCode) and what they mean to staff.
_EXIT_REASONS = {
    2: "the PDF could not be read by OCRmyPDF (bad input)",
    3: "a program OCR needs is missing",
    4: "OCRmyPDF could not write a valid output file",
    5: "OCRmyPDF could not read or write a file (permissions)",
    6: "the pages already carry text (no OCR needed)",
    7: "a program OCR uses (Tesseract or Ghostscript) failed on this file",
    8: "the PDF is encrypted",
    9: "OCRmyPDF's configuration is invalid",
    15: "OCRmyPDF failed unexpectedly",
}


def _failure(code, stderr):
    last = [line.strip() for line in stderr.splitlines() if line.strip()]
    detail = last[-1] if last else ""
    if len(detail) > 200:
        detail = detail[:197] + "..."
    reason = _EXIT_REASONS.get(code, f"OCRmyPDF stopped with exit code {code}")
    if code < 0:
        reason = f"OCRmyPDF was killed (signal {-code})"
    return f"{reason}: {detail}" if detail else reason


def _clean(text):
    # Tesseract's output: form feeds between pages, runs of blank lines.
    lines = [line.rstrip() for line in text.replace("\f", "\n").splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def ocr_result(pages, languages, availability):
    """The JSON-ready record kept in the OCR store for one document."""
    return {"tool": f"OCRmyPDF {availability.version}", "languages": languages,
            "pages": {str(p.number): {"text": p.text, "confidence": p.confidence,
                                      "languages": p.languages} for p in pages}}


def merged_languages(kept_with_ocr):
    """A document's languages once OCR'd pages count with its text layer."""
    pages = kept_with_ocr["pages"]
    return document_languages([(p["text"], p["languages"]) for p in pages])
