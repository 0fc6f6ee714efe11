"""A delegate on a 360 px phone: filters folded above the results, tap targets, dates."""
from playwright.sync_api import expect

from tests.test_browser import base_url, browser  # noqa: F401  (module fixtures)


def _phone(chromium, locale="es-ES"):
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale=locale,
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    return context, context.new_page()


def test_phone_shows_the_filter_button_above_the_first_result(browser, base_url,  # noqa: F811
                                                              tmp_path):
    context, page = _phone(browser)
    try:
        page.goto(base_url + "/?q=mercurio&type=presentation&lang=es")
        button = page.locator("details.filters > summary")
        first_hit = page.locator("ol.hits > li").first
        expect(button).to_be_visible()
        expect(button).to_have_text("Filtros (1)")
        assert button.bounding_box()["y"] < first_hit.bounding_box()["y"]
        assert first_hit.bounding_box()["y"] < 740            # a result on the first screen
        facet = page.locator("#facet-language")
        expect(facet).to_be_hidden()                          # folded until asked for
        button.click()
        expect(facet).to_be_visible()
        page.check("#facet-language input[value='es']")
        page.wait_for_url("**language=es**")
        # Page links are tap targets of at least 24 x 24 px.
        for link in page.locator("p.pages a").all():
            box = link.bounding_box()
            assert box["width"] >= 24 and box["height"] >= 24, box
        page.screenshot(path=str(tmp_path / "phone-es.png"), full_page=True)
    finally:
        context.close()


def test_desktop_keeps_the_filters_open_beside_the_results(browser, base_url):  # noqa: F811
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(base_url + "/?q=mercure&lang=fr")
        expect(page.locator("details.filters > summary")).to_be_hidden()
        expect(page.locator("#facet-language")).to_be_visible()
        # The events filter applies on change, without its button.
        page.goto(base_url + "/events?lang=fr")
        expect(page.locator("form.event-filters button")).to_be_hidden()
        page.select_option("#region", "latin-america-caribbean")
        page.wait_for_url("**region=latin-america-caribbean**")
        expect(page.locator("main")).to_contain_text("La Paz")
        expect(page.locator("main")).not_to_contain_text("Osaka")
    finally:
        context.close()



def test_follow_link_gives_an_atom_feed_of_the_search(browser, base_url):  # noqa: F811
    import xml.etree.ElementTree as ET
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(base_url + "/?q=mercurio&type=presentation&lang=fr")
        link = page.locator("a.feed")
        expect(link).to_have_text("Suivre (Atom)")
        alternate = page.locator('link[rel="alternate"][type="application/atom+xml"]')
        assert alternate.get_attribute("href") == link.get_attribute("href")
        response = page.request.get(base_url + link.get_attribute("href"))
        assert response.headers["content-type"].startswith("application/atom+xml")
        feed = ET.fromstring(response.body())
        atom = "{http://www.w3.org/2005/Atom}"
        titles = [e.find(f"{atom}title").text for e in feed.findall(f"{atom}entry")]
        shown = page.locator("ol.hits h3 a").all_inner_texts()
        assert sorted(titles) == sorted(shown)           # the same documents as the page
        assert all("Présentation" in e.find(f"{atom}summary").text
                   for e in feed.findall(f"{atom}entry"))
    finally:
        context.close()
