"""Normalising extracted page text: ligatures, hyphenation, running headers, whitespace."""
import re
from collections import Counter

LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
             "\ufb05": "st", "\ufb06": "st"}
_LIGATURE_RE = re.compile("|".join(LIGATURES))
# A word broken by a hyphen at a line end: "pack-\nages". Soft hyphens (U+00AD) too.
_HYPHEN_BREAK = re.compile(r"(\w+)[-\u00ad]\s*\n\s*(\w+)")
# What every such break has: a cheap test that spares most pages the search above.
_BREAK_MARK = re.compile(r"[-\u00ad]\s*\n")
_WORD = re.compile(r"\w+")
_COMPOUND = re.compile(r"\w+(?:-\w+)*")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")


def repair_ligatures(text):
    """Replace typographic ligature characters by their letters (ﬁ -> fi)."""
    return _LIGATURE_RE.sub(lambda m: LIGATURES[m.group()], text)


def join_hyphenated(text, vocabulary):
    """Join words split across line ends, unless the hyphenated form is a known compound.

    "pack-\\nages" becomes "packages"; "mercury-\\nadded" stays "mercury-added" when the
    document elsewhere writes "mercury-added" and never "mercuryadded".
    """
    def join(m):
        head, tail = m.group(1), m.group(2)
        joined = head + tail
        if tail[0].isupper() or tail[0].isdigit():
            return f"{head}-{tail}"
        if vocabulary[f"{head}-{tail}".lower()] and not vocabulary[joined.lower()]:
            return f"{head}-{tail}"
        return joined
    if not _BREAK_MARK.search(text):
        return text
    return _HYPHEN_BREAK.sub(join, text)


def vocabulary_of(texts):
    """Counts of the words and hyphenated compounds written whole on one line."""
    counts = Counter()
    for text in texts:
        # Neither pattern matches a line break: a whole page's matches are its lines'.
        counts.update(w.lower() for w in _COMPOUND.findall(text))
        counts.update(w.lower() for w in _WORD.findall(text))
    return counts


def running_lines(pages, edge=2, share=0.6):
    """Lines that repeat at the top or bottom of most pages (headers, footers, page numbers)."""
    if len(pages) < 3:
        return set()
    counts = Counter()
    for text in pages:
        lines = [ln.strip() for ln in text.splitlines() if 0 < len(ln.strip()) <= 120]
        counts.update({_shape(ln) for ln in lines[:edge] + lines[-edge:]})
    return {shape for shape, n in counts.items() if n >= share * len(pages)}


def _shape(line):
    return _DIGITS.sub("#", line.strip().lower())


def normalise_pages(raw_pages):
    """Clean every page's text; running headers are kept on the first page only."""
    repaired = pages = [repair_ligatures(p or "") for p in raw_pages]
    running = running_lines(pages)
    if running:
        pages = [pages[0]] + ["\n".join(ln for ln in text.splitlines()
                                        if _shape(ln) not in running) for text in pages[1:]]
    pages = _join_across_pages(pages)
    # The vocabulary (of the text as extracted) only decides how to join broken words:
    # counted only when a page has one.
    if any(_BREAK_MARK.search(text) for text in pages):
        vocabulary = vocabulary_of(repaired)
        pages = [join_hyphenated(text, vocabulary) for text in pages]
    return [_SPACES.sub(" ", text).strip() for text in pages]


_TRAILING_BREAK = re.compile(r"(\w+)[-\u00ad]\s*$")
_LEADING_TAIL = re.compile(r"^\s*([a-z\u00df-\u00ff]\w*)[ \t]*\n?")


def _join_across_pages(pages):
    """A word hyphenated across a page break is completed on the page where it starts."""
    pages = list(pages)
    for i in range(len(pages) - 1):
        if not pages[i].rstrip().endswith(("-", "\u00ad")):
            continue        # (the search below is slow on a long page: most have none)
        head = _TRAILING_BREAK.search(pages[i])
        tail = _LEADING_TAIL.match(pages[i + 1])
        if head and tail:
            pages[i] = pages[i][:head.start()] + head.group(1) + tail.group(1)
            pages[i + 1] = pages[i + 1][tail.end():]
    return pages
