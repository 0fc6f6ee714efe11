"""Reading a PDF with pypdf: refusing what is not a usable PDF, and extracting each page.

`analyse_pdf` returns the JSON-ready record that the store keeps beside the PDF, so the
index can be rebuilt without parsing any PDF again.
"""
import logging

import pypdf
from pypdf.errors import FileNotDecryptedError, LimitReachedError, PyPdfError

from indexer.errors import PdfRefused
from indexer.language import document_page_languages
from indexer.ocr import is_unreadable
from indexer.textnorm import normalise_pages

EXTRACTOR_VERSION = f"pypdf-{pypdf.__version__}/norm-1"
_HEADER_WINDOW = 1024     # PDF readers accept %PDF- anywhere in the first KiB

# pypdf logs every recoverable oddity of a file; the refusal messages say what matters.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def check_header(path):
    """Refuse a file that is empty or does not start like a PDF (judged by content)."""
    with open(path, "rb") as f:
        head = f.read(_HEADER_WINDOW)
    if not head:
        raise PdfRefused("empty", "the file is empty")
    if b"%PDF-" not in head:
        raise PdfRefused("not_pdf", "the file is not a PDF (it has no %PDF- header)")


def open_pdf(path):
    """A PdfReader on a readable, unencrypted (or empty-password) PDF, or PdfRefused."""
    check_header(path)
    try:
        reader = pypdf.PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfRefused("encrypted", "the PDF is password-protected; upload it unlocked")
        if len(reader.pages):
            reader.pages[0]     # parse the page tree now, inside this error handling
    except PdfRefused:
        raise
    except (FileNotDecryptedError,) as e:
        raise PdfRefused("encrypted", f"the PDF is password-protected ({e})") from e
    except LimitReachedError as e:
        raise PdfRefused("too_large", f"the PDF expands beyond safe limits ({e})") from e
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, AssertionError) as e:
        raise PdfRefused("corrupt", f"the PDF is damaged and cannot be read ({_short(e)})") from e
    if len(reader.pages) == 0:
        raise PdfRefused("corrupt", "the PDF has no pages")
    return reader


def analyse_pdf(path, max_pages=2000):
    """Extract, normalise and detect the language of every page of a PDF."""
    reader = open_pdf(path)
    if len(reader.pages) > max_pages:
        raise PdfRefused("too_many_pages",
                         f"the PDF has {len(reader.pages)} pages; the limit is {max_pages}")
    raw, failed = _page_texts(reader)
    texts = normalise_pages(raw)
    # Langdetect once for the document, then only on the pages not plainly in its language.
    page_langs, doc_langs = document_page_languages(texts)
    pages = [{"text": t, "languages": langs} for t, langs in zip(texts, page_langs)]
    return {
        # Judged on the text layer as it is, not as normalised: a page whose lines all
        # repeat on other pages (running headers) has text, not a scan.
        "unreadable_pages": [n for n, text in enumerate(raw, start=1) if is_unreadable(text)],
        "extractor": EXTRACTOR_VERSION,
        "page_count": len(pages),
        "pages": pages,
        "languages": doc_langs,
        "text_status": _text_status(texts, failed),
        "failed_pages": failed,
        "pdf_title": _metadata_title(reader),
        "first_line": _first_line(raw),
    }


def _page_texts(reader):
    texts, failed = [], []
    for number, page in enumerate(reader.pages, start=1):
        try:
            texts.append(page.extract_text() or "")
        except LimitReachedError as e:
            raise PdfRefused("too_large", f"page {number} expands beyond safe limits") from e
        except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
                RecursionError, AssertionError, ZeroDivisionError):
            # One broken page must not cost the others: keep it, empty, and say so.
            texts.append("")
            failed.append(number)
    return texts, failed


def _text_status(texts, failed):
    with_text = sum(1 for t in texts if t)
    if with_text == 0:
        return "no_text"
    if failed or with_text < len(texts):
        return "partial_text"
    return "ok"


def _first_line(raw_pages):
    # The first heading is a better title suggestion than a file name.
    for text in raw_pages:
        for line in (text or "").splitlines():
            if len(line.strip()) >= 4:
                return " ".join(line.split())[:200]
    return ""


def _metadata_title(reader):
    try:
        title = reader.metadata.title if reader.metadata else None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        return ""
    return str(title).strip() if title else ""


def _short(e):
    text = str(e) or type(e).__name__
    return text if len(text) < 160 else text[:157] + "..."
