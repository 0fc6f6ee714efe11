"""Works and their language versions.

A work is one document in one or more languages: the English report and its French
translation are two language versions of one work, as the UN's documents are. Each
document names its work by `work_id`; an empty `work_id` means the document is a work on
its own (its key is its own id). The key is opaque: when versions are linked, every member
takes the key of the work joined, so no member ever has to be renamed later.

Staff say which documents are versions of which; `suggest_versions` finds likely ones (same
event and type, a similar number of pages, the same numbers and names in both texts) for
them to confirm.
"""
import re
import unicodedata
from dataclasses import dataclass, field

MIN_SHARED_ANCHORS = 4        # fewer shared numbers and names than this is no evidence
MIN_SIMILARITY = 0.25         # share of the smaller text's anchors found in the other
MIN_PAGE_RATIO = 0.6          # page counts within this ratio of each other


@dataclass
class Work:
    """One work: its key and its language versions (documents), in language order."""

    key: str
    versions: list = field(default_factory=list)

    @property
    def languages(self):
        """Every language the work is available in, in version order, without repeats."""
        seen = []
        for doc in self.versions:
            seen += [lang for lang in doc.languages if lang not in seen]
        return seen

    def public(self):
        """The same work with only the versions delegates may see (None if none)."""
        shown = [d for d in self.versions if d.is_public]
        return Work(self.key, shown) if shown else None

    def version_in(self, language):
        """The version whose languages include `language`, or None."""
        return next((d for d in self.versions if language in d.languages), None)


def group_works(documents):
    """The works of some documents, in the order their first version comes."""
    works = {}
    for doc in documents:
        works.setdefault(doc.work, Work(doc.work)).versions.append(doc)
    for work in works.values():
        work.versions.sort(key=lambda d: (d.languages[0], d.id))
    return list(works.values())


def link(doc, target, members_of):
    """Make `doc` a language version of `target`'s work. `members_of(key)` lists a work's
    documents. Returns every document whose `work_id` changed (to be saved together)."""
    if doc.id == target.id:
        raise ValueError("a document cannot be a language version of itself")
    if doc.work == target.work:
        return []
    changed = detach(doc, members_of)
    key = target.work
    if target.work_id != key:          # a work of one becomes a work of two
        target.work_id = key
        changed.append(target)
    doc.work_id = key
    return _unique(changed + [doc])


def detach(doc, members_of):
    """Take `doc` out of its work (it stands alone again). Returns the documents whose
    `work_id` changed, `doc` included when it had one."""
    others = [d for d in members_of(doc.work) if d.id != doc.id]
    changed = []
    if len(others) == 1:
        # The one left is a work on its own again.
        if others[0].work_id:
            others[0].work_id = ""
            changed.append(others[0])
    elif others and doc.work == doc.id:
        # The others were keyed by this document's id: they take one of their own.
        for other in others:
            other.work_id = others[0].id
            changed.append(other)
    if doc.work_id:
        doc.work_id = ""
        changed.append(doc)
    return changed


@dataclass
class Suggestion:
    """A document that looks like a language version of another, with the evidence."""

    document: object
    score: float
    shared_numbers: list
    shared_names: list
    reasons: list


def suggest_versions(doc, candidates, text_of, limit=3):
    """The `candidates` most likely to be language versions of `doc`, best first.

    A candidate must be of the same event and type, in another language, not retracted,
    not already in the work, and of a similar length; it is then scored by the share of
    `doc`'s numbers, dates and names (acronyms, capitalised words) found in its text too,
    since those survive translation while the words do not. `text_of(document)` returns a
    document's kept text."""
    mine = anchors(text_of(doc))
    found = []
    for other in candidates:
        if not _comparable(doc, other):
            continue
        theirs = anchors(text_of(other))
        numbers = sorted(mine["numbers"] & theirs["numbers"])
        names = sorted(mine["names"] & theirs["names"])
        smaller = min(len(mine["numbers"]) + len(mine["names"]),
                      len(theirs["numbers"]) + len(theirs["names"]))
        shared = len(numbers) + len(names)
        score = shared / smaller if smaller else 0.0
        if shared < MIN_SHARED_ANCHORS or score < MIN_SIMILARITY:
            continue
        reasons = ["same event and type",
                   f"{doc.page_count} and {other.page_count} pages",
                   f"{len(numbers)} numbers and {len(names)} names in common"]
        found.append(Suggestion(other, round(score, 3), numbers[:8], names[:8], reasons))
    found.sort(key=lambda s: (-s.score, s.document.id))
    return found[:limit]


def _comparable(doc, other):
    if other.id == doc.id or other.work == doc.work or other.status == "retracted":
        return False
    if other.event_id != doc.event_id or other.type != doc.type:
        return False
    if set(other.languages) == set(doc.languages):
        return False
    low, high = sorted((doc.page_count or 0, other.page_count or 0))
    return high == 0 or low / high >= MIN_PAGE_RATIO


_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?")
_WORD = re.compile(r"[^\W\d_]+")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;•\n])\s*$")
ANCHOR_TEXT_CHARS = 300_000   # enough to tell; a 500-page annex need not be read whole


def anchors(kept):
    """The numbers and names of a kept text, which translation leaves as they are.

    Numbers lose their thousands separators (`1,000`, `1 000` and `1.000` are one number);
    one-digit numbers are too common to tell anything. Names are acronyms and capitalised
    words of four letters or more, accents removed; a capitalised word counts only where it
    does not start a sentence, so that "The" and "Les" are left out."""
    text = "\n".join(p.get("text", "") for p in kept.get("pages", []))[:ANCHOR_TEXT_CHARS]
    numbers = {re.sub(r"\D", "", n) for n in _NUMBER.findall(text)}
    numbers = {n.lstrip("0") or "0" for n in numbers if len(n) >= 2}
    names = set()
    for match in _WORD.finditer(text):
        word = match.group()
        if len(word) >= 2 and word.isupper():
            names.add(_fold(word))
        elif len(word) >= 4 and word[0].isupper() and \
                not _SENTENCE_START.search(text, max(0, match.start() - 3), match.start()):
            names.add(_fold(word))
    return {"numbers": numbers, "names": names}


def _fold(word):
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()


def _unique(docs):
    out = {}
    for doc in docs:
        out[doc.id] = doc
    return list(out.values())
