"""Language detection with langdetect, made deterministic, per page and per document.

`page_languages` judges one page on its own, in up to three langdetect calls.
`document_page_languages` gives the same answers for a whole document for far fewer
calls: the document's likely language is found by its stop words in a sample, and a page
whose every piece plainly is in that language by its stop words is given it without
langdetect; only the other pages get `page_languages`.
"""
import re
from functools import lru_cache

from indexer.analysis import STEMMED_LANGUAGES
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

# langdetect samples at random: without a fixed seed the same text can change language.
DetectorFactory.seed = 0
# langdetect averages 7 random trials by default. On pieces of ~300 characters, 3 trials
# give the same best language (900 of 900 pieces of the benchmark corpus, and every
# language test) in 57 % of the time; only the best language of a piece is used.
TRIALS = 3

UNDETERMINED = "und"
MIN_LETTERS = 40          # below this, langdetect guesses (about 92 % right on 20 chars)
PAGE_SHARE = 0.25         # a language holding this share of a page counts for the page
DOCUMENT_SHARE = 0.15     # ... and this share of a document's text, for the document
_SAMPLE = 3000            # characters of a page given to the detector
_PIECE_SAMPLE = 320       # characters of each piece of a page given to the detector
# Pieces end after a sentence's end or at a bullet. The expressions are written to start
# with a character class, which the regex engine scans for fast (a lookbehind tried at
# every character cost 4×), and a page without bullets is cut by the first alone.
_BULLETS = "•▪●"
_SENTENCE_END = re.compile(r"\s(?<=[.!?;:]\s)\s*")
_SENTENCE_OR_BULLET_END = re.compile(r"\s(?<=[.!?;:]\s)\s*|[•▪●]\s*|\s\s*[•▪●]\s*")
# MIN_LETTERS letters, each after any non-letters: a match stops at the 40th letter,
# where counting every letter of a page with findall built a list of them all.
_ENOUGH_LETTERS = re.compile(r"(?:[\W\d_]*[^\W\d_]){%d}" % MIN_LETTERS, re.UNICODE)
_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)


@lru_cache(maxsize=1)
def _factory():
    """langdetect's detector factory with all its language profiles, loaded once."""
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(0)
    return factory


def has_enough_letters(text):
    """Whether `text` holds at least MIN_LETTERS letters: below that, langdetect guesses."""
    return _ENOUGH_LETTERS.match(text) is not None


def normalise_code(code):
    """langdetect's codes to ours: zh-cn and zh-tw are both `zh`."""
    return code.split("-")[0].lower()


def detect_languages(text):
    """The languages of one stretch of text as [(code, share)], best first; [] if too short."""
    if not has_enough_letters(text):
        return []
    try:
        detector = _factory().create()
        detector.n_trial = TRIALS
        detector.append(text[:_SAMPLE])
        found = detector.get_probabilities()
    except LangDetectException:
        return []
    shares = {}
    for lang in found:
        code = normalise_code(lang.lang)
        shares[code] = shares.get(code, 0.0) + lang.prob
    return sorted(shares.items(), key=lambda kv: -kv[1])


def page_languages(text, likely=None):
    """The languages of a page (two when it is written in two), best first.

    A whole-page guess calls a page that is half English, half Spanish "Spanish" with
    99.9 % confidence, so the page is judged in a few sentence-aligned pieces instead.
    A piece plainly in the `likely` language by its stop words (see is_plainly) is given
    it without langdetect, as langdetect would give it.
    """
    weight = {}
    for piece in _pieces(text):
        # langdetect's cost grows with the text; 300 characters are ~97 % accurate.
        sample = piece[:_PIECE_SAMPLE]
        if likely is not None and has_enough_letters(sample) and \
                _plain_piece(piece, sample, likely):
            # (a piece too short for langdetect counts for no language, plain or not)
            found = [(likely, 1.0)]
        else:
            found = detect_languages(sample)
        if found:
            weight[found[0][0]] = weight.get(found[0][0], 0) + len(piece)
    total = sum(weight.values())
    ranked = sorted(weight.items(), key=lambda kv: -kv[1])
    return [code for code, w in ranked if w / total >= PAGE_SHARE]


def _pieces(text, most=3, least=80):
    """Cut text at sentence or bullet ends into at most `most` pieces of `least`+ chars."""
    cut = _SENTENCE_OR_BULLET_END if any(b in text for b in _BULLETS) else _SENTENCE_END
    return _joined(cut.split(text), len(text), most, least)


def _joined(sentences, length, most, least):
    """A text's sentences (`length`: the text's) joined into at most `most` pieces of
    `least` or more characters."""
    size = max(least, length // most + 1)
    pieces, current = [], ""
    for sentence in sentences:
        current = f"{current} {sentence}" if current else sentence
        if len(current) >= size:
            pieces.append(current)
            current = ""
    if current:
        if pieces and len(current) < least // 2:
            pieces[-1] += " " + current
        else:
            pieces.append(current)
    return pieces


def document_languages(pages):
    """A document's languages: those covering at least DOCUMENT_SHARE of its text."""
    weight = {}
    for text, langs in pages:
        for code in langs:
            weight[code] = weight.get(code, 0) + len(text) / len(langs)
    total = sum(weight.values())
    if not total:
        return []
    ranked = sorted(weight.items(), key=lambda kv: -kv[1])
    return [code for code, w in ranked if w / total >= DOCUMENT_SHARE]


# -- one document at a time ------------------------------------------------------------
# A piece is plainly in a language when at least this many of its words are stop words
# that only that language's list holds among ours, and other lists' stop words number at
# most this share of them. Measured with bench/langdetect_bench.py: every page accepted
# so gets the answer `page_languages` gives it (shipped documents, 2,000 benchmark pages,
# 4,000 pages with a 10-50 % stretch of another language); 3 words were as exact, 4 keep
# a margin.
MIN_OWN_STOP_WORDS = 4
MAX_OTHER_SHARE = 0.1
_DOCUMENT_SAMPLE_PAGES = 8     # pages of a document sampled for its language ...
_DOCUMENT_SAMPLE_CHARS = 200   # ... and characters taken from each
# Words missing from a Snowball list that are common words of its language: French's
# list lacks its plural article, which Spanish's holds as a pronoun.
_MISSING_STOP_WORDS = {"fr": ("les",)}


@lru_cache(maxsize=1)
def _stop_lists():
    """{language: its stop words} for Whoosh's (Snowball's) 14 lists."""
    from whoosh.lang.stopwords import stoplists
    return {lang: frozenset(w.lower() for w in words) | set(_MISSING_STOP_WORDS.get(lang, ()))
            for lang, words in stoplists.items()}


@lru_cache(maxsize=1)
def _own_stop_words():
    """{stop word: language} for the words in the stop-word list of exactly one of the
    languages we index: only such a word tells those languages apart."""
    owners = {}
    for lang in STEMMED_LANGUAGES:
        for word in _stop_lists()[lang]:
            owners.setdefault(word, set()).add(lang)
    return {word: langs.pop() for word, langs in owners.items() if len(langs) == 1}


@lru_cache(maxsize=None)
def _foreign_stop_words(lang):
    """The stop words of any of the 14 lists that `lang`'s list lacks: in a text of
    `lang` they are rare, so each one is a sign of another language (Italian's `il`,
    `di`, `che` in a Spanish-looking piece, English's `the` in a French one)."""
    lists = _stop_lists()
    return frozenset().union(*lists.values()) - lists[lang]


def is_plainly(text, lang):
    """Whether a stretch of text plainly is in `lang` by its stop words: enough of the
    words only `lang`'s list has among our languages, and next to no stop word of another
    list that `lang`'s lacks. False when unsure (a script with no list such as Chinese or
    Arabic, too few words, a mix of languages)."""
    if lang not in STEMMED_LANGUAGES:
        return False
    own_words, foreign = _own_stop_words(), _foreign_stop_words(lang)
    own = other = 0
    for word in _WORDS.findall(text.lower()):
        if own_words.get(word) == lang:
            own += 1
        elif word in foreign and len(word) > 1:
            # A single letter is an initial, a unit or a list mark more often than a word.
            other += 1
    return own >= MIN_OWN_STOP_WORDS and other <= MAX_OTHER_SHARE * own


def plain_page_languages(text, lang):
    """[lang] when each piece of a page that `page_languages` would judge plainly is in
    `lang` (so it would call every piece `lang`), [] for a page too short to judge, or
    None: the page needs `page_languages`."""
    judged = False
    for piece in _pieces(text):
        sample = piece[:_PIECE_SAMPLE]          # what page_languages gives langdetect
        if not has_enough_letters(sample):
            continue                            # page_languages skips it too
        if not _plain_piece(piece, sample, lang):
            return None
        judged = True
    return [lang] if judged else []


def _plain_piece(piece, sample, lang):
    """Whether the part of a piece page_languages judges (`sample`) is plainly `lang`."""
    # The word cut at the end of the sample is not a word (`bu` of `building` is a
    # Turkish stop word).
    whole = sample if len(piece) <= _PIECE_SAMPLE else sample.rsplit(None, 1)[0]
    return is_plainly(whole, lang)


def document_sample(texts):
    """A few hundred characters from pages spread over the whole document."""
    with_text = [t for t in texts if has_enough_letters(t)]
    if not with_text:
        return ""
    step = max(1, len(with_text) / _DOCUMENT_SAMPLE_PAGES)
    chosen = [with_text[int(i * step)] for i in range(min(len(with_text),
                                                          _DOCUMENT_SAMPLE_PAGES))]
    # From the middle of each page: its first lines are often a running header.
    return " ".join(t[max(0, len(t) // 2 - _DOCUMENT_SAMPLE_CHARS // 2):][
        :_DOCUMENT_SAMPLE_CHARS] for t in chosen)


def likely_language(text):
    """The one of our stemmed languages whose own stop words (see is_plainly) are most
    frequent in `text`, or None when none is there.

    Only a candidate: a page gets it only when its own stop words plainly say so, and
    `page_languages` judges the others. A wrong candidate costs time, not answers. It
    replaced a langdetect call on the sample, which was a third of language detection's
    time and, for a script without a stop-word list, told nothing usable either."""
    own_words = _own_stop_words()
    votes = {}
    for word in _WORDS.findall(text.lower()):
        lang = own_words.get(word)
        if lang is not None:
            votes[lang] = votes.get(lang, 0) + 1
    return max(votes, key=votes.get) if votes else None


def document_page_languages(texts):
    """([languages of each page], document languages) for a document's page texts: the
    answers of `page_languages` and `document_languages`, for `page_languages` on only
    the pages not plainly in the document's likely language (another language, two of
    them, too few stop words, a script without a stop-word list)."""
    main = likely_language(document_sample(texts))
    pages = []
    for text in texts:
        plain = plain_page_languages(text, main) if main in STEMMED_LANGUAGES else None
        # On a page that is not plain, only the pieces that are not go to langdetect.
        pages.append(plain if plain is not None else page_languages(text, main))
    return pages, document_languages(list(zip(texts, pages)))
