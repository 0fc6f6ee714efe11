"""Cross-language query expansion with the Convention's thesaurus."""
import json
import re

import pytest

from indexer.thesaurus import ThesaurusError, expand, load_thesaurus


def ids(result):
    return [h.id for h in result.hits]


@pytest.mark.parametrize("query", ["mercure charbon", "carbón mercurio"])
def test_french_and_spanish_queries_find_the_english_report(corpus, query):
    assert "hanoi-report" in ids(corpus.search(query))
    assert "hanoi-report" not in ids(corpus.search(query, expand=False))


def test_acronym_finds_the_spelled_out_term(corpus, corpus_dir):
    from repo.settings import Settings
    from repo.store import Repository
    repo = Repository(Settings.from_env(environ={}, data_dir=corpus_dir))
    text = " ".join(p["text"] for p in repo.text(repo.document("osaka-chair-summary"))["pages"])
    assert "artisanal and small-scale gold mining" in text and "MAPE" not in text
    assert "osaka-chair-summary" in ids(corpus.search("EMAPE"))
    assert corpus.search("EMAPE", expand=False).total == 0


def test_words_as_typed_rank_above_their_translations(corpus):
    result = corpus.search("mercure charbon")
    assert ids(result)[0] == "hanoi-pres-secretariat-fr"      # the one in French
    assert result.expanded[:2] == ["mercury", "mercurio"] and "coal" in result.expanded
    assert corpus.search("mercure charbon", expand=False).expanded == []


def test_phrases_expand_as_wholes():
    text, added = expand("prior informed consent")
    assert text.startswith("((prior informed consent) OR ")
    # Each other-language term in its own language's field, its words all required.
    assert "text_fr:(consentement préalable connaissance cause)^0.5" in text
    assert "text_any:EMAPE^0.5" in expand("ASGM")[0]
    assert expand("title:coal") == ("title:coal", [])          # field filters untouched
    assert expand('"coal combustion in China"')[1] == []       # inside a longer phrase


def test_every_concept_has_english_french_and_spanish():
    concepts = load_thesaurus()
    assert len(concepts) >= 20
    assert {c.id for c in concepts} >= {"mercury", "asgm", "bat-bep", "prior-informed-consent",
                                        "national-action-plan", "minamata-initial-assessment"}


@pytest.mark.parametrize("change, message", [
    (lambda c: c["terms"].pop("fr"), "needs terms in fr"),
    (lambda c: c.update(id="Bad Id"), "unique id"),
    (lambda c: c.pop("source"), "source"),
    (lambda c: c.update(colour="red"), "unknown field"),
    (lambda c: c["terms"].update(es="mercurio"), "list of non-empty strings"),
])
def test_a_broken_entry_is_a_clear_error(tmp_path, change, message):
    from indexer.thesaurus import DEFAULT_PATH
    data = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    change(data["concepts"][0])
    path = tmp_path / "thesaurus.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ThesaurusError, match=rf"concepts\[0\].*{message}"):
        load_thesaurus(path)


def test_the_page_says_what_was_added_and_one_click_turns_it_off(corpus_dir):
    from repo.settings import Settings
    from webui import create_app
    from webui.settings import WebSettings
    client = create_app(WebSettings(store=Settings.from_env(environ={}, data_dir=corpus_dir),
                                    testing=True)).test_client()
    body = client.get("/?q=mercure+charbon").get_data(as_text=True)
    # English (the interface's) and French (the query's) terms are listed; Spanish,
    # Russian, Chinese and Arabic ones are folded behind "N terms in other languages".
    shown, folded = re.search(r"Also searched:\s*<span lang=\"\">([^<]*)</span>.*?"
                              r"<details><summary>[^<]*</summary><p lang=\"\">([^<]*)</p>",
                              body, re.S).groups()
    assert "mercury" in shown and "coal" in shown and "mercurio" not in shown
    assert "mercurio" in folded and "ртуть" in folded and "mercury" not in folded
    off = re.search(r'href="(/\?q=mercure\+charbon&amp;expand=0)"', body)
    assert off
    literal = client.get("/?q=mercure+charbon&expand=0").get_data(as_text=True)
    assert "Also search in the other languages" in literal and "hanoi-report" not in literal
    api = client.get("/api/search?q=EMAPE").get_json()
    assert api["expand"] is True and "ASGM" in api["expanded"]
    assert client.get("/api/search?q=EMAPE&expand=0").get_json()["total"] == 0
