"""Integration tests on the shipped corpus, indexed once per session."""
import json
import re

import pytest

from indexer.errors import QueryError
from repo.settings import Settings
from repo.store import Repository
from tests.conftest import run_cli


def ids(result):
    return [h.id for h in result.hits]


def test_query_without_accents_finds_accented_words(corpus):
    # The French version of the article 8 presentation writes only "Hanoï".
    result = corpus.search("hanoi", prefer_languages=["fr"])
    assert "hanoi-pres-secretariat-fr" in ids(result)
    hit = next(h for h in result.hits if h.id == "hanoi-pres-secretariat-fr")
    assert "<mark>Hanoï</mark>" in hit.snippet


def test_english_inflection_finds_its_stem(corpus):
    result = corpus.search("running")
    assert ids(result) == ["hanoi-report"]
    assert re.search(r"<mark>run</mark>", result.hits[0].snippet)


def test_ligature_and_hyphenation_repaired(corpus_dir):
    repo = Repository(Settings.from_env(environ={}, data_dir=corpus_dir))
    text = " ".join(p["text"] for p in repo.text(repo.document("hanoi-report"))["pages"])
    assert "\ufb01" not in text and "\ufb03" not in text and "efficient" in text
    raw_words = {"monitoring", "presentations", "particulate", "participants"}
    joined = {w for w in raw_words if w in text}
    assert joined == raw_words
    # The PDF does break words at line ends (checked on the raw pypdf text):
    from pypdf import PdfReader
    from tests.conftest import ROOT
    raw = [p.extract_text() for p in PdfReader(
        ROOT / "documents/2019-hanoi-coal/workshop-report-en.pdf").pages]
    broken = [pair for page in raw for pair in re.findall(r"(\w+)-\n([a-z]\w*)", page)]
    assert len(broken) > 10
    assert all(f"{a}{b}" in text or f"{a}-{b}" in text for a, b in broken)


def test_spanish_query_finds_the_spanish_report(corpus):
    result = corpus.search("decomisos aduanas")
    assert ids(result)[0] == "la-paz-report"
    assert result.hits[0].languages == ["es"]


def test_facet_filter_narrows_hits_and_other_facets(corpus):
    everything = corpus.search("mercury")
    spanish = corpus.search("mercury", filters={"language": ["es"]})
    assert 0 < spanish.total < everything.total
    assert all("es" in h.languages for h in spanish.hits)
    all_types = {v.value: v.count for v in corpus.search("mercury").facets["type"]}
    es_types = {v.value: v.count for v in corpus.search("mercury", {"language": "es"}).facets["type"]}
    assert sum(es_types.values()) < sum(all_types.values())
    # The chosen facet keeps its other values (OR within a facet), marked unselected.
    langs = {v.value: v.selected for v in corpus.search("mercury", {"language": "es"}).facets["language"]}
    assert langs["es"] is True and langs["en"] is False


def test_filters_of_two_facets_combine_with_and(corpus):
    result = corpus.search("", {"type": ["report"], "event": ["2019-la-paz-trade"]})
    assert ids(result) == ["la-paz-report"]
    either = corpus.search("", {"event": ["2019-la-paz-trade", "2019-osaka-waste"]})
    assert {h.event for h in either.hits} == {"2019-la-paz-trade", "2019-osaka-waste"}


def test_hit_reports_the_pages_its_words_are_on(corpus, corpus_dir):
    result = corpus.search('"sorbent trap"')
    hit = next(h for h in result.hits if h.id == "hanoi-report")
    repo = Repository(Settings.from_env(environ={}, data_dir=corpus_dir))
    pages = repo.text(repo.document("hanoi-report"))["pages"]
    expected = [n for n, p in enumerate(pages, 1) if "sorbent trap" in p["text"].lower()]
    assert sorted(hit.pages) == expected and expected
    # Best match first: the page where the phrase weighs most, with its score.
    scores = [s["score"] for s in hit.page_scores]
    assert [s["page"] for s in hit.page_scores] == hit.pages
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    best = pages[hit.pages[0] - 1]["text"]
    plain = re.sub(r"</?mark>", "", hit.snippet).strip("… ")
    assert plain[:60] in best                       # the snippet is from the best page


def test_bilingual_deck_has_both_languages(corpus):
    hit = next(h for h in corpus.search("export").hits if h.id == "la-paz-pres-secretariat")
    assert sorted(hit.languages) == ["en", "es"]


def test_scanned_deck_is_found_by_metadata_and_flagged(corpus):
    result = corpus.search("indonesia", {"type": ["presentation"]})
    hit = next(h for h in result.hits if h.id == "hanoi-pres-indonesia")
    assert hit.text_status == "no_text" and hit.pages == []


def test_suggestion_only_when_it_finds_something(corpus):
    assert corpus.search("mercruy").suggestion == "mercury"
    assert corpus.search("qqqqzzzz").suggestion is None
    assert corpus.search("mercury").suggestion is None


def test_sort_by_date_and_paging(corpus):
    by_date = corpus.search("mercury", sort="date", page_size=50)
    dates = [h.date for h in by_date.hits]
    assert dates == sorted(dates, reverse=True)
    page2 = corpus.search("mercury", sort="date", page=2, page_size=2)
    assert ids(page2) == ids(by_date)[2:4]


@pytest.mark.parametrize("kwargs", [dict(page=0), dict(page_size=1000), dict(sort="size"),
                                    dict(filters={"colour": ["red"]})])
def test_bad_parameters_refused(corpus, kwargs):
    with pytest.raises(QueryError):
        corpus.search("mercury", **kwargs)


def test_cli_json_is_the_documented_shape(corpus_dir):
    out = run_cli("--data", str(corpus_dir), "search", "coal", "--filter", "type=report",
                  "--json").stdout
    data = json.loads(out)
    assert isinstance(data["total"], int) and data["suggestion"] is None
    hit = data["hits"][0]
    assert {"id", "title", "event", "type", "languages", "pages", "snippet"} <= set(hit)
    assert {"value", "count", "selected"} == set(data["facets"]["language"][0])
    assert set(data["facets"]) == {"event", "year", "country", "region", "type", "language",
                                   "topic"}


def test_cli_human_output_and_bad_query(corpus_dir):
    out = run_cli("--data", str(corpus_dir), "search", "mercruy").stdout
    assert 'Did you mean: "mercury"?' in out
    bad = run_cli("--data", str(corpus_dir), "search", "*ury", check=False)
    assert bad.returncode == 1 and "wildcards" in bad.stderr and "Traceback" not in bad.stderr


def test_best_page_first_where_the_words_weigh_most(corpus, corpus_dir):
    repo = Repository(Settings.from_env(environ={}, data_dir=corpus_dir))
    pages = repo.text(repo.document("hanoi-report"))["pages"]
    counts = {n: p["text"].lower().count("mercury") for n, p in enumerate(pages, 1)}
    hit = next(h for h in corpus.search("mercury", page_size=50).hits
               if h.id == "hanoi-report")
    assert set(hit.pages) == {n for n, c in counts.items() if c}
    assert counts[hit.pages[0]] > min(counts[n] for n in hit.pages)
    located = corpus.locate("mercury", "hanoi-report")
    assert located.pages == hit.pages
    assert [m.page for m in located.best] == hit.pages[:3]
    assert all("<mark>" in m.snippet for m in located.best)


@pytest.mark.parametrize("query, target", [
    ("centrales thermiques au charbon", "hanoi-report"),
    ("émissions de mercure provenant de la combustion du charbon", "hanoi-report"),
    ("confiscated mercury storage", "la-paz-report"),
    ("what did the workshop in Hanoi say about coal power plants?", "hanoi-report"),
])
def test_natural_questions_find_their_document(corpus, query, target):
    found = [{v["id"] for v in h.versions} | {h.id} for h in corpus.search(query).hits[:3]]
    assert any(target in ids for ids in found), [h.id for h in corpus.search(query).hits]


def test_one_more_word_does_not_lose_the_hits(corpus):
    def works(query):
        return {h.work for h in corpus.search(query).hits}
    without = works("centrales thermiques au charbon")
    assert len(without) >= 3
    assert without <= works("centrales thermiques au charbon Asie")


@pytest.mark.parametrize("query", ["UNEP/MC/WS.2019/HAN/1", '"UNEP/MC/WS.2019/HAN/1"',
                                   "symbol:UNEP/MC/WS.2019/HAN/1", "unep/mc/ws.2019/han/1",
                                   "report UNEP/MC/WS.2019/HAN/1"])
def test_document_symbol_ranks_its_document_first(corpus, query):
    hit = corpus.search(query).hits[0]
    assert hit.id == "hanoi-report" and hit.symbol == "UNEP/MC/WS.2019/HAN/1"


def test_symbol_field_is_exact(corpus):
    assert ids(corpus.search("symbol:UNEP/MC/WS.2019/LPZ/1")) == ["la-paz-report"]
    assert corpus.search("symbol:UNEP/MC/WS.2019/XYZ/1").total == 0


def test_page_past_the_last_shows_the_last(corpus):
    everything = corpus.search("mercury", page_size=5)
    last = (everything.total - 1) // 5 + 1
    result = corpus.search("mercury", page=99, page_size=5)
    assert result.page == last and result.requested_page == 99 and result.hits
    assert corpus.search("mercury", page=last, page_size=5).requested_page is None


def test_did_you_mean_prefers_the_interface_language(corpus):
    assert corpus.search("mercurx", prefer_languages=["fr"]).suggestion == "mercure"
    assert corpus.search("mercurx", prefer_languages=["en"]).suggestion == "mercury"


def test_the_time_limit_covers_the_whole_search(corpus_dir):
    from indexer.ingest import Indexer
    from indexer.search import SearchService
    settings = Settings.from_env(environ={}, data_dir=corpus_dir)
    service = SearchService(Indexer(settings).index, time_limit=0.0)
    try:
        result = service.search("mercury emissions from coal combustion in China emiss*")
        assert result.partial and result.total == 0
    finally:
        service.close()
