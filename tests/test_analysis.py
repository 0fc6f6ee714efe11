from indexer.analysis import analyse, fold, language_analyzer, neutral_analyzer


def test_latin_accents_fold_other_scripts_stay():
    assert fold("Hanoï Réunion Œuvre Straße") == "hanoi reunion oeuvre strasse"
    assert fold("Ртуть زئبق 水銀") == "ртуть زئبق 水銀"


def test_neutral_analyzer_keeps_cjk_as_bigrams():
    assert analyse(neutral_analyzer(), "水銀の排出") == ["水銀", "銀の", "の排", "排出"]
    assert analyse(neutral_analyzer(), "الزئبق") == ["الزئبق"]


def test_stemmers_per_language():
    assert analyse(language_analyzer("en"), "running plants") == ["run", "plant"]
    assert analyse(language_analyzer("fr"), "déchets émissions") == ["dechet", "emiss"]
    assert analyse(language_analyzer("es"), "emisiones de carbón") == ["emision", "carbon"]


# -- the one-pass analyzers give exactly what Whoosh's filter chains gave ------------------

import pickle                                                       # noqa: E402
import re                                                           # noqa: E402

import pytest                                                       # noqa: E402
from whoosh.analysis import (Filter, LowercaseFilter, RegexTokenizer,  # noqa: E402
                             StemFilter, StopFilter)

from indexer.analysis import LATIN_FOLD, STEMMED_LANGUAGES           # noqa: E402

_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


class _Fold(Filter):
    def __call__(self, tokens):
        for t in tokens:
            if not t.text.isascii():
                t.text = t.text.translate(LATIN_FOLD)
            yield t


class _Bigrams(Filter):
    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            if len(text) < 3 or text.isascii() or not _CJK.search(text):
                yield t
                continue
            for i in range(len(text) - 1):
                t.text = text[i:i + 2]
                yield t


def _reference(lang):
    if lang is None:
        return RegexTokenizer() | LowercaseFilter() | _Bigrams() | _Fold()
    return (RegexTokenizer() | LowercaseFilter() | StopFilter(lang=lang)
            | StemFilter(lang=lang, cachesize=100000) | _Fold())


TEXTS = [
    "The Parties shall take measures to control mercury emissions from coal-fired power "
    "plants, as listed in Annex D; it is the inventory of 2019.",
    "Les Parties prennent des mesures pour réduire les émissions de mercure provenant des "
    "centrales électriques alimentées au charbon à Hanoï (Viêt Nam), l'œuvre de l'État.",
    "Las Partes adoptarán medidas para controlar las emisiones de mercurio de la minería "
    "aurífera artesanal y en pequeña escala en el Perú; ¿qué más? Año 2018.",
    "Die Vertragsparteien ergreifen Maßnahmen gegen Quecksilberemissionen aus Kohlekraftwerken.",
    "As Partes tomarão medidas para controlar as emissões de mercúrio na mineração.",
    "Стороны принимают меры по контролю выбросов ртути от угольных электростанций.",
    "汞排放控制 燃煤电厂的汞 水俣公约 é漢字 日本語のテキスト",
    "الزئبق والانبعاثات من محطات توليد الطاقة التي تعمل بالفحم",
    "a I x 1.5 e.g. U.N.E.P. dont l' d'un qu'il", "",
]


@pytest.mark.parametrize("lang", [None, *STEMMED_LANGUAGES])
def test_one_pass_analyzers_equal_the_filter_chains(lang):
    ours = neutral_analyzer() if lang is None else language_analyzer(lang)
    reference = _reference(lang)
    for text in TEXTS:
        for kwargs in ({}, {"positions": True, "chars": True, "mode": "index"},
                       {"positions": True, "removestops": False, "mode": "query"}):
            def tokens(analyzer):
                return [(t.text, getattr(t, "pos", None), getattr(t, "startchar", None),
                         getattr(t, "endchar", None), t.stopped)
                        for t in analyzer(text, **kwargs)]
            assert tokens(ours) == tokens(reference), (lang, text, kwargs)


def test_a_language_analyzer_survives_pickling_as_the_index_stores_it():
    analyzer = pickle.loads(pickle.dumps(language_analyzer("fr")))
    text = "les émissions de mercure"
    assert analyse(analyzer, text) == analyse(_reference("fr"), text) == ["le", "emiss", "mercur"]
    assert "_stems" not in language_analyzer("fr").__getstate__()


@pytest.mark.parametrize("lang", [None, *STEMMED_LANGUAGES])
def test_terms_are_the_texts_of_the_tokens_a_call_makes(lang):
    # The tantivy engine indexes `terms` (made without Token objects); the Whoosh engine
    # and every query go through __call__: both must make the same terms.
    analyzer = neutral_analyzer() if lang is None else language_analyzer(lang)
    odd = ["a.b.c x..y *foo ba*r 1.5.6. é.ü İstanbul ǅemal ﬁnal", "ΑΒΓ αβγ", "水" * 5]
    for text in TEXTS + odd:
        assert analyzer.terms(text) == [t.text for t in analyzer(text)], (lang, text)
        assert analyse(analyzer, text) == analyzer.terms(text)


@pytest.mark.parametrize("lang", [None, "en", "fr"])
@pytest.mark.parametrize("alphabet", ["The.a*b 1_.", "Les é.İ*水銀 the.. De a"])
def test_terms_equal_the_tokens_of_a_call_on_fuzzed_text(lang, alphabet):
    # `terms` finds words with a faster expression than the tokenizer's and lower-cases
    # an ASCII text at once: the same terms, on texts of dots, stars and odd letters.
    import random
    import zlib
    rng = random.Random(zlib.crc32(repr((lang, alphabet)).encode()))
    analyzer = neutral_analyzer() if lang is None else language_analyzer(lang)
    for _ in range(1500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert analyzer.terms(text) == [t.text for t in analyzer(text)], text
