"""Browser test of the staff flow: sign in, upload to a new event, find it, correct its
title, retract it, and see it gone for an anonymous visitor."""

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.test_browser import ARGS, CHROMIUM, served_copy

PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def base_url(corpus_dir, tmp_path_factory):
    for url, _settings in served_copy(corpus_dir, tmp_path_factory.mktemp("browser-staff"),
                                      ("amina", "editor"), PASSWORD):
        yield url


def test_staff_flow(base_url, samples):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        staff = browser.new_context(locale="en-GB").new_page()
        staff.goto(base_url + "/staff/upload")                 # sent to sign-in first
        staff.fill("#name", "amina")
        staff.fill("#password", PASSWORD)
        staff.click("form.form button[type=submit]")
        staff.wait_for_url("**/staff/upload")
        staff.set_input_files("#files", str(samples / "good.pdf"))
        staff.select_option("#event", "new")
        staff.fill("#new_title", "Sub-regional workshop on mercury inventories")
        staff.fill("#new_city", "Nairobi")
        staff.select_option("#new_country", "KE")
        staff.select_option("#new_region", "africa")
        staff.fill("#new_start", "2024-03-04")
        staff.fill("#new_end", "2024-03-06")
        staff.select_option("#type", "report")
        staff.click("form.upload button[type=submit]")
        expect(staff.locator("h1")).to_have_text("What was found in the files")
        expect(staff.locator(".results-list")).to_contain_text("2 pages")

        anon = browser.new_context(locale="en-GB").new_page()
        anon.goto(base_url + '/?q="national+inventory+of+mercury+releases"')
        expect(anon.locator(".hit h3")).to_have_text(["A good sample report"])

        staff.goto(base_url + "/documents/2024-nairobi-report-1")
        staff.click("text=Correct or retract")
        staff.fill("#title", "Nairobi workshop report")
        staff.click("form.upload button[type=submit]")
        expect(staff.locator("h1")).to_have_text("Nairobi workshop report")
        anon.reload()
        expect(anon.locator(".hit h3")).to_have_text(["Nairobi workshop report"])

        staff.click("text=Correct or retract")
        staff.select_option("#status", "retracted")
        staff.click("form.upload button[type=submit]")
        expect(staff.locator(".notice")).to_contain_text("Retracted")
        anon.reload()
        expect(anon.locator("#results-title")).to_have_text("No documents found")
        response = anon.goto(base_url + "/documents/2024-nairobi-report-1")
        assert response.status == 404
        browser.close()
