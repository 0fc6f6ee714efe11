"""Browser test of an officer's path (issue 12): upload, see where the title came from,
correct it (title, language from the list, "version of" from the list), retract, delete
after confirming, and restore from the trash page."""

import pytest
from playwright.sync_api import expect

from repo.store import Repository
from tests.test_browser import browser, served_copy  # noqa: F401

PASSWORD = "a long enough password"
EVENT = "2019-osaka-waste"
ORIGINAL = "osaka-pres-japan"


@pytest.fixture(scope="module")
def officer_url(corpus_dir, tmp_path_factory):
    """The web UI over a copy of the corpus, with an admin `root`, served by waitress."""
    yield from served_copy(corpus_dir, tmp_path_factory.mktemp("browser-officer"),
                           ("root", "admin"), PASSWORD)


def test_officer_uploads_corrects_retracts_deletes_and_restores(officer_url, browser,  # noqa: F811
                                                                samples):
    base_url, settings = officer_url
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{base_url}/staff/upload?event={EVENT}")
    page.fill("#name", "root")
    page.fill("#password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"**/staff/upload?event={EVENT}")

    page.set_input_files("#files", str(samples / "good.pdf"))
    page.select_option("#type", "report")
    page.click("form.upload button[type=submit]")
    expect(page.locator(".title-source")).to_contain_text("Title taken from the PDF's metadata")
    page.click("a.correct")

    page.fill("#title", "Osaka workshop: French summary")
    page.select_option("#language", label="French")
    page.click("form.upload button[type=submit]")
    expect(page.locator("h1")).to_have_text("Osaka workshop: French summary")
    doc_url = page.url
    doc_id = doc_url.rstrip("/").rsplit("/", 1)[-1]

    page.click("text=Correct or retract")
    expect(page.locator("#language")).to_have_value("fr")
    expect(page.locator("#detected")).to_contain_text("detected: English")
    page.select_option("#version_of", ORIGINAL)
    page.click("#versions form:has(#version_of) button[type=submit]")
    expect(page.locator("#versions")).to_contain_text(
        "This document is not a version of the others")

    page.select_option("#status", "retracted")
    page.click("form.upload button[type=submit]")
    expect(page.locator(".notice")).to_contain_text("Retracted")
    expect(page.locator("#history")).to_contain_text("retract")

    page.click("text=Correct or retract")
    page.click("text=Delete this document…")
    expect(page.locator("h1")).to_have_text("Delete this document?")
    repo = Repository(settings)
    assert repo.has_document(doc_id)                    # the confirmation page deletes nothing
    page.click("text=Yes, delete it")
    expect(page.locator("h1")).to_have_text("Trash")
    row = page.locator(f"#trash-{doc_id}")
    expect(row).to_contain_text("Osaka workshop: French summary")
    assert not repo.has_document(doc_id)
    row.locator("button").click()
    expect(page.locator("h1")).to_have_text("Osaka workshop: French summary")
    assert page.url == doc_url
    restored = repo.document(doc_id)
    assert (restored.status, restored.declared_language) == ("retracted", "fr")
    assert restored.work_id == repo.document(ORIGINAL).work_id
    repo.close()
    context.close()


def test_officer_imports_a_listing_after_unticking_what_is_wrong(
        officer_url, browser):  # noqa: F811
    from tests.conftest import ROOT
    base_url, settings = officer_url
    listing = (ROOT / "tests" / "data" / "listing-fr.txt").read_text(encoding="utf-8")
    before = Repository(settings).event(EVENT)
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(f"{base_url}/staff/import?lang=fr")
        page.fill("#name", "root")
        page.fill("#password", PASSWORD)
        page.click("form.form button[type=submit]")
        page.wait_for_url("**/staff/import**")
        page.fill("#text", listing)
        page.locator("main form button[type=submit]").first.click()     # "Preview"
        # The preview: per event, the fields that change, each with its box, ticked.
        osaka_description = page.locator(f"input[name=field][value^='{EVENT}:description']")
        expect(osaka_description).to_be_checked()
        osaka_description.uncheck()
        page.locator("main form button[type=submit]").first.click()     # "Confirm"
        expect(page.locator("main")).to_contain_text("Importé")
        after = Repository(settings).event(EVENT)
        # The unticked description is as it was; the documents it announces, ticked, are
        # written, and so is the other events' description.
        assert after.descriptions == before.descriptions
        assert after.expected != before.expected
        hanoi = Repository(settings).event("2019-hanoi-coal")
        assert hanoi.descriptions.get("fr")
    finally:
        context.close()
