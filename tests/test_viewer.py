"""The PDF viewer: the words to highlight, its page and PDF.js's files, the fallback to the
plain PDF without PDF.js, and the viewer itself in Chromium at a hit's best page."""
import html
import json
import logging
import re
import shutil

import pytest
from playwright.sync_api import expect

from indexer.errors import QueryError
from indexer.ingest import Indexer
from indexer.query import highlight_terms
from repo.settings import Settings
from repo.store import Repository
from tests.conftest import STAFF_PASSWORD, make_pdf, signed_in
from tests.test_browser import base_url, browser  # noqa: F401
from webui import create_app
from webui.settings import DEFAULT_PDFJS_DIR, PDFJS_ENV, WebSettings
from webui.views.viewer import find_pdfjs

PASSWORD = STAFF_PASSWORD
PDFJS = find_pdfjs(DEFAULT_PDFJS_DIR)
needs_pdfjs = pytest.mark.skipif(PDFJS is None, reason="PDF.js is not installed: run `npm ci`")


# -- the words to highlight -------------------------------------------------------------
def test_highlight_terms_are_the_typed_words_without_the_syntax():
    query = ('the "coal combustion" -china NOT lignite type:report coal-fired emiss* '
             'title:Hanoi plants? coal^2 Coal')
    assert highlight_terms(query, expand=False) == [
        "coal combustion", "coal-fired", "coal", "fired", "emiss", "Hanoi", "plants"]


def test_highlight_terms_keep_stop_words_when_meant():
    assert highlight_terms("the", expand=False) == ["the"]          # all there is
    assert highlight_terms("+the coal", expand=False) == ["the", "coal"]
    assert highlight_terms("WHO guidelines", expand=False) == ["WHO", "guidelines"]
    assert highlight_terms("annex D", expand=False) == ["annex D"]
    assert highlight_terms("UNEP/MC/WS.2019/HAN/1.", expand=False) == ["UNEP/MC/WS.2019/HAN/1"]
    assert highlight_terms("", expand=False) == [] and highlight_terms("   ") == []


def test_highlight_terms_add_the_thesaurus_terms_when_expanding():
    terms = highlight_terms("mercure")
    assert terms[0] == "mercure" and {"mercury", "mercurio"} <= set(terms)
    assert highlight_terms("mercure", expand=False) == ["mercure"]
    assert "combustion du charbon" in highlight_terms("coal combustion")


def test_highlight_terms_refuse_what_the_search_refuses():
    with pytest.raises(QueryError):
        highlight_terms("*ury")
    with pytest.raises(QueryError):
        highlight_terms("a" * 1001)


# -- the viewer's page and PDF.js's files ------------------------------------------------
@pytest.fixture(scope="module")
def data(corpus_dir, tmp_path_factory):
    """The indexed corpus, a staff account and a draft at Hanoi."""
    d = tmp_path_factory.mktemp("viewer") / "data"
    shutil.copytree(corpus_dir, d)
    settings = Settings.from_env(environ={}, data_dir=d, workers=1)
    repo = Repository(settings)
    repo.accounts.add("amina", PASSWORD, "editor")
    repo.close()
    ix = Indexer(settings)
    pdf = make_pdf(d.parent / "draft.pdf", ["A confidential draft on zanzibarite."])
    ix.add(pdf, "2019-hanoi-coal", "other", title="Draft notes", language="en",
           status="draft")
    ix.close()
    return d


@pytest.fixture(scope="module")
def app(data):
    return create_app(WebSettings(store=Settings.from_env(environ={}, data_dir=data),
                                  testing=True))


@pytest.fixture
def client(app):
    return app.test_client()


def _draft_id(data):
    repo = Repository(Settings.from_env(environ={}, data_dir=data))
    try:
        return next(d.id for d in repo.documents() if d.status == "draft")
    finally:
        repo.close()


def _viewer_config(response):
    """The JSON the page hands viewer.js in its data-viewer attribute."""
    raw = re.search(r"data-viewer='([^']*)'", response.get_data(as_text=True)).group(1)
    return json.loads(html.unescape(raw))


@needs_pdfjs
def test_viewer_opens_a_published_document_at_its_best_page(client):
    api = client.get("/api/search?q=coal+combustion").get_json()
    best = next(h for h in api["hits"] if h["id"] == "hanoi-report")["pages"][0]
    r = client.get("/documents/hanoi-report/view?q=coal+combustion")
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "public, no-cache, max-age=0"     # as its PDF
    config = _viewer_config(r)
    assert config["page"] == best and config["pdf"] == "/documents/hanoi-report/file"
    assert config["terms"][:2] == ["coal", "combustion"]
    assert "combustion du charbon" in config["terms"]                     # expanded
    assert config["worker"] == f"/pdfjs/{PDFJS.version}/build/pdf.worker.mjs"
    body = r.get_data(as_text=True)
    assert '<script type="module" src="/static/viewer.js"></script>' in body
    assert 'href="/documents/hanoi-report/file#page=%d"' % best in body
    assert 'href="/documents/hanoi-report/file?download=1"' in body
    assert 'href="/documents/hanoi-report?q=coal+combustion"' in body


@needs_pdfjs
def test_viewer_takes_the_page_and_expand_asked_for(client):
    config = _viewer_config(client.get("/documents/hanoi-report/view?q=coal&page=3&expand=0"))
    assert config["page"] == 3 and config["terms"] == ["coal"]
    # A page the document does not have: its best page instead.
    config = _viewer_config(client.get("/documents/hanoi-report/view?q=coal&page=999"))
    assert 1 <= config["page"] <= 11
    config = _viewer_config(client.get("/documents/hanoi-report/view"))
    assert config["page"] == 1 and config["terms"] == []
    # A query the search refuses: the document, nothing highlighted.
    config = _viewer_config(client.get("/documents/hanoi-report/view?q=*ury&page=2"))
    assert config["page"] == 2 and config["terms"] == []


@needs_pdfjs
def test_viewer_escapes_the_query(client):
    hostile = "'\"><script>alert(1)</script> coal"
    r = client.get("/documents/hanoi-report/view", query_string={"q": hostile})
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and "<script>alert" not in body
    assert "script" in " ".join(_viewer_config(r)["terms"])      # the words, intact


@needs_pdfjs
def test_a_draft_is_staff_only_and_never_stored(app, data, client):
    draft = _draft_id(data)
    assert client.get(f"/documents/{draft}/view").status_code == 404
    r = signed_in(app).get(f"/documents/{draft}/view")
    assert r.status_code == 200
    assert "private" in r.headers["Cache-Control"] and "no-store" in r.headers["Cache-Control"]
    # A signed-in officer's page of a public document is not kept by a shared cache either.
    r = signed_in(app).get("/documents/hanoi-report/view")
    cache = r.headers["Cache-Control"]
    assert "public" not in cache and "no-store" in cache
    assert client.get("/documents/nope/view").status_code == 404


@needs_pdfjs
def test_search_and_document_page_links_open_the_viewer(client):
    body = client.get("/?q=coal+combustion").get_data(as_text=True)
    hit = re.search(r'<a class="open" href="(/documents/hanoi-report/view\?page=(\d+)[^"]*)">'
                    r'Open at page (\d+)</a>\s*<small>\(<a class="pdf" href="([^"]+)"', body)
    assert hit and hit.group(2) == hit.group(3)
    assert "q=coal+combustion" in hit.group(1) and "back=" in hit.group(1)
    assert hit.group(4) == f"/documents/hanoi-report/file#page={hit.group(2)}"
    doc = client.get("/documents/hanoi-report?q=coal&expand=0").get_data(as_text=True)
    found = doc[doc.index('id="found-title"'):doc.index("</section>")]
    assert "/file#page=" not in found
    assert re.search(r'href="/documents/hanoi-report/view\?page=\d+&amp;q=coal&amp;expand=0"',
                     found)
    # "View the PDF" stays the plain file.
    assert re.search(r'href="/documents/hanoi-report/file#page=\d+">View the PDF<', doc)


@needs_pdfjs
def test_pdfjs_files_are_served_from_this_site(client):
    r = client.get(f"/pdfjs/{PDFJS.version}/build/pdf.mjs")
    assert r.status_code == 200 and r.mimetype == "text/javascript"
    assert "immutable" in r.headers["Cache-Control"] and "max-age=31536000" in \
        r.headers["Cache-Control"]
    assert client.get(f"/pdfjs/{PDFJS.version}/web/pdf_viewer.css").mimetype == "text/css"
    for path in (f"/pdfjs/{PDFJS.version}/package.json",
                 f"/pdfjs/{PDFJS.version}/build/../package.json",
                 f"/pdfjs/{PDFJS.version}/web/../../../../etc/passwd",
                 "/pdfjs/0.0.1/build/pdf.mjs"):
        assert client.get(path).status_code == 404, path


def test_without_pdfjs_page_links_open_the_plain_pdf(data, tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        app = create_app(WebSettings(store=Settings.from_env(environ={}, data_dir=data),
                                     pdfjs_dir=tmp_path / "missing", testing=True))
    said = [r for r in caplog.records if "PDF viewer is unavailable" in r.getMessage()]
    assert len(said) == 1 and str(tmp_path / "missing") in said[0].getMessage()
    client = app.test_client()
    body = client.get("/?q=coal+combustion").get_data(as_text=True)
    assert re.search(r'<a class="open" href="/documents/hanoi-report/file#page=\d+">', body)
    assert "/view?" not in body
    doc = client.get("/documents/hanoi-report?q=coal").get_data(as_text=True)
    assert "/view?" not in doc
    r = client.get("/documents/hanoi-report/view?q=coal&page=3")
    assert r.status_code == 302
    assert r.headers["Location"] == "/documents/hanoi-report/file#page=3"
    assert client.get("/documents/nope/view").status_code == 404
    assert client.get("/pdfjs/6.5.438/build/pdf.mjs").status_code == 404


def test_an_incomplete_pdfjs_is_none(tmp_path):
    (tmp_path / "build").mkdir()
    (tmp_path / "package.json").write_text('{"version": "6.5.438"}')
    (tmp_path / "build" / "pdf.mjs").write_text("")
    assert find_pdfjs(tmp_path) is None
    assert find_pdfjs(tmp_path / "nowhere") is None


def test_the_pdfjs_folder_setting_then_environment_then_default(tmp_path):
    assert WebSettings().pdfjs_folder(environ={}) == DEFAULT_PDFJS_DIR
    assert WebSettings().pdfjs_folder(environ={PDFJS_ENV: str(tmp_path)}) == tmp_path
    chosen = WebSettings(pdfjs_dir=tmp_path / "x")
    assert chosen.pdfjs_folder(environ={PDFJS_ENV: str(tmp_path)}) == tmp_path / "x"


# -- in the browser ---------------------------------------------------------------------
@needs_pdfjs
def test_open_at_page_shows_the_words_highlighted_at_the_best_page(browser,  # noqa: F811
                                                                   base_url):  # noqa: F811
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning")
            else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(base_url + "/?q=coal+combustion")
    link = page.locator(".hit a.open[href^='/documents/hanoi-report/view']")
    best = re.fullmatch(r"Open at page (\d+)", link.inner_text()).group(1)
    link.click()
    page.wait_for_url("**/documents/hanoi-report/view?**")
    expect(page.locator("h1")).to_contain_text("Asia-Pacific regional workshop")
    best_page = page.locator(f".pdfViewer .page[data-page-number='{best}']")
    # PDF.js drew the page (a canvas) and marked the words in its text layer.
    expect(best_page.locator("canvas").first).to_be_visible(timeout=20000)
    expect(best_page.locator(".textLayer .highlight").first).to_be_attached(timeout=20000)
    assert best_page.locator(".textLayer .highlight").count() >= 2
    expect(best_page.locator(".textLayer .highlight.selected")).to_have_count(1)
    assert "coal" in best_page.locator(".highlight.selected").inner_text().lower()
    # The marks sit on the printed words: the text layer covers the drawn page exactly.
    drawn, text = (best_page.locator(s).first.bounding_box() for s in ("canvas", ".textLayer"))
    assert all(abs(drawn[k] - text[k]) < 2 for k in ("x", "y", "width", "height")), \
        (drawn, text)
    counter = page.locator("#hit-count")
    expect(counter).to_have_text(re.compile(r"^\d+ of \d+$"))
    current, total = map(int, re.findall(r"\d+", counter.inner_text()))
    assert total > 10
    expect(page.locator("#page-count")).to_have_text(f"Page {best} of 11")
    page.click("#hit-next")
    expect(counter).to_have_text(f"{current % total + 1} of {total}")
    page.keyboard.press("p")                                   # and back, from the keyboard
    expect(counter).to_have_text(f"{current} of {total}")
    expect(best_page.locator(".textLayer .highlight.selected")).to_have_count(1)
    assert problems == []                                      # no CSP refusal, no error
    context.close()


@needs_pdfjs
def test_viewer_in_french(browser, base_url):  # noqa: F811
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(base_url + "/documents/hanoi-report/view?q=charbon&page=2")
    expect(page.locator("#hit-next")).to_have_text("Occurrence suivante")
    expect(page.locator("#hit-count")).to_have_text(re.compile(r"^\d+ sur \d+$"), timeout=20000)
    expect(page.locator("#page-count")).to_have_text(re.compile(r"^Page \d+ sur 11$"))
    context.close()


def test_page_links_are_the_urls_flask_would_build(corpus_dir):
    # Page links are built from one url_for per document and request (a results page has
    # up to 20 per hit): the same URLs, whatever the query's characters.
    from flask import url_for
    from webui.views.viewer import page_url
    app = create_app(WebSettings(store=Settings.from_env(environ={}, data_dir=corpus_dir)))
    assert app.config.get("MINAMATA_PDFJS") is not None       # (the viewer's links)
    cases = [("hanoi-report", 1, {}),
             ("hanoi-report", 12, {"q": "mercure émissions & co/2 ~x #1 +y", "expand": 0,
                                   "back": "/?q=coal&page=2&type=report"}),
             ("hanoi-pres-china", 3, {"q": "汞 زئبق ртуть", "expand": None, "back": None}),
             ("hanoi-report", 2, {"q": '"coal power" OR lignite*', "back": "/?q=a%20b"})]
    with app.test_request_context("/?q=coal"):
        for doc_id, page, args in cases:
            want = url_for("viewer.view", doc_id=doc_id, page=page, **args)
            assert page_url(doc_id, page, **args) == want
            assert page_url(doc_id, page, **args) == want          # (from the request's memo)
