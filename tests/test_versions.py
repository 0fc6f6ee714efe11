"""Language versions: works in the store, one result per work in search, suggestions."""
import json
import re

import pytest

from tests.conftest import MANIFEST, copy_corpus, make_pdf, run_cli
from indexer.search import SearchService
from indexer.versions import suggest_versions
from repo.errors import InvalidInput
from repo.models import Document
from repo.works import detach, group_works, link
from webui import create_app
from webui.settings import WebSettings

EVENT = "2019-hanoi-coal"
EN = [
    "Report of the national workshop on mercury in Mongolia. The workshop was held in "
    "Ulaanbaatar on 14 and 15 March 2018 with the support of UNITAR and the Ministry of "
    "Environment and Tourism. Participants reviewed the inventory of mercury releases.",
    "The inventory estimated that 1,234 kilograms of mercury are released every year, of "
    "which 87 per cent come from artisanal and small-scale gold mining in the provinces of "
    "Bayankhongor and Uvurkhangai. Mr. Batbayar presented the national action plan.",
    "Participants agreed that the import of 350 kilograms of mercury in 2017 should be "
    "verified by customs, and that the Khovd laboratory would measure emissions by 2020.",
]
FR = [
    "Rapport de l'atelier national sur le mercure en Mongolie. L'atelier s'est tenu à "
    "Ulaanbaatar les 14 et 15 mars 2018 avec l'appui de l'UNITAR et du Ministère de "
    "l'environnement et du tourisme. Les participants ont examiné l'inventaire des rejets.",
    "L'inventaire estime que 1 234 kilogrammes de mercure sont rejetés chaque année, dont "
    "87 pour cent proviennent de l'extraction minière artisanale et à petite échelle d'or "
    "dans les provinces de Bayankhongor et d'Uvurkhangai. M. Batbayar a présenté le plan.",
    "Les participants sont convenus que l'importation de 350 kilogrammes de mercure en "
    "2017 devait être vérifiée par les douanes, et que le laboratoire de Khovd mesurerait "
    "les émissions d'ici 2020.",
]
OTHER = [
    "Summary of a seminar on dental amalgam held in Bangkok, Thailand, in June 2016. "
    "Dentists from Malaysia and Cambodia compared the phase-down of amalgam fillings.",
    "The seminar noted that 42 clinics had adopted alternatives and that 9,800 capsules "
    "were collected for environmentally sound disposal by the Pollution Control Department.",
    "Recommendations: training of dental students, labelling of capsules and separators "
    "in every clinic by 2021, with support from the World Health Organization.",
]


def _doc(doc_id, work_id=""):
    return Document(id=doc_id, event_id=EVENT, type="report", title=doc_id, sha256=doc_id,
                    size=1, original_name="x.pdf", work_id=work_id)


def _members(docs):
    return lambda key: [d for d in docs if d.work == key]


def test_link_and_detach_keep_every_work_consistent():
    a, b, c = _doc("a"), _doc("b"), _doc("c")
    docs = [a, b, c]
    changed = link(b, a, _members(docs))
    assert {d.id for d in changed} == {"a", "b"} and a.work == b.work == "a"
    link(c, b, _members(docs))
    assert a.work == b.work == c.work == "a"
    # The work was keyed by a's id: when a leaves, the others keep a key of their own.
    detach(a, _members(docs))
    assert a.work == "a" and a.work_id == "" and b.work == c.work != "a"
    detach(b, _members(docs))
    assert [w.key for w in group_works(docs)] == ["a", "b", "c"]      # three alone again
    with pytest.raises(ValueError):
        link(a, a, _members(docs))


@pytest.fixture
def versions(indexer_with_event, tmp_path):
    """An English report, its French version and an unrelated report, in one event."""
    ix = indexer_with_event
    ids = {}
    for name, pages in (("en", EN), ("fr", FR), ("other", OTHER)):
        path = tmp_path / f"{name}.pdf"
        make_pdf(path, pages)
        ids[name] = ix.add(path, EVENT, "report", title=f"Mongolia workshop report {name}").id
    return ix, ids


def _search(ix, query="", **kwargs):
    service = SearchService(ix.index)
    try:
        return service.search(query, **kwargs)
    finally:
        service.close()


def test_the_repository_suggests_the_translation_and_not_the_unrelated_report(versions):
    ix, ids = versions
    found = suggest_versions(ix.repo, ids["en"])
    assert [s.document.id for s in found] == [ids["fr"]]
    assert {"1234", "2017", "350"} <= set(found[0].shared), found[0].shared
    assert suggest_versions(ix.repo, ids["other"]) == []


def test_suggesting_reads_no_text_when_nothing_could_be_a_version(versions, tmp_path,
                                                                   monkeypatch):
    # Every upload asks for suggestions: one to an event whose documents are all of its
    # own language (or another type) must not read and scan each of their texts.
    ix, ids = versions
    path = tmp_path / "note.pdf"
    make_pdf(path, ["A note on mercury in English, with 12 numbers and UNITAR."])
    note = ix.add(path, EVENT, "other", title="A note").id
    monkeypatch.setattr(type(ix.repo), "text", lambda self, doc: pytest.fail("text read"))
    assert suggest_versions(ix.repo, note) == []


def test_a_text_read_again_by_ocr_is_compared_afresh(versions):
    # Texts are remembered by content between suggestions; an OCR result changes the text
    # of the same PDF, so it must not be answered from what was remembered before it.
    ix, ids = versions
    assert [s.document.id for s in suggest_versions(ix.repo, ids["en"])] == [ids["fr"]]
    fr = ix.repo.document(ids["fr"])
    ix.repo.ocr.put(fr.sha256, {"pages": {str(n + 1): {"text": OTHER[n], "languages": ["en"],
                                                        "confidence": 90}
                                          for n in range(3)}})
    assert suggest_versions(ix.repo, ids["en"]) == []


def test_two_versions_are_one_result_with_two_badges(versions):
    ix, ids = versions
    before = _search(ix, "Ulaanbaatar")
    assert before.total == 2
    ix.link_versions(ids["fr"], ids["en"], "amina")
    after = _search(ix, "Ulaanbaatar")
    assert after.total == 1 and len(after.hits) == 1
    hit = after.hits[0]
    assert {v["id"] for v in hit.versions} == {ids["en"], ids["fr"]}
    assert sorted(lang for v in hit.versions for lang in v["languages"]) == ["en", "fr"]
    # The language facet counts the work once under each language it is available in.
    languages = {v.value: v.count for v in after.facets["language"]}
    assert languages["en"] == 1 and languages["fr"] == 1
    # The event facet counts works, not files.
    assert {v.value: v.count for v in _search(ix).facets["event"]}[EVENT] == 2


def test_the_version_shown_follows_the_chosen_or_interface_language(versions):
    ix, ids = versions
    ix.link_versions(ids["fr"], ids["en"], "amina")
    assert _search(ix, "Ulaanbaatar", prefer_languages=["fr"]).hits[0].id == ids["fr"]
    assert _search(ix, "Ulaanbaatar", prefer_languages=["en"]).hits[0].id == ids["en"]
    chosen = _search(ix, "Ulaanbaatar", filters={"language": ["fr"]}, prefer_languages=["en"])
    assert chosen.hits[0].id == ids["fr"]


def test_a_retracted_version_disappears_from_its_work(versions):
    ix, ids = versions
    ix.link_versions(ids["fr"], ids["en"], "amina")
    ix.edit(ids["fr"], {"status": "retracted"}, "amina")
    result = _search(ix, "Ulaanbaatar")
    assert [v["id"] for v in result.hits[0].versions] == [ids["en"]]
    assert "fr" not in {v.value for v in result.facets["language"]}
    staff = _search(ix, "Ulaanbaatar", include_unpublished=True)
    assert {v["id"] for v in staff.hits[0].versions} == {ids["en"], ids["fr"]}


def test_unlinking_makes_two_results_again_and_both_changes_are_audited(versions):
    ix, ids = versions
    ix.link_versions(ids["fr"], ids["en"], "amina")
    ix.unlink_version(ids["fr"], "amina")
    assert _search(ix, "Ulaanbaatar").total == 2
    actions = [e.action for e in ix.repo.audit.entries(target=ids["fr"])]
    assert actions[:2] == ["unlink_version", "link_version"]


def test_versions_of_different_events_are_refused(versions, tmp_path):
    ix, ids = versions
    path = tmp_path / "osaka.pdf"
    make_pdf(path, OTHER[::-1])
    osaka = ix.add(path, "2019-osaka-waste", "report", title="Osaka").id
    with pytest.raises(InvalidInput, match="different events"):
        ix.link_versions(osaka, ids["en"], "amina")
    path2 = tmp_path / "osaka2.pdf"
    make_pdf(path2, [p + " Annex." for p in OTHER])
    with pytest.raises(InvalidInput, match="another event"):
        ix.add(path2, "2019-osaka-waste", "report", version_of=ids["en"])


def test_add_with_version_of_joins_the_work(indexer_with_event, tmp_path):
    ix = indexer_with_event
    make_pdf(tmp_path / "en.pdf", EN)
    make_pdf(tmp_path / "fr.pdf", FR)
    en = ix.add(tmp_path / "en.pdf", EVENT, "report")
    fr = ix.add(tmp_path / "fr.pdf", EVENT, "report", version_of=en.id)
    assert fr.work == en.id
    assert [d.id for d in ix.repo.work(en).versions] == [en.id, fr.id]


# -- the shipped corpus, the manifest -------------------------------------------------------

def test_the_shipped_article_8_presentation_is_one_work_in_two_languages(corpus):
    result = corpus.search("annex D", expand=False)
    assert result.total == 1
    assert {v["id"] for v in result.hits[0].versions} == {
        "hanoi-pres-secretariat-en", "hanoi-pres-secretariat-fr"}


def test_a_manifest_version_of_must_name_a_document_of_the_same_event(tmp_path):
    from repo.manifest import ManifestError, load_manifest
    manifest = copy_corpus(tmp_path / "docs")
    data = json.loads(manifest.read_text())
    for entry in data["documents"]:
        if entry["id"] == "hanoi-pres-secretariat-en":
            entry["version_of"] = "osaka-chair-summary"
    manifest.write_text(json.dumps(data))
    with pytest.raises(ManifestError, match="another event"):
        load_manifest(manifest)


def test_staff_corrections_of_a_shipped_document_survive_the_next_index_run(tmp_path):
    data = tmp_path / "data"
    run_cli("--data", str(data), "index", "--manifest", str(MANIFEST))
    run_cli("--data", str(data), "unlink", "hanoi-pres-secretariat-en")
    run_cli("--data", str(data), "index", "--manifest", str(MANIFEST))
    out = run_cli("--data", str(data), "versions", "hanoi-pres-secretariat-en", "--json")
    shown = json.loads(out.stdout)
    assert [d["id"] for d in shown["versions"]] == ["hanoi-pres-secretariat-en"]
    # ... and the repository suggests the French one, for staff to confirm again.
    assert [s["id"] for s in shown["suggestions"]] == ["hanoi-pres-secretariat-fr"]


# -- the web UI -----------------------------------------------------------------------------

PASSWORD = "a long enough password"


@pytest.fixture
def web(versions, settings):
    ix, ids = versions
    ix.repo.accounts.add("amina", PASSWORD, "editor")
    app = create_app(WebSettings(store=settings, testing=True))
    return app, ids


def _signed_in(app):
    client = app.test_client()
    body = client.get("/staff/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)
    client.post("/staff/sign-in", data={"name": "amina", "password": PASSWORD,
                                        "csrf_token": token})
    # Signing in starts a new session, with a new token.
    body = client.get("/staff/upload").get_data(as_text=True)
    return client, re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)


def test_staff_confirm_a_suggestion_and_delegates_see_one_result(web):
    app, ids = web
    client, token = _signed_in(app)
    page = client.get(f"/staff/documents/{ids['en']}/edit").get_data(as_text=True)
    assert "Suggested" in page and f'value="{ids["fr"]}"' in page
    r = client.post(f"/staff/documents/{ids['en']}/versions",
                    data={"version_of": ids["fr"], "csrf_token": token})
    assert r.status_code == 302
    public = app.test_client()
    html = public.get("/?q=Ulaanbaatar").get_data(as_text=True)
    assert html.count('class="hit"') == 1 and "Available in" in html
    assert f"/documents/{ids['en']}" in html and f"/documents/{ids['fr']}" in html
    # In French, the title opens the French version.
    fr = app.test_client().get("/?q=Ulaanbaatar&lang=fr").get_data(as_text=True)
    title_link = re.search(r'<h3><a href="([^"]+)"', fr).group(1)
    assert title_link.startswith(f"/documents/{ids['fr']}")
    # The document page lists its other version; the event page lists the work once.
    doc = public.get(f"/documents/{ids['en']}").get_data(as_text=True)
    assert "Language versions" in doc and f"/documents/{ids['fr']}" in doc
    event = public.get(f"/events/{EVENT}").get_data(as_text=True)
    assert event.count(">Mongolia workshop report en</a>") == 1
    assert event.count(">Mongolia workshop report fr</a>") == 0      # a badge of the work
    assert event.count(">Mongolia workshop report other</a>") == 1
    api = public.get(f"/api/documents/{ids['fr']}").get_json()
    assert {v["id"] for v in api["versions"]} == {ids["en"], ids["fr"]}


def test_linking_needs_a_csrf_token_and_a_signed_in_officer(web):
    app, ids = web
    anonymous = app.test_client()
    r = anonymous.post(f"/staff/documents/{ids['en']}/versions", data={"version_of": ids["fr"]})
    assert r.status_code in (302, 400, 403)
    client, _ = _signed_in(app)
    r = client.post(f"/staff/documents/{ids['en']}/versions", data={"version_of": ids["fr"]})
    assert r.status_code == 400
    assert app.test_client().get("/api/search?q=Ulaanbaatar").get_json()["total"] == 2


def test_linking_to_an_unknown_document_says_so_in_the_form(web):
    app, ids = web
    client, token = _signed_in(app)
    r = client.post(f"/staff/documents/{ids['en']}/versions",
                    data={"version_of": "no-such-doc", "csrf_token": token})
    assert r.status_code == 400 and "There is no document with the id" in r.get_data(
        as_text=True)


# -- the match cache ------------------------------------------------------------------------

def test_cached_answers_equal_fresh_ones(corpus_dir):
    from indexer.ingest import Indexer
    from indexer.search import MatchCache
    from repo.settings import Settings
    store = Indexer(Settings.from_env(environ={}, data_dir=corpus_dir)).index
    cache = MatchCache(64)
    cached, fresh = SearchService(store, cache=cache), SearchService(store)
    asks = [("mercury", {}, "relevance", 1), ("mercury", {"language": ["es"]}, "relevance", 1),
            ("mercury", {"language": ["es", "en"], "type": ["presentation"]}, "date", 1),
            ("", {"event": ["2019-hanoi-coal"]}, "relevance", 1), ("coal", {}, "date", 2),
            ("article 8", {"language": ["fr"]}, "relevance", 1)]
    for _ in range(2):                      # the second round is answered from the cache
        for query, filters, sort, page in asks:
            a = cached.search(query, filters, sort, page, page_size=3).to_dict()
            b = fresh.search(query, filters, sort, page, page_size=3).to_dict()
            assert a == b, (query, filters, sort)
    assert cache.matches.hits >= len(asks) and cache.pages.hits > 0


def test_the_cache_never_answers_from_an_older_index(versions):
    from indexer.search import MatchCache
    ix, ids = versions
    service = SearchService(ix.index, cache=MatchCache(16))
    assert service.search("Ulaanbaatar").total == 2
    ix.edit(ids["fr"], {"status": "retracted"}, "amina")
    after = service.search("Ulaanbaatar")
    assert after.total == 1 and after.hits[0].id == ids["en"]


def test_threads_missing_one_query_at_once_search_it_once(corpus_dir, monkeypatch):
    # After an index commit every server thread missed the same queries at once and each
    # searched them afresh: one searches, the others wait for its answer.
    import threading
    import time
    from indexer import search
    from indexer.ingest import Indexer
    from repo.settings import Settings
    store = Indexer(Settings.from_env(environ={}, data_dir=corpus_dir)).index
    cache = search.MatchCache(64)
    real_match, made = search._Run._match, []

    def slow_match(run):
        made.append(1)
        time.sleep(0.3)
        return real_match(run)
    monkeypatch.setattr(search._Run, "_match", slow_match)
    real_find, found = search._Run._find_pages, []

    def slow_find(run, doc_ids):
        found.append(1)
        time.sleep(0.3)
        return real_find(run, doc_ids)
    monkeypatch.setattr(search._Run, "_find_pages", slow_find)
    answers = []

    def ask():
        service = SearchService(store, cache=cache)
        answers.append(service.search("mercury").to_dict())
        service.close()
    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(answers) == 4 and all(a == answers[0] for a in answers)
    assert len(made) == 1 and len(found) == 1
    assert SearchService(store).search("mercury").to_dict() == answers[0]


def test_a_search_cut_short_is_not_kept_and_its_waiters_search_themselves(corpus_dir):
    from indexer.search import LRU
    lru, calls = LRU(8), []

    def partial():
        calls.append(1)
        return "cut", False
    assert lru.get_or_make("k", partial) == "cut" and lru.get("k") is None
    assert lru.get_or_make("k", lambda: ("whole", True)) == "whole"
    assert lru.get_or_make("k", partial) == "whole" and calls == [1]


def _upload(client, token, path, **fields):
    import io
    data = {"csrf_token": token, "event": EVENT, "type": "report", "status": "published",
            **fields, "files": [(io.BytesIO(path.read_bytes()), path.name)]}
    return client.post("/staff/upload", data=data, content_type="multipart/form-data")


def test_uploading_a_translation_suggests_its_original_or_links_it(indexer_with_event,
                                                                    settings, tmp_path):
    ix = indexer_with_event
    make_pdf(tmp_path / "en.pdf", EN)
    en = ix.add(tmp_path / "en.pdf", EVENT, "report", title="Mongolia report")
    ix.repo.accounts.add("amina", PASSWORD, "editor")
    app = create_app(WebSettings(store=settings, testing=True))
    client, token = _signed_in(app)
    make_pdf(tmp_path / "fr.pdf", FR)
    page = _upload(client, token, tmp_path / "fr.pdf").get_data(as_text=True)
    assert "Suggested" in page and f'name="version_of" value="{en.id}"' in page
    # Said at upload: recorded, and a wrong id is refused in the form.
    make_pdf(tmp_path / "fr2.pdf", FR[::-1])
    wrong = _upload(client, token, tmp_path / "fr2.pdf", version_of="no-such")
    assert wrong.status_code == 400 and "There is no document with the id" in \
        wrong.get_data(as_text=True)
    done = _upload(client, token, tmp_path / "fr2.pdf", version_of=en.id)
    assert "Recorded as a language version of" in done.get_data(as_text=True)
    assert len(ix.repo.work(ix.repo.document(en.id)).versions) == 2


def test_names_in_any_script_are_anchors_as_the_index_folds_them():
    from indexer.versions import anchors
    found = anchors("Доклад. Совещание в городе Москва и в Hanoï, ЮНЕП")
    assert {"w:москва", "w:hanoi", "w:юнеп"} <= found and "w:" not in found
