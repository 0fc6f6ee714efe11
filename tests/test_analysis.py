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
