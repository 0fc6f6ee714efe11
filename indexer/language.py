"""Language detection with langdetect, made deterministic, per page and per document."""
import re

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

# langdetect samples at random: without a fixed seed the same text can change language.
DetectorFactory.seed = 0

UNDETERMINED = "und"
MIN_LETTERS = 40          # below this, langdetect guesses (about 92 % right on 20 chars)
PAGE_SHARE = 0.25         # a language holding this share of a page counts for the page
DOCUMENT_SHARE = 0.15     # ... and this share of a document's text, for the document
_SAMPLE = 3000            # characters of a page given to the detector
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)


def normalise_code(code):
    """langdetect's codes to ours: zh-cn and zh-tw are both `zh`."""
    return code.split("-")[0].lower()


def detect_languages(text):
    """The languages of one stretch of text as [(code, share)], best first; [] if too short."""
    if len(_LETTERS.findall(text)) < MIN_LETTERS:
        return []
    try:
        found = detect_langs(text[:_SAMPLE])
    except LangDetectException:
        return []
    shares = {}
    for lang in found:
        code = normalise_code(lang.lang)
        shares[code] = shares.get(code, 0.0) + lang.prob
    return sorted(shares.items(), key=lambda kv: -kv[1])


def page_languages(text):
    """The languages of a page (two when it is written in two), best first."""
    shares = detect_languages(text)
    if shares and shares[0][1] < 0.9:
        shares = _by_halves(text) or shares
    return [code for code, share in shares if share >= PAGE_SHARE]


def _by_halves(text):
    # A page in two languages often confuses a whole-page guess; judge each half apart.
    middle = len(text) // 2
    cut = text.find(" ", middle)
    halves = [text[:cut], text[cut:]] if cut > 0 else [text]
    found = {}
    for half in halves:
        for code, share in detect_languages(half)[:1]:
            found[code] = found.get(code, 0.0) + share / len(halves)
    return sorted(found.items(), key=lambda kv: -kv[1])


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
