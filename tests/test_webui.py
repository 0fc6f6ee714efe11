"""Flask test-client tests of every page and API route, including bad parameters."""
import re
import shutil

import pytest

from indexer.ingest import Indexer
from repo.settings import Settings
from webui import create_app
from webui.settings import WebSettings


@pytest.fixture(scope="module")
def data(corpus_dir, tmp_path_factory):
    """A copy of the indexed corpus plus a document with HTML in its title and text."""
    from tests.conftest import make_pdf
    d = tmp_path_factory.mktemp("web") / "data"
    shutil.copytree(corpus_dir, d)
    pdf = make_pdf(d.parent / "script.pdf",
                   ["Hostile <script>alert('x')</script> quicksilver text here."])
    ix = Indexer(Settings.from_env(environ={}, data_dir=d, workers=1))
    ix.add(pdf, "2019-hanoi-coal", "other", title="<script>alert(1)</script> Quicksilver")
    ix.close()
    return d


@pytest.fixture(scope="module")
def app(data):
    return create_app(WebSettings(store=Settings.from_env(environ={}, data_dir=data),
                                  testing=True))


@pytest.fixture
def client(app):
    """A fresh client (no language cookie) for each test."""
    return app.test_client()


def text(response):
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_search_page_shows_hits_pages_and_facets(client):
    r = client.get("/?q=sorbent+trap")
    body = text(r)
    assert r.status_code == 200 and '<html lang="en">' in body
    assert "Report of the Asia-Pacific regional workshop" in body
    assert re.search(r'href="/documents/hanoi-report/file#page=\d+"', body)
    assert "<mark>sorbent</mark>" in body and 'value="sorbent trap"' in body
    assert "Document type" in body and "Report" in body


def test_facet_values_toggle_and_chips_remove(client):
    body = text(client.get("/?q=mercury&language=es"))
    assert 'name="language" value="es" checked' in body
    assert re.search(r'href="/\?q=mercury"[^>]*aria-label="Remove filter Language: Spanish"', body)
    # The unselected value's toggle adds it (OR within the facet).
    assert re.search(r'data-toggle-url="/\?q=mercury&amp;language=en&amp;language=es"', body)


def test_empty_query_browses_and_empty_result_shows_examples(client):
    assert "documents" in text(client.get("/"))
    body = text(client.get("/?q=zzzqqqxxx"))
    assert "No documents found" in body and "Examples:" in body


def test_did_you_mean(client):
    body = text(client.get("/?q=mercruy"))
    assert 'Did you mean <a href="/?q=mercury">mercury</a>' in body


def test_bad_query_is_a_message_in_the_page(client):
    r = client.get("/?q=*ury")
    assert r.status_code == 400 and 'role="alert"' in text(r)
    assert "A * may only end a word" in text(r) and "Traceback" not in text(r)
    r = client.get("/?q=" + "a" * 2000)
    assert "The query is too long (2,000 characters): the limit is 1,000 characters." in text(r)
    # The box does not cut a long query silently: the same message comes back.
    assert 'maxlength' not in re.search(r'<input id="q"[^>]*>', text(client.get("/"))).group()
    r = client.get("/?lang=fr&q=" + "a" * 1001)
    assert "trop longue (1\u202f001 caractères)" in text(r) or \
        "trop longue (1 001 caractères)" in text(r) or "trop longue (1001" in text(r)
    api = client.get("/api/search?q=" + "a" * 1001)
    assert api.status_code == 400 and "1,000 characters" in api.get_json()["error"]


def test_page_past_the_last_says_so(client):
    body = text(client.get("/?q=mercury&page=99&size=5"))
    assert "page 99 does not exist" in body and 'aria-current="page"' in body


def test_hit_opens_at_its_best_page(client):
    body = client.get("/?q=%22sorbent+trap%22").get_data(as_text=True)
    best = re.search(r'href="/documents/hanoi-report/view\?page=(\d+)[^"]*">Open at page (\d+)<',
                     body)
    assert best and best.group(1) == best.group(2)
    api = client.get("/api/search?q=%22sorbent+trap%22").get_json()
    hit = next(h for h in api["hits"] if h["id"] == "hanoi-report")
    assert int(best.group(1)) == hit["pages"][0] == hit["page_scores"][0]["page"]


def test_paging_parameters_are_bounded(client):
    assert client.get("/?q=coal&page=abc&size=-4").status_code == 200
    assert client.get("/?q=coal&page=99999999&size=10000").status_code == 200
    api = client.get("/api/search?q=coal&size=10000").get_json()
    assert api["page_size"] == 50


def test_html_in_titles_and_text_is_escaped(client):
    body = client.get("/?q=quicksilver").get_data(as_text=True)
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Quicksilver" in body
    assert "&lt;script&gt;alert(&#39;x&#39;)" in body or "&lt;script&gt;alert(&#x27;x" in body


def test_security_headers(client):
    r = client.get("/")
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_interface_language_from_browser_switch_and_cookie(client):
    fr = client.get("/?q=charbon", headers={"Accept-Language": "fr-CH, fr;q=0.9"})
    assert '<html lang="fr">' in text(fr) and "Affiner les résultats" in text(fr)
    es = client.get("/?lang=es")
    assert "Afinar los resultados" in text(es) and "lang=es" in es.headers["Set-Cookie"]
    again = client.get("/events")                  # the cookie remembers Spanish
    assert '<html lang="es">' in text(again) and "Talleres y reuniones" in text(again)


def test_dates_and_countries_follow_the_interface_language(client):
    body = text(client.get("/events/2019-la-paz-trade?lang=fr"))
    assert "8–10 octobre 2019" in body and "Bolivie" in body
    # Date ranges as each language writes them.
    assert "30–31 de mayo de 2019" in text(client.get("/events/2019-osaka-waste?lang=es"))
    assert "30–31 May 2019" in text(client.get("/events/2019-osaka-waste?lang=en"))
    assert "31 October – 1 November 2019" in text(client.get("/events/2019-hanoi-coal?lang=en"))
    assert "31 de octubre – 1 de noviembre de 2019" in text(
        client.get("/events/2019-hanoi-coal?lang=es"))
    assert "31 octobre – 1er novembre 2019" in text(client.get("/events/2019-hanoi-coal?lang=fr"))


def test_events_page_filters(client):
    body = text(client.get("/events?region=latin-america-caribbean"))
    assert "La Paz" in body and "Osaka" not in body
    assert "Hanoi" not in text(client.get("/events?year=2018"))


def test_event_and_document_pages(client):
    body = text(client.get("/events/2019-hanoi-coal"))
    assert "European Union" in body and "Indonesia" in body and "hanoi-report" in body
    doc = text(client.get("/documents/hanoi-report?q=sorbent"))
    assert "Where “sorbent” is in this document" in doc and "#page=" in doc
    assert "Other documents of this event" in doc and "More like this" in doc
    assert "English only" in doc


def test_pdf_is_served_inline_and_for_download(client):
    r = client.get("/documents/hanoi-report/file")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert r.data.startswith(b"%PDF-") and "inline" in r.headers["Content-Disposition"]
    r = client.get("/documents/hanoi-report/file?download=1")
    assert "attachment" in r.headers["Content-Disposition"]


@pytest.mark.parametrize("url", ["/nope", "/events/nope", "/documents/nope",
                                 "/documents/nope/file"])
def test_friendly_404_in_the_users_language(client, url):
    r = client.get(url, headers={"Accept-Language": "es"})
    assert r.status_code == 404 and "Página no encontrada" in text(r)
    assert "Traceback" not in text(r)


def test_api_search_is_the_cli_json(client):
    data = client.get("/api/search?q=coal&type=report").get_json()
    assert data["filters"] == {"type": ["report"]} and data["total"] >= 1
    assert {"id", "title", "event", "type", "languages", "pages", "snippet"} <= set(data["hits"][0])
    assert set(data["facets"]) == {"event", "year", "country", "region", "type", "language",
                                   "topic"}


def test_api_documents_and_events(client):
    assert client.get("/api/documents/hanoi-report").get_json()["page_count"] == 11
    events = client.get("/api/events").get_json()
    assert [e["id"] for e in events] == ["2019-hanoi-coal", "2019-la-paz-trade",
                                         "2019-osaka-waste"]
    one = client.get("/api/events/2019-osaka-waste").get_json()
    assert [d["id"] for d in one["documents"]] == ["osaka-chair-summary",
                                                  "osaka-chair-summary-fr-scan",
                                                  "osaka-pres-japan"]


@pytest.mark.parametrize("url, status", [("/api/search?q=*ury", 400),
                                         ("/api/search?page=x", 400),
                                         ("/api/documents/nope", 404),
                                         ("/api/events/nope", 404), ("/api/nothing", 404)])
def test_api_errors_are_json(client, url, status):
    r = client.get(url)
    assert r.status_code == status and r.is_json and r.get_json()["error"]


def test_server_error_is_a_friendly_page_without_a_trace(data):
    app = create_app(WebSettings(store=Settings.from_env(environ={}, data_dir=data)))

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    r = app.test_client().get("/boom", headers={"Accept-Language": "fr"})
    assert r.status_code == 500 and "Une erreur s'est produite" in text(r)
    assert "secret internals" not in text(r) and "Traceback" not in text(r)
    api = app.test_client().get("/api/events/..%2f..%2fetc")
    assert api.status_code == 404 and api.is_json


def test_spanish_event_titles_when_the_manifest_has_them(client):
    body = text(client.get("/events?lang=es"))
    assert "Taller regional de Asia y el Pacífico" in body and "Bolivia" in body


def test_default_relative_data_directory_still_translates(corpus_dir, tmp_path, monkeypatch):
    shutil.copytree(corpus_dir, tmp_path / "instance")
    monkeypatch.chdir(tmp_path)
    store = Settings.from_env(environ={})                 # the default: ./instance
    assert store.data_dir == tmp_path / "instance"
    body = create_app(WebSettings(store=store)).test_client().get("/?lang=fr")
    assert "Affiner les résultats" in body.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/%5Cevil.example", "//evil.example/x", "/%5C%5Cevil.example"])
def test_language_links_stay_on_this_site(client, path):
    body = client.get(path).get_data(as_text=True)
    links = re.findall(r'href="([^"]*lang=fr[^"]*)"', body)
    assert links and all(link.startswith("/") and not link.startswith("//") and
                         "\\" not in link for link in links), links
