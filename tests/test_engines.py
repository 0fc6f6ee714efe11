"""One conformance suite for every search engine (issue #15): the same hits, facet
counts, pages, snippets and visibility on the shipped corpus, whichever engine indexed it.

The Whoosh engine is the reference: each engine's answer is compared with Whoosh's for
the same query on the same kept text. Score order may differ; hit sets may not.
"""
import shutil
from dataclasses import replace

import pytest
from whoosh.formats import Format

from indexer.analysis import STEMMED_LANGUAGES, analyse, language_analyzer, neutral_analyzer
from indexer.check import check
from indexer.engines import ENGINES
from indexer.engines.whoosh_postings import _IDS_END
from indexer.index import IndexStore, rebuild
from indexer.ingest import Indexer
from indexer.search import SearchService
from repo.settings import Settings

QUERIES = [
    "", "mercury", "coal", "coal power plants",
    "what did the Hanoi workshop say about coal power plants?",
    '"coal combustion"', "emiss*", "type:report", "language:es", "year:2019 mercury",
    'mercury "unclosed', "*", "AND OR", ")))(", "a:b:c", "C++ 50%",
    "mercurio", "centrales thermiques au charbon en Asie", "UNEP/MC/WS.2019/HAN/1",
    "symbol:UNEP/MC/*", "coal -china", "coal NOT china", "+mercury coal china",
    "coal OR lignite power", "(coal lignite) power", "coal^2 lignite", "coal-fired",
    "annex D", "ртуть", "زئبق", "汞", "中国 汞", "the", "mercury " * 120,
]
FILTERS = [{}, {"language": ["en"]}, {"type": ["presentation"], "year": ["2019"]}]


@pytest.fixture(scope="module")
def engines(corpus_dir, tmp_path_factory):
    """{engine: (SearchService, Indexer)}, each over its own copy of the corpus,
    rebuilt by that engine from the kept text."""
    out = {}
    for name in ENGINES:
        data = tmp_path_factory.mktemp(f"engine-{name}") / "data"
        shutil.copytree(corpus_dir, data)
        settings = Settings.from_env(environ={}, data_dir=data, workers=1, engine=name)
        ix = Indexer(settings)
        with ix.repo.writing():
            rebuild(ix.repo, ix.index)
        out[name] = (SearchService(IndexStore(ix.index.root), settings.search_time_limit), ix)
    yield out
    for service, _ in out.values():
        service.close()


def _summary(result, shown=None):
    """What must be equal. A work with several matching versions is shown by its best
    scoring one (no language preferred): scores may differ between engines, so works are
    compared, and pages for the versions both engines show (`shown`)."""
    return {"total": result.total,
            "works": sorted(h.work for h in result.hits),
            "facets": {k: sorted((v.value, v.count, v.selected) for v in vs)
                       for k, vs in result.facets.items()},
            "pages": {h.id: sorted(h.pages) for h in result.hits
                      if shown is None or h.id in shown},
            "suggestion": result.suggestion,
            "narrowed": result.narrowed}


@pytest.mark.parametrize("engine", ENGINES)
def test_the_live_index_is_of_the_chosen_engine(engines, engine):
    service, ix = engines[engine]
    assert service.engine == engine == ix.index.live_engine()


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("filters", FILTERS, ids=["none", "language", "type-year"])
@pytest.mark.parametrize("query", QUERIES, ids=[q[:30] for q in QUERIES])
def test_same_hits_facets_and_pages_as_whoosh(engines, engine, query, filters):
    reference = engines["whoosh"][0].search(query[:1000], filters, page_size=100)
    found = engines[engine][0].search(query[:1000], filters, page_size=100)
    both = {h.id for h in reference.hits} & {h.id for h in found.hits}
    assert _summary(found, both) == _summary(reference, both)
    # With a language preferred, the version shown is decided above the seam: the same.
    preferred = engines[engine][0].search(query[:1000], filters, page_size=100,
                                          prefer_languages=["fr"])
    assert sorted(h.id for h in preferred.hits) == sorted(
        h.id for h in engines["whoosh"][0].search(query[:1000], filters, page_size=100,
                                                  prefer_languages=["fr"]).hits)


@pytest.mark.parametrize("engine", ENGINES)
def test_paging_and_date_sort(engines, engine):
    service = engines[engine][0]
    everything = service.search("mercury", page_size=100)
    paged = [h.id for p in (1, 2, 3) for h in service.search("mercury", page=p,
                                                             page_size=4).hits]
    assert sorted(paged) == sorted(h.id for h in everything.hits)
    dates = [h.date for h in service.search("mercury", sort="date", page_size=100).hits]
    assert dates == sorted(dates, reverse=True)
    late = service.search("mercury", page=50, page_size=5)
    assert late.requested_page == 50 and late.page == -(-everything.total // 5)


@pytest.mark.parametrize("engine", ENGINES)
def test_snippets_are_marked_from_a_matching_page(engines, engine):
    result = engines[engine][0].search("coal", page_size=100)
    with_text = [h for h in result.hits if h.text_status != "no_text"]
    assert with_text
    for hit in with_text:          # (a scanned deck is found by its title: no page)
        assert "<mark>" in hit.snippet.lower(), hit.id
        assert hit.pages and hit.pages == [p["page"] for p in hit.page_scores]


@pytest.mark.parametrize("engine", ENGINES)
def test_locate_ranked_ids_and_similar(engines, engine):
    service = engines[engine][0]
    reference = engines["whoosh"][0]
    hit = service.search("coal", page_size=1).hits[0]
    located = service.locate("coal", hit.id)
    assert sorted(located.pages) == sorted(reference.locate("coal", hit.id).pages)
    assert located.best and "<mark>" in located.best[0].snippet
    ids, total, partial = service.ranked_ids("mercury", limit=100)
    want, want_total, _ = reference.ranked_ids("mercury", limit=100)
    assert sorted(ids) == sorted(want) and total == want_total and not partial
    similar = service.similar(hit.id)
    assert similar and hit.id not in similar


def test_drafts_are_invisible_unless_asked_for(engines):
    by_engine = {}
    for name in ENGINES:
        service, ix = engines[name]
        doc = ix.repo.document("hanoi-report")
        with ix.repo.writing():
            ix.repo.update_document(replace(doc, status="draft"))
            ix.update_index()
        public = service.search("coal", page_size=100)
        staff = service.search("coal", page_size=100, include_unpublished=True)
        by_engine[name] = (_summary(public), _summary(staff))
        assert "hanoi-report" not in [h.id for h in public.hits]
        assert "hanoi-report" in [h.id for h in staff.hits]
        assert all(h.id != "hanoi-report" for h in service.search("hanoi").hits)
        with ix.repo.writing():
            ix.repo.update_document(doc)
            ix.update_index()
        assert "hanoi-report" in [h.id for h in service.search("coal", page_size=100).hits]
    assert by_engine["tantivy"] == by_engine["whoosh"]


@pytest.mark.parametrize("engine", ENGINES)
def test_rebuild_and_check_agree(engines, engine):
    _, ix = engines[engine]
    report = check(ix.repo, ix.index, verify_hashes=False, engine=engine)
    assert report.ok, report.problems
    other = [e for e in ENGINES if e != engine][0]
    wrong = check(ix.repo, ix.index, verify_hashes=False, engine=other)
    assert any("chosen engine" in p for p in wrong.problems)


# Multilingual texts: the tokens tantivy is given are our analyzers' tokens, unchanged.
TEXTS = {
    "en": "Mercury emissions from coal-fired power plants, the Hanoï workshop's BAT/BEP.",
    "fr": "Les émissions de mercure des centrales thermiques au charbon à Hanoï.",
    "es": "Las emisiones de mercurio de las centrales eléctricas de carbón en La Paz.",
    "ru": "Выбросы ртути от угольных электростанций и Минаматская конвенция.",
    "ar": "انبعاثات الزئبق من محطات توليد الكهرباء التي تعمل بالفحم",
    "zh": "燃煤电厂的汞排放与水俣公约",
}


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_tantivy_sees_exactly_our_analyzers_tokens(lang, tmp_path):
    import tantivy
    from indexer.engines.tantivy_engine import tokens

    analyzers = {"text_any": neutral_analyzer()}
    analyzers.update({f"text_{code}": language_analyzer(code) for code in STEMMED_LANGUAGES})
    text = TEXTS[lang]
    whitespace = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
    for field, analyzer in analyzers.items():
        ours = analyse(analyzer, text)
        assert whitespace.analyze(tokens(field, text)) == ours, field
        assert all(" " not in t and t for t in ours)


def test_the_chosen_engine_stays_until_another_is_chosen(corpus_dir, tmp_path):
    # A plain `index`, `serve`'s start or an upload (no engine chosen) keeps the live
    # index's engine: none of them may switch a tantivy index back to the default.
    import json
    import os
    from tests.conftest import make_pdf, run_cli
    data = tmp_path / "data"
    shutil.copytree(corpus_dir, data)
    env = {k: v for k, v in os.environ.items() if k != "MINAMATA_ENGINE"}

    def live():
        return IndexStore(data / "index").live_engine()
    run_cli("--data", str(data), "index", "--rebuild", "--engine", "tantivy", env=env)
    assert live() == "tantivy"
    run_cli("--data", str(data), "index", env=env)
    assert live() == "tantivy"
    ix = Indexer(Settings.from_env(environ={}, data_dir=data, workers=1))
    pdf = make_pdf(tmp_path / "n.pdf", ["Tantivoxite findings on mercury storage."])
    ix.add(pdf, "2019-osaka-waste", "report", title="Tantivoxite")
    ix.close()
    assert live() == "tantivy"
    found = json.loads(run_cli("--data", str(data), "search", "tantivoxite", "--json",
                               env=env).stdout)
    assert found["total"] == 1
    assert run_cli("--data", str(data), "check", "--quick", env=env).returncode == 0
    # Chosen by the setting: the next write rebuilds with it, from the kept text.
    run_cli("--data", str(data), "index", env=dict(env, MINAMATA_ENGINE="whoosh"))
    assert live() == "whoosh"
    assert json.loads(run_cli("--data", str(data), "search", "tantivoxite", "--json",
                              env=env).stdout)["total"] == 1
    wrong = run_cli("--data", str(data), "check", "--quick", check=False,
                    env=dict(env, MINAMATA_ENGINE="tantivy"))
    assert wrong.returncode == 1 and "chosen engine" in wrong.stdout + wrong.stderr


def _everything(result):
    return (result.total, result.page, result.partial,
            [(h.id, h.score, h.pages, h.page_scores, h.snippet) for h in result.hits],
            {k: [(v.value, v.count, v.selected) for v in vs] for k, vs in result.facets.items()},
            result.first_ids)


@pytest.mark.parametrize("bound", ["tight", "useless", "capped"])
@pytest.mark.parametrize("prefer", [(), ("fr",), ("es", "en")], ids=["none", "fr", "es-en"])
def test_tantivys_own_top_works_are_what_scoring_every_match_gives(engines, monkeypatch,
                                                                    prefer, bound):
    """tantivy finds the first works, their number and the facet counts itself
    (TantivyView.top_works); the facade scoring every match must give exactly the same
    page. One candidate at first, so that versions ranked below the candidates are
    fetched; with a useless bound (every match ranked alike), the candidates must grow
    until they are all the matches, or (capped) until there are too many: then every
    match is scored at once."""
    import tantivy
    from indexer.engines import tantivy_engine
    service = engines["tantivy"][0]
    shared = service._current().facet_values.shared()
    assert shared                 # a work of two language versions, to group
    if bound in ("useless", "capped"):
        monkeypatch.setattr(tantivy_engine, "_bound", lambda schema, q, *_: tantivy.Query.
                            const_score_query(tantivy.Query.all_query(), 1e9))
    if bound == "capped":
        monkeypatch.setattr(tantivy_engine, "CANDIDATES_MAX", 2)
    own, above = tantivy_engine.TantivyView.top_works, tantivy_engine._above
    every = tantivy_engine.TantivyView._every_match
    calls = {"top": 0, "native": 0, "rounds": 0, "every": 0}

    def every_counted(view, *args):
        calls["every"] += 1
        return every(view, *args)
    monkeypatch.setattr(tantivy_engine.TantivyView, "_every_match", every_counted)

    def counted(view, *args):
        top = own(view, *args)
        calls["top"] += 1
        calls["native"] += top is not None
        return top

    def round_counted(bound):
        calls["rounds"] += 1
        return above(bound)
    monkeypatch.setattr(tantivy_engine, "TOP_CANDIDATES", 1)
    monkeypatch.setattr(tantivy_engine, "_above", round_counted)
    cases = [(q[:1000], f, page, size, drafts, ids)
             for q in QUERIES for f in FILTERS + [{"language": ["fr", "es"]}, {"from": ["2019"]}]
             for page, size, drafts, ids in ((1, 1, False, 0), (4, 1, False, 0),
                                             (2, 3, True, 7))]

    def run():
        return [_everything(service.search(q, f, page=page, page_size=size,
                                           include_unpublished=drafts,
                                           prefer_languages=prefer, ids_up_to=ids))
                for q, f, page, size, drafts, ids in cases]
    monkeypatch.setattr(tantivy_engine.TantivyView, "top_works", counted)
    fast = run()
    monkeypatch.setattr(tantivy_engine.TantivyView, "top_works", lambda *a: None)
    slow = run()
    for case, a, b in zip(cases, fast, slow):
        assert a == b, case
    # Natively answered for most searches (not browsing, not a date filter). With the
    # useless bound no check can pass (every score is below it): each is a round more.
    assert calls["native"] > len(cases) / 2
    assert calls["rounds"] > 20 or bound == "tight"
    assert (calls["every"] > 20) == (bound == "capped")


def test_tantivys_top_works_leaves_browsing_and_date_filters(engines):
    from whoosh.query import Every, Term
    from indexer.query import BestMatch
    service = engines["tantivy"][0]
    view = service._current()
    assert view.top_works(Every(), {}, 10, True) is None
    assert view.top_works(Term("text_any", "coal"), {"from": ["2019"]}, 10, True) is None
    top = view.top_works(Term("text_any", "coal"), {}, 10, True)
    assert top.total == len(top.works) > 0 and top.counts["language"]
    question = service._parse("coal power plants in asia", view, expand=False)[0]
    assert isinstance(question, BestMatch)       # (a small index: 13 documents)
    assert view.top_works(question, {}, 10, True).works


def test_tantivy_counts_natively_what_scoring_every_match_counts(engines, monkeypatch):
    # A "did you mean" is checked by a count: tantivy counts the matches itself when it
    # can, and must count what scoring every match counts, drafts and filters included.
    from indexer.engines import tantivy_engine
    service, ix = engines["tantivy"]
    doc = ix.repo.document("hanoi-report")
    with ix.repo.writing():
        ix.repo.update_document(replace(doc, status="draft"))
        ix.update_index()
    view = service._current()
    cases = [(service._parse(text, view, expand=expand)[0], filters, public)
             for text in QUERIES + ["coal power plants in asia", "plantes centrales"]
             for expand in (False, True)
             for filters in FILTERS + [{"status": ["draft"]}, {"from": ["2019"]}]
             for public in (True, False)]
    native = [view.count(q, f, public) for q, f, public in cases]

    def not_native(*args):
        raise tantivy_engine._NotNative
    monkeypatch.setattr(tantivy_engine, "_native_match", not_native)
    try:
        assert native == [view.count(q, f, public) for q, f, public in cases]
        assert sum(total > 0 for total, _ in native) > 100
        drafts_counted = [total for (total, _), (_, _, public) in zip(native, cases)
                          if not public]
        assert sum(drafts_counted) > sum(total for total, _ in native) - sum(drafts_counted)
    finally:
        with ix.repo.writing():
            ix.repo.update_document(doc)
            ix.update_index()


def test_a_processs_threads_share_one_tantivy_view_per_commit(corpus_dir, tmp_path):
    # Opening a tantivy view reads every document's stored fields: after an upload,
    # each server thread opened its own. Threads now share the view of the commit they
    # search; a commit gives them a new one that sees it. Whoosh's searchers are not
    # for sharing: a view per service.
    import threading
    data = tmp_path / "data"
    shutil.copytree(corpus_dir, data)
    views = {}
    for name in ENGINES:
        settings = Settings.from_env(environ={}, data_dir=data, workers=1, engine=name)
        ix = Indexer(settings)
        with ix.repo.writing():
            rebuild(ix.repo, ix.index)
        store = IndexStore(ix.index.root)
        seen = []

        def search(into):
            service = SearchService(store)
            into.append((service._current(), service.search("coal").total))
        threads = [threading.Thread(target=search, args=(seen,)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        views[name] = {id(v) for v, _ in seen}
        assert len({total for _, total in seen}) == 1
        if name == "tantivy":
            service = SearchService(store)
            before = service._current()
            doc = ix.repo.document("hanoi-report")
            with ix.repo.writing():
                ix.repo.update_document(replace(doc, status="draft"))
                ix.update_index()
            after = service._current()
            assert after is not before and after is SearchService(store)._current()
            assert service.search("coal").total == seen[0][1] - 1
            # The store does not keep a view alive by itself (a bench process with two
            # stores held two views: 430 MB at 100,000 pages instead of 275).
            import gc
            import weakref
            gone = weakref.ref(after)
            del service, before, after, seen[:]
            gc.collect()
            assert gone() is None
    assert len(views["tantivy"]) == 1 and len(views["whoosh"]) == 4


def test_a_tantivy_rebuild_analyses_on_several_processes_to_the_same_index(
        corpus_dir, tmp_path, monkeypatch):
    # Our analyzers are Python: a rebuild (`index --rebuild`, workers=2) has pool
    # processes analyse the entries while the writer adds them in order. The index must
    # be the one a single process makes: the same answers, scores included.
    from indexer.engines import tantivy_engine
    data = tmp_path / "data"
    shutil.copytree(corpus_dir, data)
    ix = Indexer(Settings.from_env(environ={}, data_dir=data, workers=2, engine="tantivy"))
    writers = []
    make = tantivy_engine.TantivyPair.writer

    def recorded(pair, procs=1):
        writers.append(make(pair, procs))
        return writers[-1]
    monkeypatch.setattr(tantivy_engine.TantivyPair, "writer", recorded)
    answers = []
    for procs in (1, 2):
        with ix.repo.writing():
            rebuild(ix.repo, ix.index, procs=procs)
        service = SearchService(IndexStore(ix.index.root))
        answers.append([_everything(service.search(q[:1000], f, page_size=100))
                        for q in QUERIES for f in FILTERS])
        service.close()
    assert [w.pool is not None for w in writers] == [False, True]
    assert answers[0] == answers[1]
    assert check(ix.repo, ix.index, verify_hashes=False).ok


def test_tantivy_reads_a_pages_document_and_number_without_decoding_its_text(engines):
    # page_matches reads each matching page's document and number from the head of its
    # stored JSON; that head must be where indexer.schema puts it, for every page.
    import json
    import tantivy
    from indexer.engines.tantivy_engine import _PAGE_HEAD, _page_head
    view = engines["tantivy"][0]._current()
    pages = view.p.search(tantivy.Query.all_query(), limit=10_000).hits
    assert len(pages) > 50
    for _, address in pages:
        raw = bytes(view.p.doc(address).get_first("stored"))
        whole = json.loads(raw)
        assert _PAGE_HEAD.match(raw), raw[:80]
        assert _page_head(view.p, address) == (whole["doc_id"], whole["page"])


def test_a_documents_tokens_are_its_pages_tokens(engines):
    # analysed_entries takes a document entry's text tokens from its pages' tokens
    # (analysed once); they must be those of analysing the entry's own text.
    from indexer.engines.tantivy_engine import analysed, analysed_entries
    from indexer.index import expected_keys
    from indexer.schema import document_entries
    _, ix = engines["tantivy"]
    compared = 0
    for key, doc, event, work in expected_keys(ix.repo).values():
        entry, pages = document_entries(doc, event, ix.repo.text(doc), key, work)
        fields = analysed_entries([entry] + pages)
        assert fields == [analysed(e) for e in [entry] + pages], doc.id
        compared += sum(1 for name in fields[0] if name.startswith("text_"))
    assert compared > 20


def test_words_no_entry_has_are_taken_out_keeping_the_best_matchs_count(engines,
                                                                        monkeypatch):
    # "zzqx" and "qqvw" are in no entry: they go from the query (as NullQuery, in place,
    # so the coordination still counts them), and a question of 8 words, 2 absent, is
    # bounded by its sets of parts (6 parts), where 8 present parts are bounded by their
    # sum; both are ranked natively, as scoring every match ranks them.
    from whoosh.query import NullQuery
    from indexer.engines import tantivy_engine
    from indexer.query import BestMatch, without_absent
    service = engines["tantivy"][0]
    view = service._current()
    text = "coal power plants mercury emissions inventory zzqx qqvw"
    question = service._parse(text, view, expand=False)[0]
    assert isinstance(question, BestMatch) and len(question.subqueries) == 8
    pruned = without_absent(question, tantivy_engine._term_in(view.s))
    assert [sub is NullQuery for sub in pruned.subqueries] == [False] * 6 + [True] * 2
    assert pruned.repeats == question.repeats and pruned.minimum == question.minimum
    assert all("text_ru" not in repr(sub) for sub in pruned.subqueries)  # no Russian here
    assert view.top_works(question, {}, 10, True) is not None
    assert tantivy_engine._tightens(pruned)
    longer_text = text.replace("zzqx qqvw", "storage trade")
    longer = service._parse(longer_text, view, expand=False)[0]
    assert not tantivy_engine._tightens(without_absent(longer, tantivy_engine._term_in(
        view.s)))
    # (In an index this small, scoring every match of a long question is cheaper.)
    assert view.top_works(longer, {}, 10, True) is None
    monkeypatch.setattr(tantivy_engine, "LONG_NATIVE_FROM", 0)
    assert view.top_works(longer, {}, 10, True) is not None
    # The same pages as scoring every match, scores included (from one candidate up).
    monkeypatch.setattr(tantivy_engine, "TOP_CANDIDATES", 1)
    cases = [(t, page) for t in (text, longer_text) for page in range(1, 6)]
    fast = [_everything(service.search(t, page=page, page_size=1)) for t, page in cases]
    monkeypatch.setattr(tantivy_engine.TantivyView, "top_works", lambda *a: None)
    assert fast == [_everything(service.search(t, page=page, page_size=1))
                    for t, page in cases]


def test_the_pages_of_the_hits_shown_score_by_their_words_alone(engines):
    # page_matches requires the hits' documents of each word (so tantivy skips to
    # them); the pages and their scores are those of the words searched over every
    # page, the documents' own scope adding nothing.
    from indexer.engines.tantivy_engine import _all, _without_best_match, translate
    from indexer.query import any_part
    service = engines["tantivy"][0]
    view = service._current()
    for text in ("coal power plants", '"coal combustion" OR mercurio', "emiss* -china"):
        result = service.search(text, page_size=5)
        ids = [h.id for h in result.hits]
        q = any_part(service._parse(text, view, expand=False)[0])
        found, partial = view.page_matches(q, ids)
        everywhere = {}
        for score, address in _all(view.p, translate(view.tschema, _without_best_match(q))):
            doc_id, page = view._page_head(address)
            if doc_id in ids:
                everywhere.setdefault(doc_id, []).append((score, page))
        assert not partial and found and everywhere
        assert {d: sorted((sc, n) for sc, n, _ in pages) for d, pages in found.items()} \
            == {d: sorted(pages) for d, pages in everywhere.items()}, text


def test_a_view_keeps_the_page_heads_it_read_within_bounds(engines, monkeypatch):
    import tantivy
    from indexer.engines import tantivy_engine
    view = engines["tantivy"][0]._current()
    pages = view.p.search(tantivy.Query.all_query(), limit=10_000).hits
    monkeypatch.setattr(tantivy_engine, "PAGE_HEADS_KEPT", 10)
    view._heads.clear()
    for _, address in pages:
        assert view._page_head(address) == tantivy_engine._page_head(view.p, address)
        assert 0 < len(view._heads) <= 10
    assert view._page_head(pages[-1][1]) is view._heads[(pages[-1][1].segment_ord,
                                                          pages[-1][1].doc)]


# -- the Whoosh engine's scoring from posting blocks (indexer.engines.whoosh_postings) --
def _by_whoosh(searcher, q):
    """{docnum: score} of every match, by Whoosh's own matchers and collector."""
    return {docnum: score for score, docnum in searcher.search(q, limit=None).top_n}


def _same_scores(found, expected):
    import math
    return found.keys() == expected.keys() and all(
        math.isclose(found[d], expected[d], rel_tol=1e-12) for d in found)


def _check_postings_scores(service):
    from whoosh.query import And, Or, Term
    from indexer.engines.whoosh_engine import PUBLISHED, _scope
    from indexer.engines.whoosh_postings import scores
    from indexer.query import any_part
    view = service._current()
    checked = 0
    boosted = ['"coal combustion"^2 mercury', "emiss*^3 mercurio", "(coal -china)^2 OR lignite",
               "(coal -zzqx)^2 OR lignite"]
    for text in QUERIES + ["+mercury +coal china"] + boosted:   # (an AndMaybe; boosts)
        q = service._parse(text, view, expand=True)[0]
        # The engine's own path takes out the words no entry has first: a boosted
        # compound left with one part keeps its boost.
        expected = _by_whoosh(view.s, _scope(q, PUBLISHED))
        assert _same_scores({d: sc for sc, d in view.match(q, True, False)[0]}, expected), \
            text
        for filters in FILTERS:
            parts = [Or([Term(name, v) for v in values]) for name, values in filters.items()]
            for scoped in (_scope(q, PUBLISHED), _scope(q, And(parts) if parts else None)):
                expected = _by_whoosh(view.s, scoped)
                assert _same_scores(scores(view.s, scoped), expected), (text, filters)
                checked += bool(expected)
        # A page search looks only at the pages of the documents given (`within`).
        pages = any_part(q)
        everywhere = _by_whoosh(view.p, pages)
        within = sorted(d for i in ("hanoi-report", "osaka-chair-summary", "la-paz-report")
                        for d in view.p.document_numbers(doc_id=i))
        expected = {d: s for d, s in everywhere.items() if d in within}
        assert _same_scores(scores(view.p, pages, within), expected), text
        assert _same_scores(scores(view.p, pages), everywhere), text
        shown = ["hanoi-report", "la-paz-report"]
        found = {ref: sc for found_pages in view.page_matches(pages, shown)[0].values()
                 for sc, _, ref in found_pages}
        assert _same_scores(found, {d: s for d, s in everywhere.items()
                                    if view.p.stored_fields(d)["doc_id"] in shown}), text
    return checked


def test_whoosh_scores_from_posting_blocks_are_its_matchers_scores(engines):
    assert _check_postings_scores(engines["whoosh"][0]) > 50


def test_whoosh_scores_from_posting_blocks_over_segments_with_deletions(corpus_dir,
                                                                        tmp_path,
                                                                        monkeypatch):
    # Edited documents are re-added in a new segment and deleted from the old one: a
    # deleted entry must not match, and each segment's docnums are offset. (Whoosh
    # would merge so small an index's segments at once, and the store compact them
    # when a quarter is deleted: not here.)
    from whoosh import writing
    from indexer.engines import whoosh_engine
    data = tmp_path / "data"
    shutil.copytree(corpus_dir, data)
    settings = Settings.from_env(environ={}, data_dir=data, workers=1, engine="whoosh")
    ix = Indexer(settings)
    with ix.repo.writing():
        rebuild(ix.repo, ix.index)
    monkeypatch.setattr(writing, "MERGE_SMALL", writing.NO_MERGE)
    monkeypatch.setattr(whoosh_engine.IndexPair, "compact", lambda self, waste=0: None)
    for doc_id in ("hanoi-report", "la-paz-report"):
        doc = ix.repo.document(doc_id)
        with ix.repo.writing():
            ix.repo.update_document(replace(doc, title=doc.title + " (corrected)"))
            ix.update_index()
    service = SearchService(IndexStore(ix.index.root))
    try:
        view = service._current()
        assert len(view.s.subsearchers or ()) > 1 and view.s.reader().has_deletions()
        assert len(view.p.subsearchers or ()) > 1 and view.p.reader().has_deletions()
        assert _check_postings_scores(service) > 50
        for doc_id in ("hanoi-report", "la-paz-report", "osaka-chair-summary"):
            pages = view._pages_of(doc_id)         # the live ones, over the segments
            assert pages and pages == list(view.p.document_numbers(doc_id=doc_id))
    finally:
        service.close()


def _every_block(reader):
    """Whoosh leaf matchers positioned on every block of every term of `reader`."""
    from whoosh.matching import FilterMatcher
    for leaf, _ in reader.leaf_readers():
        for field, text in leaf.all_terms():
            if leaf.schema[field].format is None:
                continue
            m = leaf.postings(field, text)
            if isinstance(m, FilterMatcher):   # a segment with deleted entries
                m = m.child
            while True:
                yield field, m
                if m._lastblock:
                    break
                m._next_block()


def _blocks_read_from_their_beginning(reader):
    """(blocks, of which read from the beginning of their data only): each block's
    ids and weights as the block scorer reads them, checked against Whoosh's own."""
    from indexer.engines.whoosh_postings import _block_ids, _block_weights
    blocks, fast = 0, 0
    for field, m in _every_block(reader):
        # (With deleted entries, Whoosh's FilterMatcher has read the first block whole.)
        m._data = m._ids = m._weights = None
        ids, weights = _block_ids(m), _block_weights(m)
        fast += m._data is None                # the whole block was never unpickled
        m._data = m._ids = m._weights = None
        m._read_ids()
        m._read_weights()
        assert (list(ids), list(weights)) == (list(m._ids), list(m._weights)), field
        blocks += 1
    return blocks, fast


def test_a_blocks_ids_and_weights_read_from_its_beginning_are_whooshs(engines):
    view = engines["whoosh"][0]._current()
    for searcher in (view.s, view.p):
        blocks, fast = _blocks_read_from_their_beginning(searcher.reader())
        # Most blocks hold one or two postings (rare words) and are read whole.
        assert blocks > 1000 and fast > 50, (blocks, fast)


def test_blocks_of_every_kind_of_weights_read_as_whoosh_reads_them(tmp_path):
    # Weights all 1.0 (stored as None), all equal (one float), varied (a tuple); 1 to
    # 300 postings (several blocks, and blocks of 1-3 postings pickled without MARK);
    # ids whose deltas need 1, 2 and 4 bytes; phrases' positions; uncompressed blocks.
    import random
    from whoosh import fields, index as whoosh_index
    from whoosh.codec.whoosh3 import W3Codec
    rng = random.Random(3)
    schema = fields.Schema(body=fields.TEXT(phrase=True), tag=fields.KEYWORD(scorable=True))
    for compression in (3, 0):
        path = tmp_path / f"c{compression}"
        path.mkdir()
        ix = whoosh_index.create_in(str(path), schema)
        w = ix.writer(codec=W3Codec(compression=compression))
        for i in range(70_000):
            if i % 97 and i < 69_000:
                w.add_document(tag="x")
                continue
            words = ["once"] * rng.choice([1, 1, 2, 5]) + ["same"] * 2 + \
                [f"w{rng.randrange(6)}" for _ in range(rng.randrange(1, 8))]
            if i % 7 == 0:
                words.append("rare")
            w.add_document(body=" ".join(rng.sample(words, len(words))),
                           tag="t" + " t" * rng.randrange(3))
        w.commit()
        blocks, fast = _blocks_read_from_their_beginning(ix.reader())
        assert blocks > 20 and fast > 5, (compression, blocks, fast)


class _PatternPayloads(Format):
    """A format whose every posting carries, as its value, the ids' end pattern with
    the bytes the block reader would take for a weights' tuple after it."""
    POSTINGS = 10
    PAYLOAD = _IDS_END + b"a" * (4 + 9 * POSTINGS - 5) + b"t" + b"zzz"

    def word_values(self, value, analyzer, **kwargs):
        for t in analyzer(value):
            yield t.text, 1, 1.0, self.PAYLOAD


def test_a_block_whose_values_hold_the_ids_end_pattern_is_read_whole(tmp_path):
    # Weights all 1.0 are pickled as None: the ids' end pattern is then only found (if
    # at all) inside a value's bytes, and the block must be read as Whoosh reads it.
    from whoosh import fields, index as whoosh_index
    from whoosh.analysis import SimpleAnalyzer
    from indexer.engines.whoosh_postings import _block_ids, _block_weights
    n = _PatternPayloads.POSTINGS
    ix = whoosh_index.create_in(str(tmp_path), fields.Schema(
        body=fields.FieldType(_PatternPayloads(), SimpleAnalyzer())))
    with ix.writer() as w:
        for _ in range(n):
            w.add_document(body="mercury")
    m = ix.reader().postings("body", "mercury")
    assert (list(_block_ids(m)), list(_block_weights(m))) == (list(range(n)), [1.0] * n)


def test_a_whoosh_view_keeps_the_page_numbers_it_read_within_bounds(engines, monkeypatch):
    from indexer.engines import whoosh_engine
    from indexer.query import any_part
    service = engines["whoosh"][0]
    view = service._current()
    monkeypatch.setattr(whoosh_engine, "PAGE_NUMBERS_KEPT", 3)
    view._numbers.clear()
    ids = [h.id for h in service.search("mercury", page_size=20).hits]
    q = any_part(service._parse("mercury", view, expand=False)[0])
    for _ in range(2):                   # read, then (some) kept
        found, partial = view.page_matches(q, ids)
        assert not partial and len(found) > 3 and 0 < len(view._numbers) <= 3
        for pages in found.values():
            for _, number, ref in pages:
                assert number == view.p.stored_fields(ref)["page"]


@pytest.mark.parametrize("text, long", [
    ("coal power plants mercury emissions inventory storage trade", True),
    ("what did the Hanoi workshop say about coal power plants and mercury emissions "
     "inventory in Asia", True),
    ("centrales thermiques au charbon en Asie", False),
])
def test_tantivys_bound_is_never_below_the_score(engines, text, long):
    # top_works ranks candidates by the bound and stops once the scores found are above
    # the bound of every entry left out: a bound below an entry's score would lose it.
    # A best match of more than six parts is bounded by their sum, fewer by their sets.
    from indexer.engines import tantivy_engine
    from indexer.query import BestMatch, present_parts, without_absent
    service = engines["tantivy"][0]
    view = service._current()
    q = without_absent(service._parse(text, view, expand=False)[0],
                       tantivy_engine._term_in(view.s))
    exact = view._evaluate(q)
    assert exact and isinstance(q, BestMatch)
    assert (len(present_parts(q)) > tantivy_engine.SUBSETS_MAX_PARTS) == long
    for tight in (False, True):
        bounds = {n: sc for sc, n in view._docnums(tantivy_engine._all(
            view.s, tantivy_engine._bound(view.tschema, q, tight)))}
        assert all(bounds[n] >= exact[n] * (1 - 1e-6) for n in exact), (text, tight)
