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
