"""One answer per error, whatever the view: busy is 503 with Retry-After everywhere."""
import io
import re

from tests.conftest import make_pdf, signed_in


def _token(client, path):
    return re.search(r'name="csrf_token" value="([^"]+)"',
                     client.get(path).get_data(as_text=True)).group(1)


def test_every_writing_view_says_busy_the_same_way(staff_site, tmp_path):
    app, ix = staff_site
    ix.repo.accounts.add("admin", "an admin's long password", "admin")
    editor, admin = signed_in(app), signed_in(app, "admin", "an admin's long password")
    doc = "hanoi-pres-secretariat-en"
    edit = f"/staff/documents/{doc}/edit"
    pdf = make_pdf(tmp_path / "new.pdf", ["A corrected file about mercury."]).read_bytes()
    posts = [
        (editor, edit, {"title": "New title", "type": "presentation", "language": "en",
                        "note": "", "status": "published"}),
        (editor, f"/staff/documents/{doc}/replace",
         {"file": (io.BytesIO(pdf), "new.pdf")}),
        (editor, f"/staff/documents/{doc}/versions/unlink", {}),
        (editor, "/staff/documents/hanoi-report/versions",
         {"version_of": "hanoi-pres-china"}),
        (admin, f"/staff/documents/{doc}/delete", {}),
        (editor, "/staff/events/2019-osaka-waste/edit",
         {"title_en": "Osaka", "city": "Osaka", "country": "JP", "region": "asia-pacific",
          "start": "2019-05-30", "end": "2019-05-31", "public": "1"}),
    ]
    line = app.extensions["minamata"].write_line
    assert line.acquire(timeout=1) and line.acquire(timeout=1)   # one writing, one waiting
    try:
        for client, path, data in posts:
            form_page = path if path.endswith("/edit") else edit
            r = client.post(path, data={"csrf_token": _token(client, form_page), **data},
                            content_type="multipart/form-data")
            assert r.status_code == 503, (path, r.status_code)
            assert r.headers["Retry-After"] == "5", path
            assert "busy" in r.get_data(as_text=True), path
    finally:
        line.release()
        line.release()
    # Nothing was written meanwhile.
    assert ix.repo.document(doc).title == "The Minamata Convention and mercury emissions: " \
        "article 8"
    assert ix.repo.event("2019-osaka-waste").city == "Osaka"
