"""Issue 12, items 3 and 4: a readable history, and upload and correction as a Secretariat
officer expects them (Flask test client over a copy of the indexed corpus)."""
import io
import re

import pytest

from tests.conftest import STAFF_PASSWORD, make_pdf, signed_in

DOC = "osaka-pres-japan"
EVENT = "2019-osaka-waste"


def text(r):
    return re.sub(r"\s+", " ", r.get_data(as_text=True))


def token(client, path="/staff/upload"):
    return re.search(r'name="csrf_token" value="([^"]+)"',
                     client.get(path).get_data(as_text=True)).group(1)


@pytest.fixture
def site(staff_site):
    app, ix = staff_site
    ix.repo.accounts.add("root", STAFF_PASSWORD, "admin")
    return app, ix


def edit_form(client, doc_id=DOC, **changes):
    page = text(client.get(f"/staff/documents/{doc_id}/edit"))
    title = re.search(r'id="title" name="title" maxlength="500" required value="([^"]*)"',
                      page).group(1)
    return {"csrf_token": token(client, f"/staff/documents/{doc_id}/edit"), "title": title,
            "type": "presentation", "language": "", "note": "", "status": "published",
            "symbol": "", **changes}


def upload(client, files, **fields):
    data = {"csrf_token": token(client), "event": EVENT, "type": "report",
            "status": "published", **fields}
    data["files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/staff/upload", data=data, content_type="multipart/form-data")


# -- a readable history ----------------------------------------------------------------
def test_audit_page_shows_field_changes_as_text_not_json(site):
    app, _ = site
    editor, admin = signed_in(app), signed_in(app, "root")
    long_note = "A note " + "that goes on " * 20 + "and ends here."
    assert editor.post(f"/staff/documents/{DOC}/edit",
                       data=edit_form(editor, title='New "title" <b>', note=long_note)
                       ).status_code == 302
    page = text(admin.get(f"/staff/audit?target={DOC}"))
    assert "New &#34;title&#34; &lt;b&gt;" in page and "<b>" not in page
    assert '<span class="field">title</span>' in page and "→" in page
    assert '<span class="field">sha256</span>' not in page        # unchanged: not shown
    assert "\\u00e9" not in page and '{"' not in page and "&#34;title&#34;:" not in page
    assert '<details class="long"><summary>' in page and "and ends here." in page


def test_audit_filters_dates_and_pages(site):
    app, ix = site
    admin = signed_in(app, "root")
    with ix.repo.catalog.transaction():
        for n in range(60):
            ix.repo.audit.record("bot", "edit", f"doc-{n}", before={"title": f"t{n}"},
                                 after={"title": f"u{n}"})
    first = text(admin.get("/staff/audit?actor=bot"))
    assert first.count("<td>bot</td>") == 50 and 'rel="next"' in first
    second = text(admin.get("/staff/audit?actor=bot&page=2"))
    assert second.count("<td>bot</td>") == 10 and 'rel="prev"' in second
    assert "<td>doc-0</td>" in second and "<td>doc-0</td>" not in first
    assert text(admin.get("/staff/audit?actor=bot&until=2000-01-01")).count("<td>bot</td>") == 0
    assert text(admin.get("/staff/audit?actor=bot&since=2000-01-01&target=doc-7")
                ).count("<td>bot</td>") == 1


def test_exports_keep_the_raw_records_with_the_same_filters(site):
    app, ix = site
    admin = signed_in(app, "root")
    with ix.repo.catalog.transaction():
        ix.repo.audit.record("bot", "edit", "doc-x", before={"title": "Réunion"},
                             after={"title": "Réunion régionale"})
    entries = admin.get("/staff/audit.json?actor=bot").get_json()
    assert [(e["before"], e["after"]) for e in entries] == [
        ({"title": "Réunion"}, {"title": "Réunion régionale"})]
    csv_text = admin.get("/staff/audit.csv?actor=bot").get_data(as_text=True)
    assert len(csv_text.splitlines()) == 2 and "Réunion régionale" in csv_text
    assert signed_in(app).get("/staff/audit.json").status_code == 403


def test_document_and_event_pages_show_their_history_to_staff_only(site):
    app, _ = site
    editor, admin = signed_in(app), signed_in(app, "root")
    editor.post(f"/staff/documents/{DOC}/edit", data=edit_form(editor, title="Renamed"))
    page = text(editor.get(f"/documents/{DOC}"))
    assert "History (staff only)" in page and "<strong>edit</strong>" in page
    assert "Renamed</ins>" in page
    assert "/staff/audit?target=" not in page                      # editors: no audit page
    assert f"/staff/audit?target={DOC}" in text(admin.get(f"/documents/{DOC}"))
    assert "History (staff only)" not in text(app.test_client().get(f"/documents/{DOC}"))
    event_page = text(editor.get(f"/events/{EVENT}"))
    assert "History (staff only)" in event_page
    assert "History (staff only)" not in text(app.test_client().get(f"/events/{EVENT}"))


# -- upload and correction ---------------------------------------------------------------
@pytest.mark.parametrize("title, first_line, name, says", [
    ("A good sample report", "Mercury text", "x.pdf", "the PDF's metadata"),
    (None, "Mercury emissions from coal plants", "x.pdf", "the first line of the text"),
    (None, "", "national_report-2024.pdf", "the file name"),
])
def test_result_page_links_to_correct_and_says_where_the_title_came_from(
        site, tmp_path, title, first_line, name, says):
    app, _ = site
    pdf = make_pdf(tmp_path / "p.pdf", [first_line], title=title)
    r = upload(signed_in(app), [(name, pdf.read_bytes())])
    body = text(r)
    assert r.status_code == 200
    assert f"Title taken from {says} — correct it" in body
    assert 'href="/staff/documents/2019-osaka-waste-report-1/edit">Correct</a>' in body


def test_a_given_title_needs_no_source_note(site, tmp_path):
    app, _ = site
    pdf = make_pdf(tmp_path / "p.pdf", ["Some text here."], title="Metadata title")
    body = text(upload(signed_in(app), [("a.pdf", pdf.read_bytes())], title="Typed"))
    assert "Title taken from" not in body and ">Typed</a>" in body


def test_language_is_chosen_from_a_list_and_the_code_still_accepted(site):
    app, ix = site
    editor = signed_in(app)
    form = text(editor.get(f"/staff/upload?event={EVENT}"))
    assert '<select id="language" name="language">' in form
    assert '<option value="fr" >French</option>' in form
    edit = text(editor.get(f"/staff/documents/{DOC}/edit"))
    assert '<select id="language" name="language"' in edit and "detected: English" in edit
    assert editor.post(f"/staff/documents/{DOC}/edit",
                       data=edit_form(editor, language="es")).status_code == 302
    assert ix.repo.document(DOC).declared_language == "es"
    assert '<option value="es" selected>' in text(editor.get(f"/staff/documents/{DOC}/edit"))
    french = text(signed_in(app).get(f"/staff/upload?event={EVENT}&lang=fr"))
    assert ">Français</option>" in french or ">français</option>" in french


def test_version_of_is_picked_from_the_events_documents(site, tmp_path):
    app, ix = site
    editor = signed_in(app)
    form = text(editor.get(f"/staff/upload?event={EVENT}"))
    assert '<select id="version_of" name="version_of">' in form
    assert f'<option value="{DOC}"' in form
    assert 'name="version_of" value=' not in form                 # no typed id
    assert '<select id="version_of"' not in text(editor.get("/staff/upload"))
    pdf = make_pdf(tmp_path / "fr.pdf", ["Présentation du Japon sur les déchets de mercure."])
    r = upload(editor, [("fr.pdf", pdf.read_bytes())], version_of=DOC, type="presentation")
    assert r.status_code == 200 and "Recorded as a language version" in text(r)
    new_id = re.search(r'href="/staff/documents/([^/"]+)/edit">Correct', text(r)).group(1)
    doc = ix.repo.document(new_id)
    assert doc.work_id and doc.work_id == ix.repo.document(DOC).work_id


def test_topics_keep_their_case_and_filter_still_works(site):
    app, ix = site
    editor = signed_in(app)
    event = ix.repo.event(EVENT)
    path = f"/staff/events/{EVENT}/edit"
    data = {"csrf_token": token(editor, path), "title_en": event.titles["en"],
            "city": event.city, "country": event.country, "region": event.region,
            "start": event.start, "end": event.end, "organisers": "; ".join(event.organisers),
            "funders": "; ".join(event.funders), "topics": "mercury waste; EMAPE",
            "participants": "JP", "public": "1"}
    assert editor.post(path, data=data).status_code == 302
    assert ix.repo.event(EVENT).topics == ["mercury waste", "EMAPE"]
    assert ">EMAPE</a>" in text(app.test_client().get(f"/events/{EVENT}"))
    anon = app.test_client()
    for value in ("EMAPE", "emape"):
        hits = anon.get(f"/api/search?q=mercury&topic={value}&size=50").get_json()
        assert hits["total"] > 0 and all(h["event"] == EVENT for h in hits["hits"]), value


def test_new_event_at_upload_keeps_topic_case(site, samples):
    app, ix = site
    r = upload(signed_in(app), [("a.pdf", (samples / "good.pdf").read_bytes())], event="new",
               new_title="Taller EMAPE", new_city="Quito", new_country="EC",
               new_region="latin-america-caribbean", new_start="2024-05-06",
               new_topics="EMAPE; ASGM")
    assert r.status_code == 200
    assert ix.repo.event("2024-quito").topics == ["EMAPE", "ASGM"]


def test_delete_asks_for_confirmation_and_the_trash_restores(site):
    app, ix = site
    admin, editor = signed_in(app, "root"), signed_in(app)
    edit = text(admin.get(f"/staff/documents/{DOC}/edit"))
    assert f'action="/staff/documents/{DOC}/delete"' not in edit    # no one-click delete
    assert f'href="/staff/documents/{DOC}/delete"' in edit
    confirm = text(admin.get(f"/staff/documents/{DOC}/delete"))
    assert "Delete this document?" in confirm and 'name="csrf_token"' in confirm
    assert ix.repo.has_document(DOC)                                # asking deletes nothing
    assert editor.get(f"/staff/documents/{DOC}/delete").status_code == 403
    assert admin.post(f"/staff/documents/{DOC}/delete").status_code == 400   # no CSRF token
    r = admin.post(f"/staff/documents/{DOC}/delete",
                   data={"csrf_token": token(admin, "/staff/trash")})
    assert r.status_code == 302 and r.headers["Location"].endswith("/staff/trash")
    assert not ix.repo.has_document(DOC)
    trash = text(admin.get("/staff/trash"))
    assert f'id="trash-{DOC}"' in trash and f'action="/staff/trash/{DOC}/restore"' in trash
    assert editor.get("/staff/trash").status_code == 403
    assert editor.post(f"/staff/trash/{DOC}/restore",
                       data={"csrf_token": token(editor)}).status_code == 403
    r = admin.post(f"/staff/trash/{DOC}/restore", data={"csrf_token": token(admin, "/staff/trash")})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/documents/{DOC}")
    assert ix.repo.has_document(DOC) and DOC not in ix.repo.trash.ids()
    assert app.test_client().get(f"/documents/{DOC}").status_code == 200
    assert "The trash is empty." in text(admin.get("/staff/trash"))
    assert [e.action for e in ix.repo.audit.entries(target=DOC)][:2] == ["restore", "delete"]


def test_a_refused_upload_keeps_every_value_and_names_the_files(site, samples):
    app, _ = site
    good = (samples / "good.pdf").read_bytes()
    r = upload(signed_in(app), [("one.pdf", good), ("two.pdf", good)], type="",
               note="English only", language="fr", event="new", new_title="Taller EMAPE",
               new_city="Quito", new_topics="EMAPE; ASGM")
    body = text(r)
    assert r.status_code == 400 and "Choose a document type." in body
    assert 'value="English only"' in body and '<option value="fr" selected>' in body
    assert 'value="Taller EMAPE"' in body and 'value="EMAPE; ASGM"' in body
    assert 'value="Quito"' in body
    assert "one.pdf, two.pdf" in body and "choose them again" in body


def test_a_failed_sign_in_keeps_the_user_name(site):
    app, _ = site
    client = app.test_client()
    r = client.post("/staff/sign-in", data={"name": "amina", "password": "wrong password!",
                                            "csrf_token": token(client, "/staff/sign-in")})
    assert r.status_code == 401 and 'value="amina"' in text(r)
    assert 'name="password" type="password"' in text(r) and "wrong password!" not in text(r)
