"""Atom feeds: valid Atom, new and replaced published documents only, per event and search."""
import re
import xml.etree.ElementTree as ET

import pytest

from tests.conftest import make_pdf, signed_in

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def site(staff_site):
    return staff_site


def _feed(client, path):
    r = client.get(path)
    assert r.status_code == 200 and r.mimetype == "application/atom+xml", r.status_code
    return ET.fromstring(r.data)


def _entries(feed):
    return [e.find(f"{ATOM}id").text.rsplit("/", 1)[1] for e in feed.findall(f"{ATOM}entry")]


def assert_valid_atom(feed):
    """The requirements of RFC 4287 that a feed reader relies on."""
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}").text, name
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    assert [link.get("rel") for link in feed.findall(f"{ATOM}link")].count("self") == 1
    ids = []
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}").text, name
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$",
                        entry.find(f"{ATOM}updated").text)
        links = {link.get("rel"): link for link in entry.findall(f"{ATOM}link")}
        assert links["alternate"].get("type") == "text/html"
        assert links["enclosure"].get("type") == "application/pdf"
        assert int(links["enclosure"].get("length")) > 0
        ids.append(entry.find(f"{ATOM}id").text)
    assert len(ids) == len(set(ids))


def test_feeds_are_atom_and_hold_the_published_documents(site):
    app, ix = site
    client = app.test_client()
    everything = _feed(client, "/feed.atom")
    assert_valid_atom(everything)
    published = {d.id for d in ix.repo.documents() if d.is_public}
    assert set(_entries(everything)) == published
    event = _feed(client, "/events/2019-la-paz-trade/feed.atom")
    assert_valid_atom(event)
    assert set(_entries(event)) == {d.id for d in ix.repo.documents("2019-la-paz-trade")}
    reports = _feed(client, "/search.atom?type=report")
    assert_valid_atom(reports)
    assert set(_entries(reports)) == {d.id for d in ix.repo.documents() if d.type == "report"}
    assert client.get("/events/no-such-event/feed.atom").status_code == 404


def test_a_new_upload_comes_first_and_a_draft_never_appears(site, tmp_path):
    app, ix = site
    new = ix.add(make_pdf(tmp_path / "n.pdf", ["Quillwort mercury uptake in wetlands."]),
                 "2019-osaka-waste", "report", title="Wetland report")
    draft = ix.add(make_pdf(tmp_path / "d.pdf", ["Quillwort draft findings on wetlands."]),
                   "2019-osaka-waste", "report", title="Draft wetland report", status="draft")
    for client in (app.test_client(), signed_in(app)):        # staff's feeds are public ones too
        for path in ("/feed.atom", "/events/2019-osaka-waste/feed.atom",
                     "/search.atom?q=quillwort", "/search.atom?q=quillwort&type=report"):
            ids = _entries(_feed(client, path))
            assert ids[0] == new.id and draft.id not in ids, path
    ix.edit(new.id, {"status": "retracted"}, "tester")
    assert new.id not in _entries(_feed(app.test_client(), "/feed.atom"))


def test_a_replaced_file_comes_back_to_the_top_and_says_so(site, tmp_path):
    app, ix = site
    ix.add(make_pdf(tmp_path / "n.pdf", ["A newer document about mercury."]),
           "2019-osaka-waste", "other", title="Newer")
    ix.replace("hanoi-report", make_pdf(tmp_path / "r.pdf", ["The corrected report."]),
               "tester")
    feed = _feed(app.test_client(), "/feed.atom?lang=fr")
    first = feed.findall(f"{ATOM}entry")[0]
    assert first.find(f"{ATOM}id").text.endswith("/hanoi-report")
    assert "replaced by a new file" in first.find(f"{ATOM}summary").text or \
        "remplacé" in first.find(f"{ATOM}summary").text
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"


def test_pages_offer_their_feed(site):
    app, _ix = site
    client = app.test_client()
    page = client.get("/?q=mercury+trade&type=report&lang=es").get_data(as_text=True)
    link = re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]*" '
                     r'href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert link.startswith("/search.atom?") and "q=mercury+trade" in link
    assert "type=report" in link and "lang=es" in link and "page=" not in link
    assert 'class="feed"' in page
    assert _entries(_feed(client, link))                          # it works as offered
    event = client.get("/events/2019-hanoi-coal").get_data(as_text=True)
    # The interface language chosen on the search page (a cookie) goes on to the feed.
    assert 'href="/events/2019-hanoi-coal/feed.atom?lang=es"' in event
    assert 'class="feed"' in event


def test_control_characters_never_take_a_feed_down(site, tmp_path):
    app, ix = site
    # A line break pasted from a word processor (\x0b) and a stray \x01 in a title: the
    # catalog keeps one clean line, and feeds of odd queries still answer.
    doc = ix.edit("hanoi-report", {"title": "Report of the workshop\x0bon coal\x01"}, "amina")
    assert doc.title == "Report of the workshop on coal"
    client = app.test_client()
    assert "Report of the workshop on coal" in [
        e.find(f"{ATOM}title").text for e in _feed(client, "/feed.atom").findall(
            f"{ATOM}entry")]
    for query in ({"q": "mercury\x01"}, {"q": "\x1b[31m"}, {"q": "coal", "type": "report\x01"}):
        r = client.get("/search.atom", query_string=query)
        assert r.status_code in (200, 400), query
        if r.status_code == 200:
            ET.fromstring(r.data)


def test_a_published_document_of_an_event_made_by_a_draft_upload_is_in_the_feeds(site,
                                                                                 tmp_path):
    from dataclasses import replace
    app, ix = site
    event = replace(ix.repo.event("2019-osaka-waste"), id="2024-geneva", public=False,
                    titles={"en": "Geneva meeting"}, start="2024-03-01", end="2024-03-02")
    ix.put_event(event, "amina")
    doc = ix.add(make_pdf(tmp_path / "g.pdf", ["Geneva findings on mercury."]),
                 "2024-geneva", "report", title="Geneva report")
    client = app.test_client()
    assert doc.id in _entries(_feed(client, "/feed.atom"))
    assert _entries(_feed(client, "/events/2024-geneva/feed.atom")) == [doc.id]
