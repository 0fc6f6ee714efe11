"""Staff upload from the browser: storing, indexing, drafts, refusals, safety."""
import io
import re
import shutil

import pytest

from repo.settings import Settings
from repo.store import Repository
from webui import create_app
from webui.settings import WebSettings

PASSWORD = "a long enough password"


@pytest.fixture
def data(corpus_dir, tmp_path):
    d = tmp_path / "data"
    shutil.copytree(corpus_dir, d)
    repo = Repository(Settings.from_env(environ={}, data_dir=d))
    repo.accounts.add("amina", PASSWORD, "editor")
    repo.close()
    return d


@pytest.fixture
def app(data):
    return create_app(WebSettings(store=Settings.from_env(environ={}, data_dir=data, workers=1,
                                                          max_file_bytes=200_000),
                                  testing=True))


def _token(client, path="/staff/upload"):
    return re.search(r'name="csrf_token" value="([^"]+)"',
                     client.get(path).get_data(as_text=True)).group(1)


@pytest.fixture
def staff(app):
    client = app.test_client()
    client.post("/staff/sign-in", data={"name": "amina", "password": PASSWORD,
                                        "csrf_token": _token(client, "/staff/sign-in")})
    return client


def _upload(client, files, **fields):
    data = {"csrf_token": _token(client), "event": "2019-osaka-waste", "type": "report",
            "status": "published", **fields}
    data["files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/staff/upload", data=data, content_type="multipart/form-data")


def text(r):
    return re.sub(r"\s+", " ", r.get_data(as_text=True))


def test_anonymous_visitors_are_sent_to_sign_in(app):
    r = app.test_client().get("/staff/upload")
    assert r.status_code == 302 and "/staff/sign-in?next=" in r.headers["Location"]


def test_upload_is_stored_indexed_and_audited(staff, app, samples, data):
    r = _upload(staff, [("report.pdf", (samples / "good.pdf").read_bytes())])
    body = text(r)
    assert r.status_code == 200 and "2 pages" in body and "English" in body
    found = app.test_client().get('/api/search?q="national inventory of mercury releases"'
                                  ).get_json()
    assert [h["id"] for h in found["hits"]] == ["2019-osaka-waste-report-1"]
    assert found["hits"][0]["title"] == "A good sample report"     # from the PDF
    entries = Repository(Settings.from_env(environ={}, data_dir=data)).audit.entries()
    assert (entries[0].actor, entries[0].action) == ("amina", "add")


def test_draft_is_invisible_to_delegates_everywhere(staff, app, tmp_path):
    from tests.conftest import make_pdf
    pdf = make_pdf(tmp_path / "d.pdf", ["Confidential draft about zanzibarite amalgamation."],
                   title="A good sample report")
    _upload(staff, [("draft.pdf", pdf.read_bytes())], status="draft")
    anon = app.test_client()
    assert anon.get("/api/search?q=zanzibarite").get_json()["total"] == 0
    assert "zanzibarite" not in text(anon.get("/?q=zanzibarita"))      # no suggestion leak
    assert staff.get("/api/search?q=zanzibarite").get_json()["total"] == 0  # API: public only
    doc = "/documents/2019-osaka-waste-report-1"
    for url in (doc, doc + "/file", "/api/documents/2019-osaka-waste-report-1"):
        assert anon.get(url).status_code == 404, url
    assert "2019-osaka-waste-report-1" not in text(anon.get("/events/2019-osaka-waste"))
    staff_view = text(staff.get("/?q=zanzibarite"))
    assert "Draft" in staff_view and "A good sample report" in staff_view
    assert staff.get(doc).status_code == 200


def test_upload_to_a_new_event(staff, app, samples):
    r = _upload(staff, [("a.pdf", (samples / "good.pdf").read_bytes())], event="new",
                new_title="Regional workshop on ASGM", new_city="Dakar", new_country="SN",
                new_region="africa", new_start="2023-10-30", new_end="2023-11-03",
                new_funders="European Union; Switzerland", new_topics="ASGM")
    assert r.status_code == 200
    event = app.test_client().get("/api/events/2023-dakar").get_json()
    assert event["funders"] == ["European Union", "Switzerland"]
    assert event["documents"][0]["id"] == "2023-dakar-report-1"


@pytest.mark.parametrize("name, message", [("not-a-pdf.pdf", "not a PDF"),
                                           ("encrypted.pdf", "password-protected"),
                                           ("empty.pdf", "empty"),
                                           ("corrupt.pdf", "damaged")])
def test_bad_files_refused_in_the_form_and_nothing_written(staff, samples, data, name,
                                                          message):
    before = sorted(p.name for p in (data / "files").rglob("*.pdf"))
    r = _upload(staff, [(name, (samples / name).read_bytes())])
    assert r.status_code == 400 and message in text(r)
    assert sorted(p.name for p in (data / "files").rglob("*.pdf")) == before


def test_duplicate_says_which_document(staff):
    from tests.conftest import ROOT
    pdf = (ROOT / "documents/2019-osaka-waste/chair-summary-en.pdf").read_bytes()
    r = _upload(staff, [("again.pdf", pdf)])
    assert "already in the repository" in text(r)
    assert 'href="/documents/osaka-chair-summary"' in text(r)


def test_missing_fields_are_marked(staff, samples):
    r = _upload(staff, [("a.pdf", (samples / "good.pdf").read_bytes())], type="memo",
                event="new", new_title="", new_start="31/10/2019")
    body = text(r)
    assert r.status_code == 400 and "Choose a document type." in body
    assert "The new event needs a title." in body and "YYYY-MM-DD" in body


def test_hostile_file_names_are_stored_safely(staff, samples, data):
    r = _upload(staff, [("../../etc/pass\x00wd.pdf", (samples / "good.pdf").read_bytes())])
    assert r.status_code == 200
    doc = Repository(Settings.from_env(environ={}, data_dir=data)).document(
        "2019-osaka-waste-report-1")
    assert doc.original_name == "pass" or "/" not in doc.original_name
    assert "\x00" not in doc.original_name and ".." not in doc.original_name


def test_html_in_fields_shows_as_text(staff, samples):
    r = _upload(staff, [("x.pdf", (samples / "good.pdf").read_bytes())],
                title="<img src=x onerror=alert(1)>", note="<b>bold</b>")
    assert "<img src=x" not in r.get_data(as_text=True)
    page = staff.get("/documents/2019-osaka-waste-report-1").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<b>bold</b>" not in page


def test_oversized_file_and_request(staff):
    over_file_limit = b"%PDF-1.4\n" + b"0" * 300_000          # limit: 200,000 bytes a file
    r = _upload(staff, [("big.pdf", over_file_limit)])
    assert r.status_code == 400 and "larger than the limit" in text(r)
    over_request_limit = b"%PDF-1.4\n" + b"0" * 1_600_000      # 2 files' worth + 1 MiB
    r = _upload(staff, [("huge.pdf", over_request_limit)])
    assert r.status_code == 413 and "File too large" in text(r)


def test_upload_without_csrf_token_is_refused(staff, samples):
    r = staff.post("/staff/upload", data={"event": "2019-osaka-waste", "type": "report",
                                          "status": "published",
                                          "files": [(io.BytesIO(b"%PDF-1.4"), "a.pdf")]},
                   content_type="multipart/form-data")
    assert r.status_code == 400 and "expired" in text(r)


def test_api_upload_with_a_token(app, data, samples):
    repo = Repository(Settings.from_env(environ={}, data_dir=data))
    token = repo.accounts.new_token("amina")
    client = app.test_client()
    pdf = (samples / "good.pdf").read_bytes()
    body = lambda: {"file": (io.BytesIO(pdf), "r.pdf"), "event": "2019-osaka-waste",  # noqa
                    "type": "report", "note": "English only"}
    assert client.post("/api/documents", data=body()).status_code == 401
    bad = client.post("/api/documents", data=body(), headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.is_json
    auth = {"Authorization": f"Bearer {token}"}
    r = client.post("/api/documents", data=body(), headers=auth)
    assert r.status_code == 201 and r.get_json()["source_note"] == "English only"
    again = client.post("/api/documents", data=body(), headers=auth)
    assert again.status_code == 409 and again.get_json()["existing"] == r.get_json()["id"]
    wrong = client.post("/api/documents", headers=auth, data={
        "file": (io.BytesIO(b"PK zip"), "x.pdf"), "event": "2019-osaka-waste",
        "type": "report"})
    assert wrong.status_code == 400 and "not a PDF" in wrong.get_json()["error"]
    nothing = client.post("/api/documents", headers=auth, data={"event": "x"})
    assert nothing.status_code == 400


def test_correct_a_title_then_retract_and_publish_again(staff, app, samples, data):
    _upload(staff, [("r.pdf", (samples / "good.pdf").read_bytes())])
    doc = "2019-osaka-waste-report-1"
    edit = f"/staff/documents/{doc}/edit"
    form = {"csrf_token": _token(staff, edit), "title": "Corrected <title>",
            "type": "report", "language": "en", "note": "English only", "status": "published"}
    r = staff.post(edit, data=form)
    assert r.status_code == 302
    anon = app.test_client()
    hits = anon.get("/api/search?q=corrected").get_json()["hits"]
    assert [h["title"] for h in hits] == ["Corrected <title>"]
    assert staff.post(edit, data={**form, "status": "retracted"}).status_code == 302
    assert anon.get("/api/search?q=corrected").get_json()["total"] == 0
    assert anon.get(f"/documents/{doc}").status_code == 404
    assert "Retracted" in text(staff.get(f"/documents/{doc}"))
    staff.post(edit, data={**form, "status": "published"})
    assert anon.get("/api/search?q=corrected").get_json()["total"] == 1
    entries = Repository(Settings.from_env(environ={}, data_dir=data)).audit.entries(target=doc)
    assert [e.action for e in entries] == ["publish", "retract", "edit", "add"]
    assert entries[2].before["title"] == "A good sample report"
    assert entries[2].after["title"] == "Corrected <title>"


def test_edit_needs_staff_and_valid_fields(staff, app):
    assert app.test_client().get("/staff/documents/hanoi-report/edit").status_code == 302
    edit = "/staff/documents/hanoi-report/edit"
    r = staff.post(edit, data={"csrf_token": _token(staff, edit), "title": "", "type": "memo",
                               "status": "gone"})
    assert r.status_code == 400 and "Choose a document type." in text(r)
    assert staff.get("/staff/documents/nope/edit").status_code == 404


def test_concurrent_uploads_lose_nothing_and_store_a_file_once(samples, tmp_path, data):
    import threading
    from tests.conftest import make_pdf
    # Four request threads may write at once here: the storage's own locking is tested,
    # not the server's write gate (tested below).
    app = create_app(WebSettings(store=Settings.from_env(environ={}, data_dir=data, workers=1,
                                                         max_file_bytes=200_000),
                                 testing=True, writers_per_process=4))
    clients = []
    for _ in range(4):
        c = app.test_client()
        c.post("/staff/sign-in", data={"name": "amina", "password": PASSWORD,
                                       "csrf_token": _token(c, "/staff/sign-in")})
        clients.append(c)
    same = (samples / "good.pdf").read_bytes()
    other = [make_pdf(tmp_path / f"o{i}.pdf", [f"Distinct upload number {i} about "
                                               f"thermometers{i}."]).read_bytes()
             for i in range(2)]
    payloads = [same, same, other[0], other[1]]
    tokens = [_token(c) for c in clients]
    codes = []

    def send(i):
        r = clients[i].post("/staff/upload", content_type="multipart/form-data", data={
            "csrf_token": tokens[i], "event": "2019-osaka-waste", "type": "other",
            "status": "published", "files": [(io.BytesIO(payloads[i]), f"f{i}.pdf")]})
        codes.append((i, r.status_code, text(r)))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    by_index = {i: (code, body) for i, code, body in codes}
    assert by_index[2][0] == by_index[3][0] == 200
    assert sorted(by_index[i][0] for i in (0, 1)) == [200, 400]
    assert any("already in the repository" in by_index[i][1] for i in (0, 1))
    repo = Repository(Settings.from_env(environ={}, data_dir=data))
    stored = [d for d in repo.documents("2019-osaka-waste") if d.type == "other"]
    assert len(stored) == 3 and len({d.sha256 for d in stored}) == 3
    anon = app.test_client()
    for i in range(2):
        assert anon.get(f"/api/search?q=thermometers{i}").get_json()["total"] == 1


def test_admin_deletes_to_the_trash_and_restore_brings_it_back(app, data, staff):
    from tests.conftest import run_cli
    repo = Repository(Settings.from_env(environ={}, data_dir=data))
    repo.accounts.add("root", PASSWORD, "admin")
    edit = "/staff/documents/osaka-pres-japan/edit"
    assert staff.post("/staff/documents/osaka-pres-japan/delete",
                      data={"csrf_token": _token(staff, edit)}).status_code == 403
    admin = app.test_client()
    admin.post("/staff/sign-in", data={"name": "root", "password": PASSWORD,
                                       "csrf_token": _token(admin, "/staff/sign-in")})
    r = admin.post("/staff/documents/osaka-pres-japan/delete",
                   data={"csrf_token": _token(admin, edit)})
    assert r.status_code == 302
    anon = app.test_client()
    assert anon.get("/api/search?q=roasting+sulphide+japan").get_json()["total"] == 1
    assert "osaka-pres-japan" not in [h["id"] for h in anon.get(
        "/api/search?q=japan&size=50").get_json()["hits"]]
    assert anon.get("/documents/osaka-pres-japan").status_code == 404
    assert run_cli("--data", str(data), "restore").stdout.split() == ["osaka-pres-japan"]
    assert run_cli("--data", str(data), "check").returncode == 0
    out = run_cli("--data", str(data), "restore", "osaka-pres-japan").stdout
    assert out.startswith("osaka-pres-japan\trestored")
    assert anon.get("/documents/osaka-pres-japan").status_code == 200
    assert "osaka-pres-japan" in [h["id"] for h in anon.get(
        "/api/search?q=japan&size=50").get_json()["hits"]]
    actions = [e.action for e in Repository(Settings.from_env(
        environ={}, data_dir=data)).audit.entries(target="osaka-pres-japan")]
    assert actions[:2] == ["restore", "delete"]
    assert run_cli("--data", str(data), "check").returncode == 0


def test_replace_keeps_the_old_version_in_history(staff, app, data, tmp_path):
    from tests.conftest import make_pdf, run_cli
    first = make_pdf(tmp_path / "v1.pdf", ["First version mentions obsoletium only."])
    second = make_pdf(tmp_path / "v2.pdf", ["Corrected version mentions correctium only."])
    _upload(staff, [("v1.pdf", first.read_bytes())], title="Versioned report")
    doc = "2019-osaka-waste-report-1"
    edit = f"/staff/documents/{doc}/edit"
    r = staff.post(f"/staff/documents/{doc}/replace", content_type="multipart/form-data",
                   data={"csrf_token": _token(staff, edit),
                         "file": (io.BytesIO(second.read_bytes()), "v2.pdf")})
    assert r.status_code == 302
    anon = app.test_client()
    assert anon.get("/api/search?q=correctium").get_json()["total"] == 1
    assert anon.get("/api/search?q=obsoletium").get_json()["total"] == 0
    page = text(anon.get(f"/documents/{doc}"))
    assert "Earlier versions" in page and "v1.pdf" in page and "Versioned report" in page
    old = re.search(r'href="(/documents/[^"]+/versions/[0-9a-f]+/file)"', page).group(1)
    assert anon.get(old).data == first.read_bytes()
    same = staff.post(f"/staff/documents/{doc}/replace", content_type="multipart/form-data",
                      data={"csrf_token": _token(staff, edit),
                            "file": (io.BytesIO(second.read_bytes()), "v2.pdf")})
    assert same.status_code == 400
    entries = Repository(Settings.from_env(environ={}, data_dir=data)).audit.entries(target=doc)
    assert entries[0].action == "replace" and entries[0].before["original_name"] == "v1.pdf"
    assert run_cli("--data", str(data), "check").returncode == 0


def test_staff_correct_an_event_and_its_documents_follow(staff, app, data):
    edit = "/staff/events/2019-osaka-waste/edit"
    form = {"csrf_token": _token(staff, edit), "title_en": "Osaka <waste> workshop",
            "title_fr": "Atelier d'Osaka", "city": "Osaka", "country": "JP",
            "region": "asia-pacific", "start": "2019-05-30", "end": "2019-05-31",
            "funders": "Japan; UNEP", "topics": "mercury waste; synergies",
            "participants": "JP; TH", "description_en": "Corrected."}
    assert staff.post(edit, data=form).status_code == 302
    anon = app.test_client()
    event = anon.get("/api/events/2019-osaka-waste").get_json()
    assert event["funders"] == ["Japan", "UNEP"] and event["participants"] == ["JP", "TH"]
    hits = anon.get("/api/search?q=&event=2019-osaka-waste").get_json()["hits"]
    assert {h["event_titles"]["en"] for h in hits} == {"Osaka <waste> workshop"}
    bad = staff.post(edit, data={**form, "end": "2019-05-01", "participants": "XX"})
    assert bad.status_code == 400 and "two-letter codes" in text(bad)
    entries = Repository(Settings.from_env(environ={}, data_dir=data)).audit.entries(
        action="event_edit")
    assert entries[0].before["funders"] == ["Ministry of the Environment of Japan"]
    assert app.test_client().get(edit).status_code == 302


def test_staff_pages_have_plain_titles_and_one_of_each_form(staff):
    for path in ("/staff/upload", "/staff/documents/hanoi-report/edit",
                 "/staff/events/2019-hanoi-coal/edit"):
        body = staff.get(path).get_data(as_text=True)
        assert re.search(r"<title>[^<]+</title>", body), path
    edit = staff.get("/staff/documents/hanoi-report/edit").get_data(as_text=True)
    assert edit.count('action="/staff/documents/hanoi-report/replace"') == 1


def test_symbol_from_the_form_the_api_and_the_correction_page(staff, app, samples, data):
    r = _upload(staff, [("r.pdf", (samples / "good.pdf").read_bytes())],
                symbol="UNEP/MC/WS.2019/OSA/2")
    assert r.status_code == 200
    anon = app.test_client()
    hit = anon.get("/api/search?q=UNEP/MC/WS.2019/OSA/2").get_json()["hits"][0]
    assert hit["id"] == "2019-osaka-waste-report-1" and hit["symbol"] == "UNEP/MC/WS.2019/OSA/2"
    assert "UNEP/MC/WS.2019/OSA/2" in text(anon.get("/documents/2019-osaka-waste-report-1"))
    # A wrong symbol is refused in the form, with what a symbol looks like; nothing stored.
    bad = _upload(staff, [("s.pdf", (samples / "script.pdf").read_bytes())],
                  symbol="not a symbol!")
    assert bad.status_code == 400 and "UNEP/MC/WS.2019/HAN/1" in text(bad)
    assert Repository(Settings.from_env(environ={}, data_dir=data)).catalog.find_by_id(
        "2019-osaka-waste-report-2") is None
    # Corrected on the document's page: the old symbol no longer finds it.
    edit = "/staff/documents/2019-osaka-waste-report-1/edit"
    form = {"csrf_token": _token(staff, edit), "title": "A good sample report",
            "type": "report", "language": "", "note": "", "status": "published",
            "symbol": "UNEP/MC/WS.2019/OSA/3"}
    assert staff.post(edit, data=form).status_code == 302
    assert anon.get("/api/search?q=symbol:UNEP/MC/WS.2019/OSA/2").get_json()["total"] == 0
    assert anon.get("/api/search?q=symbol:UNEP/MC/WS.2019/OSA/3").get_json()["total"] == 1
    assert staff.post(edit, data={**form, "symbol": "a b c"}).status_code == 400
    # The API takes it too.
    token = Repository(Settings.from_env(environ={}, data_dir=data)).accounts.new_token("amina")
    r = anon.post("/api/documents", headers={"Authorization": f"Bearer {token}"}, data={
        "file": (io.BytesIO((samples / "script.pdf").read_bytes()), "s.pdf"),
        "event": "2019-osaka-waste", "type": "other", "symbol": "UNEP/MC/WS.2019/OSA/INF/9"})
    assert r.status_code == 201 and r.get_json()["symbol"] == "UNEP/MC/WS.2019/OSA/INF/9"
    r = anon.post("/api/documents", headers={"Authorization": f"Bearer {token}"}, data={
        "file": (io.BytesIO((samples / "encrypted.pdf").read_bytes()), "e.pdf"),
        "event": "2019-osaka-waste", "type": "other", "symbol": "//"})
    assert r.status_code == 400 and "symbol" in r.get_json()["error"]


def test_a_deleted_documents_id_and_history_are_never_given_to_another(app, data, staff,
                                                                         tmp_path):
    from tests.conftest import make_pdf, run_cli
    repo = Repository(Settings.from_env(environ={}, data_dir=data))
    repo.accounts.add("root", PASSWORD, "admin")
    first = make_pdf(tmp_path / "v1.pdf", ["An old confidential draft about quarantinium."])
    second = make_pdf(tmp_path / "v2.pdf", ["The published text about quarantinium."])
    _upload(staff, [("v1.pdf", first.read_bytes())], title="Report")
    doc = "2019-osaka-waste-report-1"
    edit = f"/staff/documents/{doc}/edit"
    staff.post(f"/staff/documents/{doc}/replace", content_type="multipart/form-data",
               data={"csrf_token": _token(staff, edit),
                     "file": (io.BytesIO(second.read_bytes()), "v2.pdf")})
    anon = app.test_client()
    old = re.search(r'href="(/documents/[^"]+/versions/[0-9a-f]+/file)"',
                    text(anon.get(f"/documents/{doc}"))).group(1)
    admin = app.test_client()
    admin.post("/staff/sign-in", data={"name": "root", "password": PASSWORD,
                                       "csrf_token": _token(admin, "/staff/sign-in")})
    assert admin.post(f"/staff/documents/{doc}/delete",
                      data={"csrf_token": _token(admin, edit)}).status_code == 302
    # A new upload to the same event and type gets a new id, not the deleted one's.
    third = make_pdf(tmp_path / "v3.pdf", ["A different report altogether."])
    _upload(staff, [("v3.pdf", third.read_bytes())], title="Another report")
    assert Repository(Settings.from_env(environ={}, data_dir=data)).catalog.find_by_id(
        "2019-osaka-waste-report-2") is not None
    assert anon.get(f"/documents/{doc}").status_code == 404
    assert anon.get(old).status_code == 404            # the old file is not public
    # And the deleted document can still come back, with its history.
    out = run_cli("--data", str(data), "restore", doc).stdout
    assert out.startswith(f"{doc}\trestored")
    assert anon.get(old).data == first.read_bytes()
    assert run_cli("--data", str(data), "check").returncode == 0


def test_files_are_cached_only_as_their_visibility_allows(staff, app, samples):
    r = app.test_client().get("/documents/hanoi-report/file")
    assert "no-cache" in r.headers["Cache-Control"] and "public" in r.headers["Cache-Control"]
    assert r.headers.get("ETag")
    _upload(staff, [("d.pdf", (samples / "good.pdf").read_bytes())], status="draft")
    draft = staff.get("/documents/2019-osaka-waste-report-1/file")
    assert draft.status_code == 200
    assert "private" in draft.headers["Cache-Control"] and \
        "no-store" in draft.headers["Cache-Control"]


def test_language_codes_are_checked_against_iso_639(staff, app, samples, data):
    bad = _upload(staff, [("r.pdf", (samples / "good.pdf").read_bytes())], language="xq")
    assert bad.status_code == 400 and "two-letter language code" in text(bad)
    edit = "/staff/documents/hanoi-report/edit"
    form = {"csrf_token": _token(staff, edit), "title": "Report", "type": "report",
            "note": "", "status": "published"}
    assert staff.post(edit, data={**form, "language": "a" * 70}).status_code == 400
    assert staff.post(edit, data={**form, "language": "fra"}).status_code == 302
    token = Repository(Settings.from_env(environ={}, data_dir=data)).accounts.new_token("amina")
    r = app.test_client().post("/api/documents", headers={"Authorization": f"Bearer {token}"},
                               data={"file": (io.BytesIO((samples / "good.pdf").read_bytes()),
                                              "r.pdf"), "event": "2019-osaka-waste",
                                     "type": "report", "language": "zz"})
    assert r.status_code == 400 and "language code" in r.get_json()["error"]


def test_an_event_made_by_a_draft_upload_stays_with_staff_until_published(staff, app, samples):
    r = _upload(staff, [("a.pdf", (samples / "good.pdf").read_bytes())], event="new",
                status="draft", new_title="Confidential planning meeting", new_city="Geneva",
                new_country="CH", new_region="weog", new_start="2024-02-01")
    assert r.status_code == 200
    anon = app.test_client()
    assert "Confidential planning meeting" not in text(anon.get("/events"))
    assert anon.get("/events/2024-geneva").status_code == 404
    assert anon.get("/api/events/2024-geneva").status_code == 404
    assert "2024-geneva" not in [e["id"] for e in anon.get("/api/events").get_json()]
    assert "Confidential planning meeting" in text(staff.get("/events"))
    # Publishing its document shows the event.
    doc = "2024-geneva-report-1"
    edit = f"/staff/documents/{doc}/edit"
    assert staff.post(edit, data={"csrf_token": _token(staff, edit), "title": "Report",
                                  "type": "report", "language": "", "note": "",
                                  "status": "published"}).status_code == 302
    assert anon.get("/events/2024-geneva").status_code == 200


def test_writers_beyond_the_gate_are_told_busy_and_searches_go_on(staff, app, samples, data):
    import time
    line = app.extensions["minamata"].write_line
    assert line.acquire(timeout=1) and line.acquire(timeout=1)   # one writing, one waiting
    try:
        started = time.monotonic()
        r = _upload(staff, [("r.pdf", (samples / "good.pdf").read_bytes())])
        assert r.status_code == 503 and r.headers["Retry-After"] == "5"
        assert "busy" in text(r) and time.monotonic() - started < 10
        assert app.test_client().get("/?q=mercury").status_code == 200
        token = Repository(Settings.from_env(environ={}, data_dir=data)).accounts.new_token(
            "amina")
        api = app.test_client().post(
            "/api/documents", headers={"Authorization": f"Bearer {token}"},
            data={"file": (io.BytesIO((samples / "good.pdf").read_bytes()), "r.pdf"),
                  "event": "2019-osaka-waste", "type": "report"})
        assert api.status_code == 503 and api.headers["Retry-After"] == "5"
    finally:
        line.release()
        line.release()
    assert _upload(staff, [("r.pdf", (samples / "good.pdf").read_bytes())]).status_code == 200


def _disk_full(*_args, **_kwargs):
    import errno
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_is_said_plainly_and_nothing_is_half_written(staff, app, samples, data,
                                                                   monkeypatch, capsys):
    from minamata import cli
    from repo.files import PdfStore
    before = sorted(p.name for p in (data / "files").rglob("*"))
    monkeypatch.setattr(PdfStore, "put", _disk_full)
    r = _upload(staff, [("r.pdf", (samples / "good.pdf").read_bytes())])
    assert r.status_code == 507 and "disk is full" in text(r)
    token = Repository(Settings.from_env(environ={}, data_dir=data)).accounts.new_token("amina")
    api = app.test_client().post(
        "/api/documents", headers={"Authorization": f"Bearer {token}"},
        data={"file": (io.BytesIO((samples / "good.pdf").read_bytes()), "r.pdf"),
              "event": "2019-osaka-waste", "type": "report"})
    assert api.status_code == 507 and "disk is full" in api.get_json()["error"]
    code = cli.main(["--data", str(data), "add", str(samples / "good.pdf"), "--event",
                     "2019-osaka-waste", "--type", "report"])
    err = capsys.readouterr().err
    assert code == 1 and "the disk is full" in err and "Traceback" not in err
    assert sorted(p.name for p in (data / "files").rglob("*")) == before
    assert Repository(Settings.from_env(environ={}, data_dir=data)).catalog.find_by_id(
        "2019-osaka-waste-report-1") is None


def test_sign_in_works_with_the_disk_full(app, monkeypatch):
    from repo.accounts import Accounts
    monkeypatch.setattr(Accounts, "begin_attempt", _disk_full)
    client = app.test_client()
    r = client.post("/staff/sign-in", data={"name": "amina", "password": PASSWORD,
                                            "csrf_token": _token(client, "/staff/sign-in")})
    assert r.status_code == 302 and client.get("/staff/upload").status_code == 200


def test_a_writer_waits_in_line_for_its_turn(staff, app, samples):
    import threading
    gate = app.extensions["minamata"].write_gate
    assert gate.acquire(timeout=1)                      # another request is writing
    threading.Timer(0.5, gate.release).start()          # ... and finishes soon
    r = _upload(staff, [("r.pdf", (samples / "good.pdf").read_bytes())])
    assert r.status_code == 200 and "added as" in text(r)
