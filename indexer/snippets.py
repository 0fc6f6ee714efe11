"""Snippets: the passage of a page where the query's words are densest, words marked.

The result is HTML-safe: every character of the page text is escaped, and only our own
<mark> tags are added, so a page that contains `<script>` shows it as text.
"""
import re
from html import escape

from indexer.analysis import analyse, fold

WINDOW = 240
LEAD = 40
_WORD = re.compile(r"\w+")


class WordMatcher:
    """Tells whether a word of a page matches the query, in any of the query's fields."""

    def __init__(self, schema, terms, prefixes):
        self.analyzers = {f: schema[f].analyzer for f, _ in terms | prefixes
                          if f in schema and getattr(schema[f], "analyzer", None)}
        self.terms = terms
        self.prefixes = prefixes
        self.cache = {}
        # Stemming only trims endings: a word whose first letters match no query term's
        # cannot match, and most words of a page are ruled out without any analysis.
        self.heads = {text[:3] for _, text in terms | prefixes}
        # The words worth asking about, found by one regular expression: those that
        # begin (in any case) with a head, and those with a letter beyond ASCII among
        # their first three (folding may turn it into a head's; it changes no ASCII
        # letter but its case). A head with a character that is no word character
        # ("3.5", "mg/kg", a combining mark) begins no `_WORD` and would match across
        # words: it is left out.
        heads = "|".join(map(re.escape, sorted((h for h in self.heads if _WORD.fullmatch(h)),
                                               key=len, reverse=True)))
        self.candidates = re.compile(
            r"\b(?:" + (f"(?i:{heads})|" if heads else "") + r"\w{0,2}[^\W\x00-\x7f])\w*")

    def matches(self, word):
        """Whether `word` is (or analyses to) one of the query's terms or prefixes."""
        key = word.lower()
        if key not in self.cache:
            self.cache[key] = self._matches(word)
        return self.cache[key]

    def _matches(self, word):
        if fold(word)[:3] not in self.heads:
            return False
        for field, analyzer in self.analyzers.items():
            for term in analyse(analyzer, word):
                if (field, term) in self.terms:
                    return True
                if any(f == field and term.startswith(p) for f, p in self.prefixes):
                    return True
        return False


def make_snippet(text, matcher):
    """HTML for the best ~240-character passage of `text`, matched words in <mark>."""
    if not text:
        return ""
    spans = _matching_spans(text, matcher) if matcher else []
    if not spans:
        return _cut(text, 0, None)
    start = _densest(spans)
    window = [s for s in spans if start <= s[0] and s[1] <= start + WINDOW]
    begin = max(0, start - LEAD)
    begin = text.rfind(" ", 0, begin) + 1 if begin else 0
    return _cut(text, begin, window)


def _matching_spans(text, matcher):
    r"""(start, end) of each word of `text` the matcher accepts. Only the words the
    matcher's `candidates` expression finds are asked about, each distinct word once
    (finding every word of the page, then asking, was a third of a search's time on the
    tantivy engine). `\b` and `\w+` agree on what a word is, so the spans are those of
    `_WORD`."""
    matches = matcher.matches
    return [m.span() for m in matcher.candidates.finditer(text) if matches(m.group())]


def _densest(spans):
    # Spans are in text order, so their ends rise: the spans a window starting at each
    # one holds are counted with a second pointer, not by rescanning the rest.
    best, best_count, j = spans[0][0], 0, 0
    for i, (s, _) in enumerate(spans):
        j = max(j, i)
        while j < len(spans) and spans[j][1] <= s + WINDOW:
            j += 1
        if j - i > best_count:
            best, best_count = s, j - i
    return best


def _cut(text, begin, marks):
    end = min(len(text), begin + WINDOW + LEAD)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > begin else end
    out, pos = [], begin
    for s, e in marks or []:
        if s < pos or e > end:
            continue
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    prefix = "… " if begin > 0 else ""
    suffix = " …" if end < len(text) else ""
    return prefix + "".join(out).strip() + suffix
