"""Browser tests: Playwright driving Debian's Chromium against the served web UI."""
import re
import shutil
import threading
import zipfile

import pytest
import waitress
from playwright.sync_api import expect, sync_playwright

from repo.settings import Settings
from webui import create_app
from webui.settings import WebSettings

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


def served_copy(corpus_dir, folder, account=None, password=None):
    """A generator for a module fixture: the web UI over a copy of the corpus in `folder`
    (with `account`, a (name, role), if given), served by waitress on a free loopback
    port; yields (base URL, settings) and stops the server after."""
    data = folder / "data"
    shutil.copytree(corpus_dir, data)
    settings = Settings.from_env(environ={}, data_dir=data, workers=1)
    if account:
        from repo.store import Repository
        repo = Repository(settings)
        repo.accounts.add(account[0], password, account[1])
        repo.close()
    server = waitress.create_server(create_app(WebSettings(store=settings)),
                                    host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    yield f"http://127.0.0.1:{server.effective_port}", settings
    server.close()


@pytest.fixture(scope="module")
def base_url(corpus_dir, tmp_path_factory):
    """The web UI served by waitress on a free loopback port."""
    for url, _settings in served_copy(corpus_dir, tmp_path_factory.mktemp("browser")):
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB")
    pg = context.new_page()
    yield pg
    context.close()


def facet_count(page, facet, value):
    return int(page.locator(f"#facet-{facet} input[value='{value}']")
               .locator("xpath=..").locator(".count").inner_text().replace(",", ""))


def test_search_tick_a_facet_and_remove_its_chip(page, base_url):
    page.goto(base_url + "/")
    page.fill("#q", "mercury")
    page.click("form.searchbox button")
    expect(page.locator("#results-title")).to_contain_text("documents")
    before = facet_count(page, "type", "presentation")
    page.check("#facet-language input[value='es']")          # JavaScript follows the toggle
    page.wait_for_url("**language=es**")
    assert "language=es" in page.url and "q=mercury" in page.url
    assert facet_count(page, "type", "presentation") < before
    chip = page.locator(".chips a")
    expect(chip).to_have_count(1)
    chip.click()
    page.wait_for_url(lambda url: "language=es" not in url)
    assert facet_count(page, "type", "presentation") == before


def test_page_link_opens_the_pdf_at_that_page(page, base_url):
    page.goto(base_url + "/?q=%22sorbent+trap%22")
    link = page.locator(".hit .pages a.pdf").first        # beside the viewer's links
    href = link.get_attribute("href")
    assert re.fullmatch(r"/documents/[\w-]+/file#page=\d+", href)
    response = page.request.get(base_url + href.split("#")[0])
    assert response.ok and response.headers["content-type"] == "application/pdf"


def test_switch_interface_to_french_and_spanish(page, base_url):
    page.goto(base_url + "/?q=charbon")
    page.click("nav.langs a[lang=fr]")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator(".facets h2")).to_have_text("Affiner les résultats")
    assert page.input_value("#q") == "charbon"                # the search state is kept
    page.click("nav.langs a[lang=es]")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.goto(base_url + "/events")                           # remembered
    expect(page.locator("h1")).to_have_text("Talleres y reuniones")


def test_keyboard_only_search(page, base_url):
    page.goto(base_url + "/")
    page.keyboard.press("Tab")                                # skip link first
    expect(page.locator("a.skip")).to_be_focused()
    for _ in range(12):
        if page.evaluate("document.activeElement.id") == "q":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("hanoi")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=hanoi**")
    expect(page.locator(".hit").first).to_be_visible()


def test_phone_width_has_no_sideways_scrolling(browser, base_url):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    pg = context.new_page()
    for path in ("/?q=mercury+emissions", "/events", "/documents/hanoi-report?q=coal"):
        pg.goto(base_url + path)
        assert pg.evaluate("document.documentElement.scrollWidth") <= 360, path
    context.close()


def test_no_console_errors_and_csp_holds(page, base_url):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(base_url + "/?q=coal")
    page.goto(base_url + "/events/2019-hanoi-coal")
    assert errors == []


def test_one_result_per_work_opens_in_the_interface_language(browser, base_url):
    # The shipped article 8 presentation exists in English and French: one result with
    # two badges; a French-speaking delegate's title link opens the French version.
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(base_url + "/?q=annexe+D")
    hits = page.locator(".hit")
    expect(hits).to_have_count(1)
    badges = hits.first.locator("a.badge.lang")
    expect(badges).to_have_text(["FR", "EN"])
    expect(hits.first.locator("a.badge.lang.current")).to_have_text("FR")
    hits.first.locator("h3 a").click()
    page.wait_for_url("**/documents/hanoi-pres-secretariat-fr**")
    expect(page.locator("h1")).to_contain_text("La Convention de Minamata")
    # Its page links the English version, which opens from there.
    page.locator("dl.facts a[hreflang='en']").click()
    page.wait_for_url("**/documents/hanoi-pres-secretariat-en**")
    context.close()


def test_download_all_of_an_event_gives_a_zip(page, base_url, tmp_path):
    page.goto(base_url + "/events/2019-hanoi-coal")
    link = page.locator(".download-all a")
    expect(link).to_contain_text("Download all (ZIP, 6 files,")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "2019-hanoi-coal.zip"
    saved = tmp_path / "event.zip"
    download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
    assert names[0] == "index.csv" and len(names) == 7
    assert "UNEP-MC-WS.2019-HAN-1 (en).pdf" in names
    assert "La Convention de Minamata et les émissions de mercure - l'article 8 (fr).pdf" in names
