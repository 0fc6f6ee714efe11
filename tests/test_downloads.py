"""Downloads of many documents (an event's ZIP, a search's ZIP), citations and short links."""
import csv
import io
import json
import re
import shutil
import zipfile

import pytest
from flask import render_template
from werkzeug.datastructures import MultiDict

from indexer.ingest import Indexer
from repo.models import Document, Event
from repo.settings import Settings
from repo.store import Repository
from tests.conftest import STAFF_PASSWORD, make_pdf, signed_in
from webui import create_app, zips
from webui.settings import WebSettings
from webui.viewmodels import read_search_args

PASSWORD = STAFF_PASSWORD
FRENCH_AUTHOR = "Secrétariat de la Convention de Minamata sur le mercure"
HOSTILE_TITLE = '50% of Hg & {braces} #1 $x_y^2~\\ /etc/passwd: a "test"?'


@pytest.fixture(scope="module")
def data(corpus_dir, tmp_path_factory):
    """The indexed corpus plus: a draft at Hanoi, a published document with LaTeX's
    special characters in its title, two documents of one title at Osaka, and an event
    whose only document is a draft."""
    d = tmp_path_factory.mktemp("downloads") / "data"
    shutil.copytree(corpus_dir, d)
    pdfs = d.parent / "pdfs"
    pdfs.mkdir()
    settings = Settings.from_env(environ={}, data_dir=d, workers=1)
    repo = Repository(settings)
    repo.accounts.add("amina", PASSWORD, "editor")
    with repo.writing():
        repo.put_event(Event(id="2030-geneva", titles={"en": "An event without documents"},
                             city="Geneva", country="CH", region="weog",
                             start="2030-01-01", end="2030-01-02"))
    repo.close()
    ix = Indexer(settings)
    made = {}
    for key, event, text, title, status in (
            ("draft", "2019-hanoi-coal", "A confidential draft on zanzibarite.", "Draft notes",
             "draft"),
            ("hostile", "2019-hanoi-coal", "Quicksilver accounting in the region.",
             HOSTILE_TITLE, "published"),
            ("twin1", "2019-osaka-waste", "First twin about mercury waste storage.",
             "Twin notes", "published"),
            ("twin2", "2019-osaka-waste", "Second twin about mercury waste landfills.",
             "Twin notes", "published"),
            ("lonely", "2030-geneva", "An unpublished note on mercury in Geneva.",
             "Geneva note", "draft"),
            ("renamed", "2019-osaka-waste", "A note whose title will be corrected.",
             "Old title", "published")):
        pdf = make_pdf(pdfs / f"{key}.pdf", [text])
        made[key] = ix.add(pdf, event, "other", title=title, language="en", status=status).id
    ix.close()
    return d, made


@pytest.fixture(scope="module")
def app(data):
    return create_app(WebSettings(store=Settings.from_env(environ={}, data_dir=data[0]),
                                  testing=True))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ids(data):
    return data[1]


def _repo(data):
    return Repository(Settings.from_env(environ={}, data_dir=data[0]))


def _open(response):
    """(ZipFile, index rows) of a ZIP answer."""
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/zip"
    assert int(response.headers["Content-Length"]) == len(response.data)   # sized stream
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None
    text = archive.read("index.csv").decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    return archive, rows


def _doc_id(row):
    return row["url"].rsplit("/", 1)[1]


# --- an event's ZIP ---------------------------------------------------------------------

def test_event_zip_holds_every_published_document_byte_for_byte(client, data, ids):
    archive, rows = _open(client.get("/events/2019-hanoi-coal/documents.zip"))
    repo = _repo(data)
    published = {d.id: d for d in repo.documents("2019-hanoi-coal") if d.is_public}
    assert {_doc_id(r) for r in rows} == set(published)
    assert ids["draft"] not in {_doc_id(r) for r in rows}
    assert sorted(archive.namelist()) == sorted(["index.csv"] + [r["file"] for r in rows])
    for row in rows:
        doc = published[_doc_id(row)]
        assert archive.read(row["file"]) == repo.pdf_path(doc).read_bytes()
        info = archive.getinfo(row["file"])
        assert info.compress_type == zipfile.ZIP_STORED       # PDFs are compressed already
        assert (row["title"], row["symbol"], row["type"]) == (doc.title, doc.symbol, doc.type)
        assert row["languages"] == " ".join(doc.languages) and row["status"] == "published"
        assert row["url"] == f"http://localhost/documents/{doc.id}"
    by_id = {_doc_id(r): r["file"] for r in rows}
    assert by_id["hanoi-report"] == "UNEP-MC-WS.2019-HAN-1 (en).pdf"
    assert by_id["hanoi-pres-china"] == \
        "Controlling mercury emissions from coal-fired power plants in China (en).pdf"
    repo.close()


def test_event_zip_names_are_unique_and_safe(client, ids):
    for event in ("2019-hanoi-coal", "2019-osaka-waste", "2019-la-paz-trade"):
        archive, rows = _open(client.get(f"/events/{event}/documents.zip"))
        names = archive.namelist()
        assert len({n.casefold() for n in names}) == len(names)
        for name in names:
            assert not re.search(r'[/\\:*?"<>|\x00-\x1f]', name) and not name.startswith(".")
    archive, rows = _open(client.get("/events/2019-osaka-waste/documents.zip"))
    by_id = {_doc_id(r): r["file"] for r in rows}
    assert {by_id[ids["twin1"]], by_id[ids["twin2"]]} == {"Twin notes (en).pdf",
                                                           "Twin notes (en) (2).pdf"}


def test_entry_names_of_hostile_and_long_titles():
    def doc(title, symbol="", languages=("en",)):
        return Document(id="x-1", event_id="e", type="other", title=title, sha256="0",
                        size=1, original_name="x.pdf", detected_languages=list(languages),
                        symbol=symbol)
    names = zips.entry_names([
        doc("../../etc/passwd"), doc("CON"), doc("...hidden"), doc("tab\there\x07bell"),
        doc("汞" * 200, languages=("zh",)), doc("A / B: c", symbol="UNEP/MC/COP.4/3"),
        doc("", languages=("und",)), doc("index"), doc("Same"), doc("same")])
    assert names[0] == "etc-passwd (en).pdf"
    assert names[2] == "hidden (en).pdf" and names[3] == "tab herebell (en).pdf"
    assert names[4].endswith("… (zh).pdf") and len(names[4].encode()) < 200
    assert names[5] == "UNEP-MC-COP.4-3 (en).pdf"
    assert names[6] == "x-1.pdf"                        # no title, no language: the id
    assert names[8:] == ["Same (en).pdf", "same (en) (2).pdf"]
    assert zips.INDEX_NAME not in names


def test_event_zip_caching_follows_the_documents(client, app):
    first = client.get("/events/2019-la-paz-trade/documents.zip")
    assert first.headers["Cache-Control"] == "public, no-cache, max-age=0"
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    again = client.get("/events/2019-la-paz-trade/documents.zip",
                       headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    staff = signed_in(app).get("/events/2019-hanoi-coal/documents.zip")   # holds the draft
    assert "no-store" in staff.headers["Cache-Control"]
    assert "private" in staff.headers["Cache-Control"] and "ETag" not in staff.headers


def test_staff_get_drafts_delegates_never(client, app, ids):
    _, rows = _open(signed_in(app).get("/events/2019-hanoi-coal/documents.zip"))
    statuses = {_doc_id(r): r["status"] for r in rows}
    assert statuses[ids["draft"]] == "draft"
    # An event whose only document is a draft: no link and no ZIP for a delegate.
    page = client.get("/events/2030-geneva").get_data(as_text=True)
    assert "Download all" not in page
    assert client.get("/events/2030-geneva/documents.zip").status_code == 404
    staff_page = signed_in(app).get("/events/2030-geneva").get_data(as_text=True)
    assert "Download all (ZIP, 1 file," in staff_page
    assert client.get("/events/no-such-event/documents.zip").status_code == 404


def test_event_page_link_counts_the_files(client):
    page = re.sub(r"\s+", " ", client.get("/events/2019-la-paz-trade").get_data(as_text=True))
    link = re.search(r'<a href="(/events/2019-la-paz-trade/documents.zip)" download>'
                     r'Download all \(ZIP, (\d+) files, ([\d.]+) MB\)</a>', page)
    assert link and int(link.group(2)) == 4
    fr = client.get("/events/2019-la-paz-trade?lang=fr").get_data(as_text=True)
    assert re.search(r"Tout télécharger \(ZIP, 4 fichiers, \d+,\d Mo\)", fr)


# --- a search's ZIP ---------------------------------------------------------------------

def test_search_zip_respects_the_filters(client):
    _, rows = _open(client.get("/search.zip?q=mercury&language=es"))
    hits = client.get("/api/search?q=mercury&language=es&size=50").get_json()
    assert [_doc_id(r) for r in rows] == [h["id"] for h in hits["hits"]]
    assert all("es" in r["languages"].split() for r in rows)
    _, reports = _open(client.get("/search.zip?type=report&sort=date"))
    assert {_doc_id(r) for r in reports} == {"hanoi-report", "la-paz-report"}


def test_search_zip_never_holds_a_draft_for_delegates(client, app, ids):
    assert client.get("/search.zip?q=zanzibarite").status_code == 404
    _, rows = _open(signed_in(app).get("/search.zip?q=zanzibarite"))
    assert [_doc_id(r) for r in rows] == [ids["draft"]]


def test_search_zip_refuses_what_search_refuses(client):
    assert client.get("/search.zip?q=*ury").status_code == 400
    assert client.get("/search.zip?q=nothingmatchesthisword").status_code == 404


@pytest.fixture
def capped_app(data):
    return create_app(WebSettings(store=Settings.from_env(environ={}, data_dir=data[0]),
                                  testing=True, zip_max_documents=3))


def test_search_zip_takes_the_first_results_within_the_cap(capped_app, client):
    _, rows = _open(capped_app.test_client().get("/search.zip?q=mercury"))
    first = client.get("/api/search?q=mercury&size=3").get_json()["hits"]
    assert [_doc_id(r) for r in rows] == [h["id"] for h in first]
    link = _zip_link(capped_app, "/?q=mercury")
    assert 'href="/search.zip?q=mercury"' in link
    assert "Download the first 3 results (ZIP," in link
    total = client.get("/api/search?q=mercury").get_json()["total"]
    assert f"This search has {total} results; a ZIP holds at most 3 documents" in link
    assert "Download these results (ZIP, 2 files," in _zip_link(capped_app, "/?type=report")


def test_the_search_pages_link_comes_from_its_own_search(capped_app, monkeypatch):
    # A second search per search page for its ZIP link cost a third of a server's search
    # time under load: the page's one search gives the link its documents.
    from indexer.search import SearchService
    monkeypatch.setattr(SearchService, "ranked_ids",
                        lambda *a, **k: pytest.fail("searched a second time"))
    assert "Download the first 3 results (ZIP," in _zip_link(capped_app, "/?q=mercury")


def test_search_zip_byte_cap(data, client):
    first, second = client.get("/api/search?q=mercury&size=2").get_json()["hits"]
    repo = _repo(data)
    sizes = [repo.document(first["id"]).size, repo.document(second["id"]).size]
    repo.close()
    app = create_app(WebSettings(store=Settings.from_env(environ={}, data_dir=data[0]),
                                 testing=True, zip_max_bytes=sum(sizes) - 1))
    archive, rows = _open(app.test_client().get("/search.zip?q=mercury"))
    assert [_doc_id(r) for r in rows] == [first["id"]]       # the first, not a smaller one
    assert "Download the first result (ZIP," in _zip_link(app, "/?q=mercury")


def _zip_link(app, url):
    """The search page's ZIP link, as the page shows it (from the page's own search)."""
    page = app.test_client().get(url).get_data(as_text=True)
    found = re.search(r'<p class="download-all">.*?</p>', page, re.S)
    return re.sub(r"\s+", " ", found.group()) if found else ""


def test_no_zip_link_without_results(app):
    with app.test_request_context("/?q=nothingmatchesthisword"):
        from webui.services import search_service
        args = read_search_args(MultiDict({"q": "nothingmatchesthisword"}), 10, 50)
        result = search_service().search(args.q)
        assert render_template("_zip_link.html", args=args, result=result).strip() == ""
        assert render_template("_zip_link.html", args=args, result=None).strip() == ""


# --- citations and short links ----------------------------------------------------------

def _balanced(text):
    depth = 0
    for c in text:
        depth += {"{": 1, "}": -1}.get(c, 0)
        if depth < 0:
            return False
    return depth == 0


def test_bibtex_parses_and_escapes(client, ids):
    r = client.get("/documents/hanoi-report/cite.bib")
    assert r.headers["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert "attachment" in r.headers["Content-Disposition"]
    bib = r.get_data(as_text=True)
    assert _balanced(bib)
    assert bib.startswith("@techreport{minamata:hanoi-report,\n")
    fields = dict(re.findall(r"^  (\w+) = \{(.*)\},?$", bib, re.M))
    assert fields["author"] == "{Secretariat of the Minamata Convention on Mercury}"
    assert fields["title"].startswith("{Report of the Asia-Pacific regional workshop")
    assert fields["number"] == "UNEP/MC/WS.2019/HAN/1" and fields["year"] == "2019"
    assert fields["url"] == "http://localhost/d/hanoi-report"
    hostile = client.get(f"/documents/{ids['hostile']}/cite.bib").get_data(as_text=True)
    assert _balanced(hostile)
    title = dict(re.findall(r"^  (\w+) = \{(.*)\},?$", hostile, re.M))["title"]
    assert title == (r"{50\% of Hg \& \textbraceleft{}braces\textbraceright{} \#1 "
                     r"\$x\_y\textasciicircum{}2\textasciitilde{}\textbackslash{} "
                     r'/etc/passwd: a "test"?}')
    pres = client.get("/documents/hanoi-pres-china/cite.bib").get_data(as_text=True)
    assert pres.startswith("@misc{") and "howpublished = {Presentation}" in pres


def test_ris_has_its_record_lines(client, ids):
    r = client.get("/documents/la-paz-report/cite.ris")
    assert r.headers["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    lines = r.get_data(as_text=True).split("\r\n")
    assert lines[0] == "TY  - RPRT" and lines[-2:] == ["ER  - ", ""]
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines[:-1])
    tags = {}
    for line in lines[:-2]:
        tags.setdefault(line[:2], []).append(line[6:])
    assert tags["TI"][0].startswith("Informe del taller")
    assert tags["AU"] == ["Secretariat of the Minamata Convention on Mercury,"]
    assert tags["SN"] == ["UNEP/MC/WS.2019/LPZ/1"] and tags["LA"] == ["es"]
    assert tags["UR"] == ["http://localhost/d/la-paz-report"] and tags["PY"] == ["2019"]
    slide = client.get("/documents/hanoi-pres-china/cite.ris").get_data(as_text=True)
    assert slide.startswith("TY  - SLIDE\r\n")


def test_csl_json_has_the_expected_fields(client):
    r = client.get("/documents/osaka-chair-summary/cite.json?lang=fr")
    assert r.headers["Content-Type"] == \
        "application/vnd.citationstyles.csl+json; charset=utf-8"
    items = json.loads(r.get_data(as_text=True))
    assert isinstance(items, list) and len(items) == 1
    item = items[0]
    assert item["type"] == "report" and item["id"] == "osaka-chair-summary"
    assert item["title"].startswith("Chair's summary of the workshop")
    assert item["author"] == [{"literal": FRENCH_AUTHOR}]
    assert item["issued"] == {"date-parts": [[2019]]}
    assert item["URL"] == "http://localhost/d/osaka-chair-summary"
    assert item["number"] == "UNEP/MC/WS.2019/OSA/INF/1" and item["language"] == "en"
    assert item["genre"] == "Résumé du président"
    speech = json.loads(client.get("/documents/osaka-pres-japan/cite.json").data)[0]
    assert speech["type"] == "speech" and "number" not in speech


def test_citation_files_of_a_draft_are_staff_only(client, app, ids):
    for ext in ("bib", "ris", "json"):
        assert client.get(f"/documents/{ids['draft']}/cite.{ext}").status_code == 404
    r = signed_in(app).get(f"/documents/{ids['draft']}/cite.bib")
    assert r.status_code == 200 and "no-store" in r.headers["Cache-Control"]
    assert client.get("/documents/hanoi-report/cite.txt").status_code == 404


def test_cite_section_in_the_interface_language(client):
    page = re.sub(r"\s+", " ", client.get("/documents/hanoi-report").get_data(as_text=True))
    assert ("Secretariat of the Minamata Convention on Mercury. Report of the Asia-Pacific "
            "regional workshop on reducing mercury emissions from coal combustion. "
            "UNEP/MC/WS.2019/HAN/1. Asia-Pacific regional workshop on reducing mercury "
            "emissions from coal combustion, Hanoi, Viet Nam, ") in page
    assert 'value="http://localhost/d/hanoi-report"' in page
    for ext in ("bib", "ris", "json"):
        assert f'href="/documents/hanoi-report/cite.{ext}"' in page
    fr = client.get("/documents/hanoi-report?lang=fr").get_data(as_text=True)
    fr = re.sub(r"\s+", " ", fr)
    assert "Citer" in fr and f"{FRENCH_AUTHOR}. " in fr
    assert "Atelier régional Asie-Pacifique" in fr and "http://localhost/d/hanoi-report." in fr


def test_short_link_redirects_and_outlives_a_title_change(client, data, ids):
    doc_id = ids["renamed"]
    r = client.get(f"/d/{doc_id}")
    assert r.status_code == 302 and r.headers["Location"] == f"/documents/{doc_id}"
    ix = Indexer(Settings.from_env(environ={}, data_dir=data[0], workers=1))
    ix.edit(doc_id, {"title": "A corrected title"}, "amina")
    ix.close()
    r = client.get(f"/d/{doc_id}", follow_redirects=True)
    assert r.status_code == 200 and "A corrected title" in r.get_data(as_text=True)


def test_short_link_of_a_draft_is_a_404_for_delegates(client, app, ids):
    assert client.get(f"/d/{ids['draft']}").status_code == 404
    assert client.get(f"/documents/{ids['draft']}").status_code == 404
    assert client.get("/d/no-such-document").status_code == 404
    assert signed_in(app).get(f"/d/{ids['draft']}").status_code == 302


def test_a_document_deleted_while_its_zip_streams_is_still_sent_whole(tmp_path, corpus_dir):
    import shutil
    import zipfile
    from repo.settings import Settings
    from repo.store import Repository
    from webui import create_app
    from webui.settings import WebSettings
    data = tmp_path / "data"
    shutil.copytree(corpus_dir, data)
    settings = Settings.from_env(environ={}, data_dir=data)
    client = create_app(WebSettings(store=settings, testing=True)).test_client()
    r = client.get("/events/2019-hanoi-coal/documents.zip", buffered=False)
    chunks = iter(r.response)
    body = [next(chunks)]
    repo = Repository(settings)
    repo.pdf_path(repo.document("hanoi-pres-viet-nam")).unlink()    # gone mid-download
    body += list(chunks)
    archive = b"".join(body)
    assert len(archive) == int(r.headers["Content-Length"])
    assert zipfile.ZipFile(io.BytesIO(archive)).testzip() is None
