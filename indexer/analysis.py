"""Text analysis: one Snowball analyzer per language plus a language-neutral one.

Accents are folded for Latin-script letters only (so `hanoi` finds `Hanoï`), after
stemming, because the stemmers expect accented input. CJK, Arabic, Cyrillic and other
scripts are kept as written; CJK runs, written without spaces, are cut into bigrams.
"""
import re
import unicodedata
from functools import lru_cache

from whoosh.analysis import RegexTokenizer, StopFilter
from whoosh.lang import stemmer_for_language

STEMMED_LANGUAGES = ("en", "fr", "es", "pt", "de", "ru")
_SPECIAL_FOLDS = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "þ": "th",
                  "ı": "i", "Æ": "ae", "Œ": "oe", "Ø": "o"}


def _latin_fold_map():
    """A str.translate table folding accented Latin letters to their base letters."""
    table = {}
    for cp in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFKD", ch)
                       if not unicodedata.combining(c))
        if base and base != ch and base.isascii() and base.isalpha():
            table[cp] = base.lower()
    table.update({ord(k): v for k, v in _SPECIAL_FOLDS.items()})
    return table


LATIN_FOLD = _latin_fold_map()


def fold(text):
    """Lower-case and fold Latin accents (`Réunion` -> `reunion`); other scripts unchanged."""
    return text.lower().translate(LATIN_FOLD)


# Hiragana, Katakana, CJK ideographs (and extension A), Hangul, compatibility ideographs.
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


# Whoosh's word expression and one that matches the same words 30 % faster: its
# optional dot let the group take word characters the first run had taken, which the
# regex engine tried again at the end of every word.
_FASTER = {r"[\w\*]+(\.?[\w\*]+)*": r"[\w*]+(?:\.[\w*]+)*"}


@lru_cache(maxsize=None)
def _whole_matches(pattern):
    """`pattern` with its groups made non-capturing: findall then returns whole matches."""
    if pattern in _FASTER:
        return re.compile(_FASTER[pattern], re.UNICODE)
    return re.compile(re.sub(r"(?<!\\)\((?!\?)", "(?:", pattern), re.UNICODE)


def _words(tokenizer, value):
    """The words a RegexTokenizer (gaps off, its default) makes of a value."""
    whole = _whole_matches(tokenizer.expression.pattern)
    if whole.groups:         # (a group the rewrite missed: findall would give groups)
        return [m.group(0) for m in tokenizer.expression.finditer(value)]
    return whole.findall(value)


class NeutralAnalyzer(RegexTokenizer):
    """Any language: words, lower-cased, CJK runs cut into overlapping bigrams (as
    Lucene's CJK analyzer), Latin accents folded; no stemming, no stop words.

    One tokenizer doing every step, rather than a chain of Whoosh filters: each filter is
    a generator the token passes through, and analysis was most of indexing's time."""

    def __call__(self, value, **kwargs):
        for t in super().__call__(value, **kwargs):
            text = t.text.lower()
            if len(text) >= 3 and not text.isascii() and _CJK.search(text):
                for i in range(len(text) - 1):
                    t.text = text[i:i + 2].translate(LATIN_FOLD)
                    yield t
                continue
            t.text = text if text.isascii() else text.translate(LATIN_FOLD)
            yield t

    def __eq__(self, other):
        return type(other) is type(self)

    def terms(self, value):
        """The token texts of __call__(value), made without Token objects: what the
        tantivy engine indexes (its build spends most of its time here)."""
        out = []
        for word in _words(self, value):
            text = word.lower()
            if text.isascii():
                out.append(text)
            elif len(text) >= 3 and _CJK.search(text):
                out.extend(text[i:i + 2].translate(LATIN_FOLD) for i in range(len(text) - 1))
            else:
                out.append(text.translate(LATIN_FOLD))
        return out


class LanguageAnalyzer(RegexTokenizer):
    """One language's words: lower-cased, its stop words (and Whoosh's English ones)
    dropped, Snowball-stemmed, then Latin accents folded (the stemmers expect accents).

    Whoosh's StopFilter and StemFilter behaviour in one pass (see NeutralAnalyzer), with
    a plain dictionary of stems, dropped from the pickled schema and rebuilt on load."""

    def __init__(self, lang):
        super().__init__()
        self.lang = lang
        self._setup()

    def _setup(self):
        stop = StopFilter(lang=self.lang)
        self._stops, self._min = stop.stops, stop.min
        self._stemfn = stemmer_for_language(self.lang)
        self._stems = {}

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items()
                if k not in ("_stops", "_min", "_stemfn", "_stems")}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._setup()

    def __eq__(self, other):
        return type(other) is type(self) and other.lang == self.lang

    def _stem(self, word):
        stem = self._stems.get(word)
        if stem is None:
            stem = self._stemfn(word)
            stem = stem if stem.isascii() else stem.translate(LATIN_FOLD)
            if len(self._stems) > 200_000:      # bounded: a pathological text
                self._stems.clear()
            self._stems[word] = stem
        return stem

    def terms(self, value):
        """The token texts of __call__(value) (stop words removed), made without Token
        objects: what the tantivy engine indexes."""
        stops, least, stems, stem = self._stops, self._min, self._stems, self._stem
        # Lower-casing an ASCII text changes no word's bounds: it is done once.
        words = _words(self, value.lower()) if value.isascii() else \
            [word.lower() for word in _words(self, value)]
        return [stems[w] if w in stems else stem(w) for w in words
                if len(w) >= least and w not in stops]

    def __call__(self, value, **kwargs):
        stops, least, pos = self._stops, self._min, None
        for t in super().__call__(value, **kwargs):
            text = t.text.lower()
            if len(text) >= least and text not in stops:
                if t.positions:           # positions count the words kept (renumbered)
                    if pos is None:
                        pos = t.pos
                    else:
                        pos += 1
                        t.pos = pos
                t.stopped = False
                t.text = self._stem(text)
                yield t
            elif not t.removestops:
                t.stopped = True
                t.text = text if text.isascii() else text.translate(LATIN_FOLD)
                yield t


def neutral_analyzer():
    """Any language: words, lower-cased, Latin accents folded, no stemming, no stop words."""
    return NeutralAnalyzer()


def language_analyzer(lang):
    """The Snowball stemmer and stop words of `lang`, then accent folding."""
    return LanguageAnalyzer(lang)


def analyse(analyzer, text):
    """The terms an analyzer makes of a text (for indexing in tantivy, highlighting and
    tests); our analyzers make them without Token objects."""
    if isinstance(analyzer, (NeutralAnalyzer, LanguageAnalyzer)):
        return analyzer.terms(text)
    return [t.text for t in analyzer(text)]
