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


def test_audit_csv_quotes_formulas_and_leaves_empty_cells_empty(staff_site):
    import csv
    app, ix = staff_site
    ix.repo.accounts.add("admin", "an admin's long password", "admin")
    ix.edit("hanoi-report", {"title": "=HYPERLINK(\"http://evil\")"}, "amina")
    rows = list(csv.reader(io.StringIO(
        signed_in(app, "admin", "an admin's long password").get("/staff/audit.csv")
        .get_data(as_text=True))))
    assert all(cell != "'" for row in rows for cell in row)          # empty stays empty
    edit = next(r for r in rows if r[3] == "edit")
    assert all(not cell.startswith("=") for cell in edit)


def test_a_saved_listing_page_over_500_kb_can_be_confirmed(staff_site):
    from html import escape
    from tests.conftest import ROOT
    app, ix = staff_site
    text = (ROOT / "tests" / "data" / "listing-fr.txt").read_text(encoding="utf-8")
    page = ("<html><head><style>" + ".x{color:red}\n" * 40000 + "</style></head><body>"
            + escape(text).replace("\n", "<br>\n") + "</body></html>")
    assert len(page.encode()) > 500_000
    staff = signed_in(app)
    token = _token(staff, "/staff/import")
    preview = staff.post("/staff/import", data={
        "csrf_token": token, "listing": (io.BytesIO(page.encode()), "listing.html"),
        "language": "auto"}, content_type="multipart/form-data")
    assert preview.status_code == 200
    body = preview.get_data(as_text=True)
    form = {"csrf_token": token, "confirm": "yes", "language": "fr",
            "digest": re.search(r'name="digest" value="([^"]+)"', body).group(1),
            "text": re.search(r'<textarea name="text" hidden>(.*?)</textarea>', body,
                              re.S).group(1).replace("&lt;", "<").replace("&gt;", ">")
            .replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&"),
            "event": re.findall(r'name="event" value="([^"]+)"', body),
            "field": re.findall(r'name="field" value="([^"]+)"', body)}
    assert len(form["text"].encode()) > 500_000      # the page itself goes back to confirm
    done = staff.post("/staff/import", data=form)
    assert done.status_code == 200, done.status_code
    assert ix.repo.event("2019-osaka-waste").descriptions.get("fr")


def test_a_request_past_the_memory_cap_is_refused_and_its_process_replaced(staff_site,
                                                                          monkeypatch):
    from indexer.search import SearchService
    app, _ix = staff_site
    replaced = []
    app.extensions["minamata_replace_process"] = lambda: replaced.append(1)

    def greedy(*args, **kwargs):
        raise MemoryError
    monkeypatch.setattr(SearchService, "search", greedy)
    page = app.test_client().get("/?q=mercury&lang=fr")
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert "plus de mémoire que le serveur" in page.get_data(as_text=True)
    api = app.test_client().get("/api/search?q=mercury")
    assert api.status_code == 503 and "more memory" in api.get_json()["error"]
    assert replaced == [1, 1]
    monkeypatch.undo()
    assert app.test_client().get("/?q=mercury").status_code == 200


def test_each_server_process_caps_its_heap(tmp_path):
    # The kernel's own limit, in a process of its own: past it an allocation raises
    # MemoryError (a search cannot grow a worker to gigabytes); the index's mapped files
    # are not counted.
    import subprocess
    import sys
    from tests.conftest import ROOT
    script = ("import resource\n"
              "from minamata.server import limit_memory\n"
              "limit_memory(int(__import__('sys').argv[1]))\n"
              "print(resource.getrlimit(resource.RLIMIT_DATA)[0] >> 20)\n"
              "try:\n    block = bytearray(600 << 20)\n    print('allocated')\n"
              "except MemoryError:\n    print('refused')\n")
    capped = subprocess.run([sys.executable, "-c", script, "300"], cwd=ROOT, text=True,
                            capture_output=True, timeout=60)
    assert capped.stdout.split() == ["300", "refused"], capped.stderr
    free = subprocess.run([sys.executable, "-c", script, "0"], cwd=ROOT, text=True,
                          capture_output=True, timeout=60)
    assert free.stdout.split()[1] == "allocated", free.stderr


def test_a_server_worker_applies_the_cap_and_knows_how_to_be_replaced(staff_site):
    import resource
    from minamata.server import _Gunicorn
    app, _ix = staff_site
    app.config["MINAMATA_PROCESS_MEMORY_MB"] = 4096
    loader = _Gunicorn.__new__(_Gunicorn)      # only load(), as a forked worker calls it
    loader.factory = lambda: app
    before = resource.getrlimit(resource.RLIMIT_DATA)
    try:
        assert loader.load() is app
        assert resource.getrlimit(resource.RLIMIT_DATA)[0] == 4096 << 20
        assert callable(app.extensions["minamata_replace_process"])
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, before)
