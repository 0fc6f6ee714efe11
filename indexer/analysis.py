"""Text analysis: one Snowball analyzer per language plus a language-neutral one.

Accents are folded for Latin-script letters only (so `hanoi` finds `Hanoï`), after
stemming, because the stemmers expect accented input. CJK, Arabic, Cyrillic and other
scripts are kept as written; CJK runs, written without spaces, are cut into bigrams.
"""
import re
import unicodedata

from whoosh.analysis import (Filter, LowercaseFilter, RegexTokenizer, StemFilter,
                             StopFilter)

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


class LatinFoldFilter(Filter):
    """Folds accented Latin letters in each token; leaves other scripts alone."""

    def __call__(self, tokens):
        for t in tokens:
            if not t.text.isascii():
                t.text = t.text.translate(LATIN_FOLD)
            yield t


# Hiragana, Katakana, CJK ideographs (and extension A), Hangul, compatibility ideographs.
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


class CjkBigramFilter(Filter):
    """Cuts tokens made of CJK characters into overlapping bigrams (as Lucene's CJK analyzer)."""

    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            if len(text) < 3 or text.isascii() or not _CJK.search(text):
                yield t
                continue
            for i in range(len(text) - 1):
                t.text = text[i:i + 2]
                yield t


def neutral_analyzer():
    """Any language: words, lower-cased, Latin accents folded, no stemming, no stop words."""
    return RegexTokenizer() | LowercaseFilter() | CjkBigramFilter() | LatinFoldFilter()


def language_analyzer(lang):
    """The Snowball stemmer and stop words of `lang`, then accent folding."""
    return (RegexTokenizer() | LowercaseFilter() | StopFilter(lang=lang)
            | StemFilter(lang=lang, cachesize=100000) | LatinFoldFilter())


def analyse(analyzer, text):
    """The terms an analyzer makes of a text (for highlighting and tests)."""
    return [t.text for t in analyzer(text)]
