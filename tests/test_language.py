from indexer.language import (UNDETERMINED, detect_languages, document_languages,
                              normalise_code, page_languages)

EN = ("The Conference of the Parties adopted guidance on best available techniques and best "
      "environmental practices to control emissions of mercury from coal-fired power plants.")
ES = ("La Conferencia de las Partes aprobó orientaciones sobre las mejores técnicas "
      "disponibles para controlar las emisiones de mercurio de las centrales eléctricas.")
FR = ("La Conférence des Parties a adopté des orientations sur les meilleures techniques "
      "disponibles pour contrôler les émissions de mercure des centrales au charbon.")


def test_detects_each_language():
    assert page_languages(EN) == ["en"]
    assert page_languages(ES) == ["es"]
    assert page_languages(FR) == ["fr"]


def test_deterministic_across_calls():
    short = "mercurio y carbón en la región andina del país"
    assert len({tuple(page_languages(short)) for _ in range(20)}) == 1


def test_too_short_is_undetermined():
    assert detect_languages("Page 3") == []
    assert page_languages("12 / 2019") == []
    assert UNDETERMINED == "und"


def test_page_in_two_languages_gets_both():
    assert sorted(page_languages(f"{EN} {ES}")) == ["en", "es"]


def test_chinese_codes_normalised():
    assert normalise_code("zh-cn") == "zh" and normalise_code("zh-tw") == "zh"
    assert page_languages("汞是一种有毒的重金属，水俣公约旨在保护人类健康和环境免受汞排放的影响。" * 3) == ["zh"]


def test_document_languages_need_a_meaningful_share():
    pages = [(EN * 10, ["en"]), (EN * 10, ["en"]), (ES, ["es"])]
    assert document_languages(pages) == ["en"]
    assert document_languages([(EN, ["en"]), (ES, ["es"])]) == ["en", "es"]
    assert document_languages([("", [])]) == []


# -- one document at a time: document_page_languages ---------------------------------
import json                                                          # noqa: E402
from pathlib import Path                                             # noqa: E402

import pytest                                                        # noqa: E402

from indexer import language                                         # noqa: E402
from indexer.language import (document_page_languages, is_plainly,  # noqa: E402
                              plain_page_languages)

EN_PAGE = " ".join([
    "The Conference of the Parties considered the report of the expert group on the "
    "inventory of mercury releases from coal combustion and the use of the toolkit.",
    "It noted that the Parties which had completed their inventories found that most of "
    "the emissions came from power plants and from industrial boilers.",
    "The Secretariat was asked to prepare guidance on the collection of data and to report "
    "to the next meeting on the progress made by the regional centres.",
    "Several delegations said that they would need technical assistance for this work and "
    "that the capacity of their laboratories should be strengthened.",
])
ES_PAGE = " ".join([
    "La Conferencia de las Partes examinó el informe del grupo de expertos sobre el "
    "inventario de las liberaciones de mercurio procedentes de la combustión del carbón.",
    "Los participantes señalaron que las centrales eléctricas y las calderas industriales "
    "son las fuentes principales de las emisiones en los países de la región.",
    "Se pidió a la Secretaría que preparara orientaciones sobre la reunión de los datos y "
    "que informara a la próxima reunión sobre los progresos de los centros regionales.",
    "Varias delegaciones dijeron que necesitarían asistencia técnica para este trabajo y "
    "que la capacidad de sus laboratorios debería fortalecerse con el apoyo del programa.",
])
FR_HALF = ("La Conférence des Parties a examiné le rapport du groupe d'experts sur "
           "l'inventaire des rejets de mercure provenant de la combustion du charbon. Les "
           "participants ont noté que les centrales électriques et les chaudières sont les "
           "principales sources des émissions dans les pays de la région.")
ZH_PAGE = "汞是一种有毒的重金属，水俣公约旨在保护人类健康和环境免受汞排放的影响。" * 6
AR_PAGE = ("اتفاقية ميناماتا بشأن الزئبق معاهدة عالمية لحماية صحة الإنسان والبيئة من "
           "الآثار الضارة للزئبق وقد اعتمدها مؤتمر المفوضين في اليابان. ") * 4


def old_answers(texts):
    """Today's method, page by page: what the new path must agree with."""
    pages = [page_languages(t) for t in texts]
    return pages, document_languages(list(zip(texts, pages)))


@pytest.fixture
def detect_calls(monkeypatch):
    """The number of detect_languages calls (each one langdetect run) made so far."""
    calls = []
    real = language.detect_languages
    monkeypatch.setattr(language, "detect_languages",
                        lambda text: calls.append(text) or real(text))
    return calls


def test_a_plain_english_page_passes_the_cheap_test():
    assert plain_page_languages(EN_PAGE, "en") == ["en"]
    assert plain_page_languages(ES_PAGE, "es") == ["es"]
    assert plain_page_languages(EN_PAGE, "es") is None


def test_spanish_page_7_of_an_english_report(detect_calls):
    texts = [EN_PAGE] * 10
    texts[6] = ES_PAGE
    pages, languages = document_page_languages(texts)
    assert pages[6] == ["es"] and all(p == ["en"] for n, p in enumerate(pages) if n != 6)
    assert (pages, languages) == old_answers(texts)
    assert languages == ["en"]


@pytest.mark.parametrize("half, code", [(ES_PAGE[:ES_PAGE.index(" Se pidió")], "es"),
                                        (FR_HALF, "fr")])
def test_a_page_half_english_half_other_gets_both(half, code):
    texts = [EN_PAGE] * 5
    texts[2] = f"{EN_PAGE[:EN_PAGE.index(' The Secretariat')]} {half}"
    pages, _ = document_page_languages(texts)
    assert sorted(pages[2]) == sorted(["en", code])
    assert pages == old_answers(texts)[0]


def test_chinese_and_arabic_documents_still_detected():
    for page, code in ((ZH_PAGE, "zh"), (AR_PAGE, "ar")):
        pages, languages = document_page_languages([page] * 3)
        assert pages == [[code]] * 3 and languages == [code]


def test_thin_evidence_falls_back_to_full_analysis(monkeypatch):
    bullets = ("Coal-fired power plants • Industrial boilers • Smelting and roasting "
               "processes • Waste incineration • Cement clinker production")
    assert plain_page_languages(bullets, "en") is None          # one stop word: unsure
    judged = []
    real = language.page_languages
    monkeypatch.setattr(language, "page_languages",
                        lambda t, likely=None: judged.append(t) or real(t, likely))
    pages, _ = document_page_languages([EN_PAGE, bullets, EN_PAGE])
    assert judged == [bullets] and pages[1] == real(bullets)


def test_another_languages_stop_words_refuse_the_cheap_test():
    italian = ("Il rapporto della conferenza è stato adottato con il sostegno di tutti "
               "i paesi che hanno partecipato alla riunione del gruppo di esperti, per la "
               "prima volta, e non ci sono state obiezioni.")
    assert not is_plainly(italian, "es") and not is_plainly(italian, "fr")
    assert not is_plainly(f"{EN_PAGE} {ES_PAGE}", "en")


def test_a_plain_document_costs_far_fewer_langdetect_calls(detect_calls):
    texts = [EN_PAGE] * 20
    assert document_page_languages(texts) == ([["en"]] * 20, ["en"])
    assert len(detect_calls) == 0          # the stop words of a sample, then of each page
    detect_calls.clear()
    old_answers(texts)
    assert len(detect_calls) >= 20 * 2


def _shipped_page_texts():
    """(file name, normalised page texts) of each shipped document."""
    from indexer.extract import _page_texts, open_pdf
    from indexer.textnorm import normalise_pages
    root = Path(__file__).resolve().parent.parent / "documents"
    for doc in json.loads((root / "manifest.json").read_text())["documents"]:
        yield doc["file"], normalise_pages(_page_texts(open_pdf(root / doc["file"]))[0])


def test_same_answers_as_page_by_page_on_every_shipped_document():
    for name, texts in _shipped_page_texts():
        assert document_page_languages(texts) == old_answers(texts), name


def test_the_likely_language_is_the_one_of_most_own_stop_words():
    assert language.likely_language(EN_PAGE) == "en"
    assert language.likely_language(ES_PAGE) == "es"
    assert language.likely_language(FR_HALF) == "fr"
    assert language.likely_language(f"{ES_PAGE} {EN_PAGE} {EN_PAGE}") == "en"
    assert language.likely_language(ZH_PAGE) is None
    assert language.likely_language(AR_PAGE) is None


@pytest.mark.parametrize("candidate", ["es", "ru", None])
def test_a_wrong_likely_language_costs_calls_not_answers(monkeypatch, candidate,
                                                        detect_calls):
    texts = [EN_PAGE] * 4 + [ES_PAGE]
    monkeypatch.setattr(language, "likely_language", lambda text: candidate)
    got = document_page_languages(texts)
    assert len(detect_calls) >= 4 * 2      # every English page judged in pieces
    assert got == old_answers(texts)


def test_on_a_page_not_plain_only_the_pieces_not_plain_go_to_langdetect(detect_calls):
    # Page 2 is half English, half Spanish: its English piece is given `en` by its stop
    # words; only the Spanish ones are judged by langdetect. The answer is the same.
    mixed = f"{EN_PAGE[:EN_PAGE.index(' The Secretariat')]} {ES_PAGE}"
    texts = [EN_PAGE, mixed, EN_PAGE]
    pages, _ = document_page_languages(texts)
    pieces = language._pieces(mixed)
    assert 0 < len(detect_calls) < len(pieces)
    assert all(not is_plainly(text, "en") for text in detect_calls)
    detect_calls.clear()
    assert pages == old_answers(texts)[0] and sorted(pages[1]) == ["en", "es"]


def test_a_piece_too_short_to_judge_counts_for_no_language_even_if_plain(detect_calls):
    # A piece of numbers with a few English stop words: langdetect is not asked (too
    # few letters), so it weighs nothing; the likely language must not give it `en`.
    numbers = "Of the and to: " + " ".join(str(n) for n in range(2000, 2040)) + " 23.3."
    text = f"{FR_HALF} {numbers}"
    assert page_languages(text, "en") == page_languages(text) == ["fr"]
    texts = [EN_PAGE, EN_PAGE, text]
    assert document_page_languages(texts) == old_answers(texts)


# -- the fast letter count and sentence cut give the definitions' answers ---------------
_FUZZ_ALPHABET = "ab é_1½²\u0301.;!?:,中٣ \n\t\u00a0•▪●"


def _reference_pieces(text, most=3, least=80):
    """_pieces as first written: one split on a lookbehind or a bullet."""
    import re
    return language._joined(re.split(r"(?<=[.!?;:])\s+|\s*[•▪●]\s*", text), len(text),
                            most, least)


@pytest.mark.parametrize("seed", range(5))
def test_pieces_and_letter_counts_match_their_definitions(seed):
    import random
    import re
    rng = random.Random(seed)
    letters = re.compile(r"[^\W\d_]")
    for _ in range(2000):
        text = "".join(rng.choice(_FUZZ_ALPHABET) for _ in range(rng.randint(0, 400)))
        assert language._pieces(text) == _reference_pieces(text), text
        assert language.has_enough_letters(text) == (
            len(letters.findall(text)) >= language.MIN_LETTERS), text


def test_pieces_of_the_shipped_documents_match_the_definition():
    bulleted = 0
    for name, texts in _shipped_page_texts():
        for text in texts:
            assert language._pieces(text) == _reference_pieces(text), name
            bulleted += any(b in text for b in "•▪●")
    assert bulleted          # (pages with bullets, cut by the second expression)
