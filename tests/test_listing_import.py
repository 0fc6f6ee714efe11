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
    raw = re.search(r'<textarea name="text" hidden>(.*?)</textarea>', body, re.S).group(1)
    import html
    done = client.post("/staff/import", data={"csrf_token": token("/staff/import"),
                                              "language": "fr", "confirm": "yes",
                                              "text": html.unescape(raw)})
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
