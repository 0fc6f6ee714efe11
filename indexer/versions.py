"""Suggesting language versions: which documents look like translations of one another.

Translation changes the words but keeps the numbers, the dates, the names and acronyms,
the Convention's concepts (found through the thesaurus, in any language) and, roughly, the
page on which each comes. A candidate is scored on those, page by page and as a whole,
after setting aside what every document of the event shares (its city, its year, the
sample notice), which tells nothing about a pair.
"""
import re
from collections import Counter
from dataclasses import dataclass

from indexer.analysis import fold
from indexer.search import LRU
from indexer.thesaurus import concepts_in

MIN_PAGE_RATIO = 0.6      # page counts within this ratio of each other
MIN_SHARED = 3            # fewer shared anchors than this is no evidence
MIN_SCORE = 0.3           # mean of the page-by-page and whole-text overlaps
TEXT_CHARS = 300_000      # enough to tell; a 500-page annex need not be read whole


@dataclass
class Suggestion:
    """A document that looks like a language version of another, with the evidence."""

    document: object
    score: float
    shared: list          # a few of the numbers, names and concepts both texts have

    def to_dict(self):
        """A JSON-ready form."""
        return {"id": self.document.id, "title": self.document.title,
                "languages": self.document.languages, "score": self.score,
                "shared": self.shared}


def suggest_versions(repo, doc_id, limit=3):
    """The documents of the same event most likely to be language versions of `doc_id`,
    best first: same type, another language, not retracted, not already in its work, a
    similar number of pages, and enough numbers, names and concepts in common."""
    doc = repo.document(doc_id)
    others = [d for d in repo.documents(doc.event_id) if d.id != doc.id]
    if not any(_comparable(doc, other) for other in others):
        return []            # nothing could be a version of it: no text need be read
    event = repo.event(doc.event_id)
    pages = {d.id: _anchors_of(repo, d) for d in [doc] + others}
    common = _event_wide(pages, event)
    mine = [p - common for p in pages[doc.id]]
    found = []
    for other in others:
        if not _comparable(doc, other):
            continue
        theirs = [p - common for p in pages[other.id]]
        score, shared = _similarity(mine, theirs)
        if len(shared) >= MIN_SHARED and score >= MIN_SCORE:
            readable = sorted(x[2:].replace("-", " ") for x in shared)
            found.append(Suggestion(other, round(score, 3), readable[:10]))
    found.sort(key=lambda s: (-s.score, s.document.id))
    return found[:limit]


def _comparable(doc, other):
    if other.work == doc.work or other.status == "retracted" or other.type != doc.type:
        return False
    if set(other.languages) == set(doc.languages):
        return False
    low, high = sorted((doc.page_count or 0, other.page_count or 0))
    return high == 0 or low / high >= MIN_PAGE_RATIO


def _similarity(a_pages, b_pages):
    """(score, shared anchors): the mean of the page-aligned overlap and the whole-text
    overlap. Pages are aligned by their position in the document, allowing a page of
    drift either way, since a French text runs longer than its English original."""
    whole_a, whole_b = set().union(*a_pages or [set()]), set().union(*b_pages or [set()])
    shared = whole_a & whole_b
    if not shared:
        return 0.0, set()
    whole = len(shared) / min(len(whole_a), len(whole_b))
    per_page = []
    for k, page in enumerate(a_pages):
        centre = round(k * len(b_pages) / len(a_pages))
        near = b_pages[max(0, centre - 1): centre + 2]
        per_page.append(max((_overlap(page, other) for other in near), default=0.0))
    aligned = sum(per_page) / max(len(a_pages), len(b_pages))
    return (aligned + whole) / 2, shared


def _overlap(a, b):
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _event_wide(pages, event):
    """Anchors that most of the event's documents have, and those of the event's own
    title and place: shared by a pair, they say nothing about it."""
    per_doc = Counter(x for doc_pages in pages.values() for x in set().union(*doc_pages or [set()]))
    # A pair's own evidence is in two documents: only what more (and most) have is common.
    common = {x for x, n in per_doc.items() if n >= 3 and n > len(pages) / 2}
    about = " ".join([*event.titles.values(), event.city, event.start, event.end])
    return common | anchors(about)


_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?")
_WORD = re.compile(r"[^\W\d_]+")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;•\n])\s*$")


# The page anchors of recently compared texts, by content: every upload to an event
# compares it with all the event's documents, and reading and scanning each text again
# made an upload's cost grow with the event (bench/staff_load.py: most of a web process's
# upload time). Keyed by the PDF's hash and the state of its OCR result, so a text OCR
# later changed is read afresh.
_ANCHORS = LRU(4096)


def _anchors_of(repo, doc):
    """The page anchors of a document's kept text (remembered by content)."""
    try:
        ocr = repo.ocr.path(doc.sha256).stat().st_mtime_ns
    except FileNotFoundError:
        ocr = None
    return _ANCHORS.get_or_make((doc.sha256, ocr),
                                lambda: (_page_anchors(repo.text(doc)), True))


def _page_anchors(kept):
    out, budget = [], TEXT_CHARS
    for page in kept.get("pages", []):
        text = page.get("text", "")[:max(0, budget)]
        budget -= len(text)
        out.append(anchors(text))
    return out


def anchors(text):
    """What translation leaves as it is in a text: numbers (`n:`, two digits or more,
    thousands separators dropped, so `1,000`, `1 000` and `1.000` are one), names and
    acronyms (`w:`, capitalised words not starting a sentence, folded as the index folds
    them) and the Convention's concepts (`c:`, from the thesaurus)."""
    found = {"n:" + (re.sub(r"\D", "", n).lstrip("0") or "0")
             for n in _NUMBER.findall(text) if len(re.sub(r"\D", "", n)) >= 2}
    for match in _WORD.finditer(text):
        word = match.group()
        if (len(word) >= 2 and word.isupper()) or (
                len(word) >= 4 and word[0].isupper()
                and not _SENTENCE_START.search(text, max(0, match.start() - 3), match.start())):
            found.add("w:" + fold(word))
    found |= {"c:" + c for c in concepts_in(text)}
    return found
