"""Importing events from the Secretariat's listing pages."""
import json
from pathlib import Path

from hypothesis import given, settings as hsettings, strategies as st

from repo.listing.parse import parse_listing
from tests.conftest import run_cli

# The Secretariat's French listing page as given in shared/seed/ (copied, so the tests
# do not depend on where shared/ is).
SEED = Path(__file__).resolve().parent / "data" / "listing-fr.txt"

ENGLISH = """Workshops and other meetings on capacity building and technical assistance

Asia-Pacific regional workshop on reducing mercury emissions from coal combustion

Hanoi, Viet Nam, 31 October – 1 November 2019

A workshop on reducing mercury emissions from coal was held in Hanoi, funded by the European Union.

The workshop report is available here (English only).

Workshop on synergies in mercury waste management

Osaka, Japan, 30-31 May 2019

The chair's summary is available here (English).

Meeting with a date nobody can read

Geneva, Switzerland, sometime in 2019

Text.
"""


def _import(data, path, *extra):
    out = run_cli("--data", str(data), "import-events", str(path), "--json", *extra,
                  check=False)
    assert out.returncode in (0, 2), out.stderr
    return json.loads(out.stdout), out.returncode


def test_seed_listing_gives_its_three_events(tmp_path):
    result, code = _import(tmp_path / "data", SEED, "--dry-run")
    assert code == 0 and result["problems"] == []
    got = {e["city"]: e for e in result["events"]}
    assert {c: (e["country"], e["region"], e["start"], e["end"], e["action"])
            for c, e in got.items()} == {
        "Hanoï": ("VN", "asia-pacific", "2019-10-31", "2019-11-01", "create"),
        "La Paz": ("BO", "latin-america-caribbean", "2019-10-08", "2019-10-10", "create"),
        "Osaka": ("JP", "asia-pacific", "2019-05-30", "2019-05-31", "create"),
    }
    assert got["Hanoï"]["funders"] == ["European Union", "China Trust Fund"]
    assert got["La Paz"]["funders"] == ["European Union"]
    assert got["Hanoï"]["participants"] == ["VN", "CN", "IN", "ID", "MN", "LK", "TH"]
    assert got["La Paz"]["participants"] == ["BO", "CO", "EC", "MX", "PA", "PE"]
    assert got["Hanoï"]["documents"] == [{"type": "report", "languages": ["en"]},
                                         {"type": "presentation", "languages": []}]
    assert got["La Paz"]["documents"] == [{"type": "report", "languages": ["es"]}]
    assert got["Osaka"]["documents"] == [{"type": "chair_summary", "languages": ["en"]}]
    assert "Japan" in " ".join(got["Osaka"]["organisers"]) or \
        "Japon" in " ".join(got["Osaka"]["organisers"])
    assert not (tmp_path / "data" / "catalog.sqlite").exists() or \
        run_cli("--data", str(tmp_path / "data"), "events").stdout == ""


def test_import_twice_changes_nothing_and_french_then_english_merge(tmp_path):
    data = tmp_path / "data"
    first, _ = _import(data, SEED)
    assert [e["action"] for e in first["events"]] == ["create"] * 3
    again, _ = _import(data, SEED)
    assert [e["action"] for e in again["events"]] == ["unchanged"] * 3
    english = tmp_path / "en.txt"
    english.write_text(ENGLISH)
    result, code = _import(data, english)
    assert code == 2 and [e["action"] for e in result["events"]] == ["update", "update"]
    assert result["problems"] == [{"line": 19, "message": "cannot read the dates in "
                                   "'Geneva, Switzerland, sometime in 2019'"}]
    events = json.loads(run_cli("--data", str(data), "events", "--json").stdout)
    assert len(events) == 3
    hanoi = next(e for e in events if e["country"] == "VN")
    assert set(hanoi["titles"]) == {"fr", "en"}
    assert hanoi["titles"]["en"].startswith("Asia-Pacific regional workshop")


def test_html_listing(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body><h2>Taller sobre el comercio de mercurio</h2>"
                    "<p>Lima, Perú, del 3 al 7 de noviembre de 2025</p>"
                    "<p>El informe del taller está disponible aquí (solo en español).</p>"
                    "<script>var x = '1 janvier 2020';</script></body></html>")
    result, code = _import(tmp_path / "data", page, "--dry-run")
    [event] = result["events"]
    assert (event["country"], event["start"], event["end"]) == ("PE", "2025-11-03", "2025-11-07")
    assert event["documents"] == [{"type": "report", "languages": ["es"]}]


@hsettings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_parser_never_crashes_or_invents_events(text):
    entries, problems = parse_listing(text)
    for entry in entries:      # an event needs a real date range and a known country
        assert entry.start <= entry.end and len(entry.country) == 2


@hsettings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["Atelier", "Hanoï, Viet Nam,", "10:00 - 12:30", "2024-2025",
                                 "", "Le rapport est disponible ici", "3 jours", "COP-3"]),
                max_size=12))
def test_near_misses_never_make_events(lines):
    entries, _ = parse_listing("\n".join(lines))
    assert entries == []


def test_imported_corrections_survive_reloading_the_manifest(tmp_path):
    from tests.conftest import MANIFEST
    data = tmp_path / "data"
    run_cli("--data", str(data), "index", "--manifest", str(MANIFEST))
    result, _ = _import(data, SEED)
    assert [e["action"] for e in result["events"]] == ["update"] * 3     # matched, merged
    run_cli("--data", str(data), "index", "--manifest", str(MANIFEST))
    again, _ = _import(data, SEED)
    assert [e["action"] for e in again["events"]] == ["unchanged"] * 3


def test_announced_documents_show_until_uploaded(tmp_path, samples):
    from repo.settings import Settings
    from webui import create_app
    from webui.settings import WebSettings
    data = tmp_path / "data"
    result, _ = _import(data, SEED)
    hanoi = next(e["id"] for e in result["events"] if e["country"] == "VN")
    client = create_app(WebSettings(store=Settings.from_env(environ={}, data_dir=data),
                                    testing=True)).test_client()
    page = client.get(f"/events/{hanoi}").get_data(as_text=True)
    assert "Report — English" in page and "not yet in the repository" in page
    run_cli("--data", str(data), "add", str(samples / "good.pdf"), "--event", hanoi,
            "--type", "report")
    page = client.get(f"/events/{hanoi}").get_data(as_text=True)
    assert "Report — English" not in page and "Presentation" in page


def test_staff_import_from_the_web_with_preview_and_confirm(tmp_path):
    import io
    import re
    from repo.settings import Settings
    from repo.store import Repository
    from webui import create_app
    from webui.settings import WebSettings
    data = tmp_path / "data"
    settings = Settings.from_env(environ={}, data_dir=data)
    Repository(settings).accounts.add("amina", "a long enough password", "editor")
    client = create_app(WebSettings(store=settings, testing=True)).test_client()
    token = lambda path: re.search(r'name="csrf_token" value="([^"]+)"',  # noqa: E731
                                   client.get(path).get_data(as_text=True)).group(1)
    client.post("/staff/sign-in", data={"name": "amina", "password": "a long enough password",
                                        "csrf_token": token("/staff/sign-in")})
    preview = client.post("/staff/import", content_type="multipart/form-data", data={
        "csrf_token": token("/staff/import"), "language": "auto",
        "listing": (io.BytesIO(SEED.read_bytes()), "listing.txt")})
    body = preview.get_data(as_text=True)
    assert preview.status_code == 200 and body.count("<td>create</td>") == 3
    assert Repository(settings).events() == []                 # nothing written yet
    form, boxes = _confirmation(preview)        # every event and field ticked
    done = client.post("/staff/import", data={
        **form, "event": [v for n, v in boxes if n == "event"],
        "field": [v for n, v in boxes if n == "field"]})
    assert "Imported." in done.get_data(as_text=True)
    repo = Repository(settings)
    assert len(repo.events()) == 3
    assert [e.action for e in repo.audit.entries(action="import")] == ["import"] * 3


def test_symbol_named_with_an_announced_document_is_kept_and_shown(tmp_path):
    from repo.settings import Settings
    from webui import create_app
    from webui.settings import WebSettings
    listing = tmp_path / "listing.txt"
    listing.write_text(ENGLISH.replace(
        "The workshop report is available here (English only).",
        "The workshop report UNEP/MC/WS.2019/HAN/1 is available here (English only)."))
    data = tmp_path / "data"
    result, _ = _import(data, listing)
    hanoi = next(e for e in result["events"] if e["country"] == "VN")
    assert hanoi["documents"] == [{"type": "report", "languages": ["en"],
                                   "symbol": "UNEP/MC/WS.2019/HAN/1"}]
    client = create_app(WebSettings(store=Settings.from_env(environ={}, data_dir=data),
                                    testing=True)).test_client()
    page = client.get(f"/events/{hanoi['id']}").get_data(as_text=True)
    assert "UNEP/MC/WS.2019/HAN/1" in page and "not yet in the repository" in page
    # Importing the listing without the symbol keeps the one already known.
    plain = tmp_path / "plain.txt"
    plain.write_text(ENGLISH)
    again, _ = _import(data, plain)
    kept = next(e for e in again["events"] if e["country"] == "VN")
    assert kept["documents"][0]["symbol"] == "UNEP/MC/WS.2019/HAN/1"


# --- Issue 12, item 2: a listing import that is safe by construction -------------------

CHROME_TOP = """Accueil | Événements | Contact | Connexion
Accueil › Activités › Ateliers
Nous utilisons des cookies pour améliorer votre expérience. Accepter
Partager : Facebook | Twitter | LinkedIn
"""
CHROME_BOTTOM = """
Retour en haut
Plan du site | Mentions légales | Confidentialité
Copyright 2024 by Minamata Convention on Mercury | Login
"""
CHROME = ("login", "connexion", "cookies", "partager :", "| partager", "imprimer", "facebook",
          "accueil", "retour en haut", "copyright", "plan du site")


def _texts(event):
    """Every text an imported event would carry (its values and its changes)."""
    return json.dumps(event, ensure_ascii=False).lower()


def test_page_chrome_in_text_never_becomes_content(tmp_path):
    listing = tmp_path / "chrome.txt"
    seed = SEED.read_text().replace("(stockage de documents ONU).",
                                    "(stockage de documents ONU). | Partager | Imprimer")
    listing.write_text(CHROME_TOP + seed + CHROME_BOTTOM)
    result, code = _import(tmp_path / "data", listing, "--dry-run")
    assert code == 0 and result["problems"] == []
    assert sorted(e["city"] for e in result["events"]) == ["Hanoï", "La Paz", "Osaka"]
    for event in result["events"]:
        assert not [w for w in CHROME if w in _texts(event)], event["id"]
    osaka = next(e for e in result["events"] if e["city"] == "Osaka")
    [description] = [c["new"] for c in osaka["changes"] if c["field"] == "description"]
    assert description.endswith("sur le site web de l'IETC.")


def test_page_chrome_in_html_never_becomes_content(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><header><a href='/'>Accueil</a><a href='/login'>Connexion</a></header>"
        "<nav><ul><li>Ateliers</li><li>Réunions, 2019</li></ul></nav>"
        "<h2>Taller sobre el comercio de mercurio</h2>"
        "<p>Lima, Perú, del 3 al 7 de noviembre de 2025</p>"
        "<p>El informe del taller está disponible aquí (solo en español).</p>"
        "<form><label>Buscar</label><input name=q><button>Buscar eventos</button></form>"
        "<aside>Compartir en Facebook</aside><p>Volver arriba</p>"
        "<footer>Copyright 2024 | Iniciar sesión</footer></body></html>")
    result, _ = _import(tmp_path / "data", page, "--dry-run")
    [event] = result["events"]
    [description] = [c["new"] for c in event["changes"] if c["field"] == "description"]
    assert description == "El informe del taller está disponible aquí (solo en español)."
    assert not [w for w in ("sesion", "sesión", "buscar", "facebook", "volver", "copyright")
                if w in _texts(event)]


def test_an_entry_cut_after_its_title_is_a_problem_not_part_of_the_previous_one(tmp_path):
    cut = tmp_path / "cut.txt"
    cut.write_text("\n".join(SEED.read_text().splitlines()[:17]) + "\n")   # La Paz's title
    result, code = _import(tmp_path / "data", cut, "--dry-run")
    assert code == 2
    [hanoi] = result["events"]
    assert hanoi["participants"] == ["VN", "CN", "IN", "ID", "MN", "LK", "TH"]
    assert "Bolivie" not in _texts(hanoi) and "bolivie" not in _texts(hanoi)
    [problem] = result["problems"]
    assert problem["line"] == 17 and "place-and-date" in problem["message"]
    # Cut inside a later entry's text the same: that entry alone is left out.
    lines = SEED.read_text().splitlines()
    entries, problems = parse_listing("\n".join(lines[:31]))        # Osaka's title, no place
    assert [e.city for e in entries] == ["Hanoï", "La Paz"]
    assert [p.line for p in problems] == [30]
    assert "synergies" not in entries[1].description and entries[1].participants == [
        "BO", "CO", "EC", "MX", "PA", "PE"]


def _corpus_copy(corpus_dir, tmp_path):
    import shutil
    data = tmp_path / "data"
    shutil.copytree(corpus_dir, data)
    return data


def _events(data):
    return {e["id"]: e for e in json.loads(run_cli("--data", str(data), "events",
                                                   "--json").stdout)}


def test_french_listing_over_the_shipped_corpus_keeps_bodies_once_and_no_chrome(
        corpus_dir, tmp_path):
    data = _corpus_copy(corpus_dir, tmp_path)
    before = _events(data)
    result, code = _import(data, SEED)
    assert code == 0 and [e["action"] for e in result["events"]] == ["update"] * 3
    # Only what the French listing adds is changed: its descriptions and documents.
    assert {e["id"]: sorted({c["field"] for c in e["changes"]})
            for e in result["events"]} == {
        "2019-hanoi-coal": ["description", "documents"],
        "2019-la-paz-trade": ["description", "documents"],
        "2019-osaka-waste": ["description", "documents"]}
    after = _events(data)
    for event_id in ("2019-osaka-waste", "2019-hanoi-coal"):
        assert after[event_id]["organisers"] == before[event_id]["organisers"]
        assert len(after[event_id]["organisers"]) == 3
    assert after["2019-osaka-waste"]["funders"] == ["Ministry of the Environment of Japan"]
    assert "login" not in json.dumps(after, ensure_ascii=False).lower()
    again, _ = _import(data, SEED)
    assert [e["action"] for e in again["events"]] == ["unchanged"] * 3


def test_dry_run_shows_old_and_new_and_only_applies_a_subset(corpus_dir, tmp_path):
    data = _corpus_copy(corpus_dir, tmp_path)
    before = _events(data)
    preview, _ = _import(data, SEED, "--dry-run")
    osaka = next(e for e in preview["events"] if e["id"] == "2019-osaka-waste")
    description = next(c for c in osaka["changes"] if c["field"] == "description")
    assert description["language"] == "fr"
    assert description["old"] == before["2019-osaka-waste"]["descriptions"]["fr"]
    assert description["new"].startswith("Un atelier sur les synergies")
    assert description["new"] != description["old"]
    assert _events(data) == before                                  # a dry run writes nothing
    done, _ = _import(data, SEED, "--only", "2019-osaka-waste:documents")
    assert {e["id"]: e["action"] for e in done["events"]} == {
        "2019-hanoi-coal": "skipped", "2019-la-paz-trade": "skipped",
        "2019-osaka-waste": "update"}
    after = _events(data)
    assert after["2019-hanoi-coal"] == before["2019-hanoi-coal"]
    assert after["2019-osaka-waste"]["descriptions"] == before["2019-osaka-waste"]["descriptions"]
    assert after["2019-osaka-waste"]["expected"] == [
        {"type": "chair_summary", "languages": ["en"], "note": "document en anglais"}]
    bad = run_cli("--data", str(data), "import-events", str(SEED), "--only",
                  "2019-osaka-waste:colour", check=False)
    assert bad.returncode == 1 and "colour" in bad.stderr


def test_the_same_body_in_two_languages_is_one_body():
    from repo.listing.bodies import body_name, merge_bodies, same_body
    assert same_body("le ministère de l'Environnement du Japon",
                     "Ministry of the Environment of Japan")
    assert same_body("l'Université des ressources naturelles et de l'environnement de Hanoï",
                     "Hanoi University of Natural Resources and Environment")
    assert same_body("Centre for Mercury Studies (CMS)", "le Centre d'études (CMS)")
    assert not same_body("Ministry of the Environment of Japan", "Ministry of the Environment "
                         "of Mongolia")
    assert not same_body("Secretariat of the Minamata Convention on Mercury",
                         "Secretariat of the Basel Convention")
    assert merge_bodies(["Ministry of the Environment of Japan"],
                        ["le ministère de l'Environnement du Japon", "Ville d'Osaka"]) == [
        "Ministry of the Environment of Japan", "Ville d'Osaka"]
    assert body_name("Ministry of the Environment of Japan", "fr") == \
        "Ministère de l'Environnement du Japon"
    assert body_name("Ville d'Osaka", "en") == "Ville d'Osaka"


def _staff_preview(client, text):
    import re
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/staff/import").get_data(as_text=True)).group(1)
    page = client.post("/staff/import", data={"csrf_token": token, "language": "auto",
                                              "text": text})
    return page, token


def _confirmation(page):
    """The confirmation form's fields as the browser would send them (ticked boxes)."""
    import html
    import re
    body = page.get_data(as_text=True)
    form = {name: html.unescape(value) for name, value in re.findall(
        r'<input type="hidden" name="(\w+)" value="([^"]*)"', body)}
    form["text"] = html.unescape(re.search(r'<textarea name="text" hidden>(.*?)</textarea>',
                                           body, re.S).group(1))
    boxes = re.findall(r'<input type="checkbox" name="(event|field)" value="([^"]+)" checked>',
                       body)
    return form, [(name, html.unescape(value)) for name, value in boxes]


def test_staff_preview_shows_the_diff_and_applies_only_the_ticked_changes(staff_site):
    from tests.conftest import signed_in
    app, ix = staff_site
    before = {e.id: e for e in ix.repo.events()}
    client = signed_in(app)
    page, _ = _staff_preview(client, SEED.read_text())
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and body.count("<td>update</td>") == 3
    assert "| Login" not in body and "<del>" in body and "→" in body
    form, boxes = _confirmation(page)
    assert ("field", "2019-osaka-waste:description") in boxes
    assert ("event", "2019-hanoi-coal") in boxes
    # Untick the Hanoi event, and Osaka's description.
    kept = [b for b in boxes if b not in (("event", "2019-hanoi-coal"),
                                          ("field", "2019-osaka-waste:description"))]
    data = dict(form)
    for name in ("event", "field"):
        data[name] = [value for n, value in kept if n == name]
    done = client.post("/staff/import", data=data)
    assert done.status_code == 200 and "Imported." in done.get_data(as_text=True)
    after = {e.id: e for e in ix.repo.events()}
    assert after["2019-hanoi-coal"] == before["2019-hanoi-coal"]
    osaka, la_paz = after["2019-osaka-waste"], after["2019-la-paz-trade"]
    assert osaka.descriptions == before["2019-osaka-waste"].descriptions
    assert osaka.expected != before["2019-osaka-waste"].expected
    assert la_paz.descriptions["fr"] != before["2019-la-paz-trade"].descriptions["fr"]
    assert len(osaka.organisers) == 3
    assert sorted(e.target for e in ix.repo.audit.entries(action="import")) == [
        "2019-la-paz-trade", "2019-osaka-waste"]


def test_staff_confirmation_refuses_a_stale_preview(staff_site):
    from tests.conftest import signed_in
    app, ix = staff_site
    before = {e.id: e for e in ix.repo.events()}
    client = signed_in(app)
    page, _ = _staff_preview(client, SEED.read_text())
    form, boxes = _confirmation(page)
    data = {**form, "digest": "0" * 32, "event": [v for n, v in boxes if n == "event"],
            "field": [v for n, v in boxes if n == "field"]}
    stale = client.post("/staff/import", data=data)
    assert stale.status_code == 409 and "changed since the preview" in stale.get_data(
        as_text=True)
    assert {e.id: e for e in ix.repo.events()} == before


def test_event_page_names_known_bodies_in_the_interface_language(staff_site):
    import html
    app, _ = staff_site
    page = html.unescape(app.test_client().get("/events/2019-osaka-waste?lang=fr")
                         .get_data(as_text=True))
    assert "Ministère de l'Environnement du Japon" in page
    assert "Ministry of the Environment of Japan" not in page
