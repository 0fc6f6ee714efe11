"""What delegates rely on beyond search: date ranges, the way back to their results, event
pages in reading order, and the interface language in topics, notes and descriptions."""
import re
import shutil

import pytest

from repo.settings import Settings
from tests.conftest import run_cli
from webui import create_app
from webui.settings import WebSettings


@pytest.fixture
def client(corpus_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(corpus_dir, data)
    return create_app(WebSettings(store=Settings.from_env(environ={}, data_dir=data),
                                  testing=True)).test_client()


def text(r):
    return re.sub(r"\s+", " ", r.get_data(as_text=True))


def _events(client, query):
    return {h["event"] for h in client.get("/api/search?" + query).get_json()["hits"]}


def test_date_range_filters_events_by_their_dates(client, corpus_dir):
    everything = _events(client, "page_size=50")
    assert everything == {"2019-hanoi-coal", "2019-la-paz-trade", "2019-osaka-waste"}
    # Hanoi 2019-10-31..11-01, La Paz 2019-10-08..10, Osaka 2019-05-30..31 (start dates).
    assert _events(client, "page_size=50&from=2019-06") == {"2019-hanoi-coal",
                                                            "2019-la-paz-trade"}
    assert _events(client, "page_size=50&to=2019-05") == {"2019-osaka-waste"}
    assert _events(client, "page_size=50&from=2019-10-09&to=2019-12-31") == {
        "2019-hanoi-coal"}
    assert _events(client, "page_size=50&from=2019&to=2019") == everything
    assert _events(client, "page_size=50&from=2020") == set()
    # Facet counts honour the range; a bad date says how to write one.
    facets = client.get("/api/search?from=2019-06").get_json()["facets"]
    assert {v["value"] for v in facets["event"]} == {"2019-hanoi-coal", "2019-la-paz-trade"}
    bad = client.get("/api/search?from=31/10/2019")
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.get_json()["error"]
    page = text(client.get("/?q=mercury&from=2019-06&lang=fr"))
    assert 'name="from" value="2019-06"' in page and "Du : 2019-06" in page or \
        "2019-06" in page
    assert "YYYY" in text(client.get("/?q=mercury&to=yesterday"))
    out = run_cli("--data", str(corpus_dir), "search", "mercury", "--filter", "to=2019-05",
                  "--json").stdout
    assert '"2019-osaka-waste"' in out and '"2019-hanoi-coal"' not in out


def test_back_to_results_keeps_the_whole_search(client):
    page = text(client.get("/?q=mercury&type=report&country=vn&sort=date"))
    link = re.search(r'<h3><a href="(/documents/hanoi-report\?[^"]+)"', page).group(1)
    doc = text(client.get(link.replace("&amp;", "&")))
    back = re.search(r'› <a href="(/\?[^"]+)">Back to the results', doc).group(1)
    back = back.replace("&amp;", "&")
    assert "q=mercury" in back and "type=report" in back and "country=vn" in back
    assert "sort=date" in back
    # Only a path to our own search page is followed, never another site.
    for hostile in ("//evil.example/", "/\\evil.example", "https://evil.example/?q=x",
                    "/documents/x"):
        body = text(client.get("/documents/hanoi-report", query_string={"back": hostile,
                                                                           "q": "coal"}))
        crumbs = re.search(r'<nav class="crumbs".*?</nav>', body).group(0)
        assert "evil" not in crumbs and "/documents/x" not in crumbs
        assert 'href="/?q=coal"' in crumbs                 # the plain way back


def test_event_pages_list_the_outcome_before_the_talks(client):
    body = text(client.get("/events/2019-hanoi-coal"))
    report = body.index("Report of the Asia-Pacific regional workshop")
    talks = [body.index(t) for t in ("Controlling mercury emissions from coal-fired",
                                     "Mercury emission inventory for coal combustion")]
    assert report < min(talks)
    osaka = text(client.get("/events/2019-osaka-waste"))
    assert osaka.index("summary of the workshop on synergies") < osaka.index(
        "Environmentally sound management of mercury waste in Japan")


def test_topics_notes_and_descriptions_in_the_interface_language(client):
    fr = text(client.get("/events/2019-hanoi-coal?lang=fr"))
    assert "combustion du charbon" in fr and "inventaire des émissions" in fr
    assert "anglais seulement" in fr and "English only" not in fr
    facets = text(client.get("/?q=mercury&lang=es"))
    assert "combustión de carbón" in facets and "desechos de mercurio" in facets
    assert 'value="coal combustion"' in facets          # the filter value stays as indexed
    es = text(client.get("/events/2019-hanoi-coal?lang=es"))
    # No Spanish description: the English one, marked as English, and said so.
    assert re.search(r'<p lang="en">A workshop on reducing mercury emissions', es)
    assert "aún no hay texto en español" in es
    assert 'lang="fr">Un atelier' in text(client.get("/events/2019-osaka-waste?lang=fr"))


def test_phone_filters_fold_behind_one_button(client):
    body = text(client.get("/?q=mercury&type=report&language=en"))
    details = re.search(r'<details class="filters" open> <summary>([^<]+)</summary>', body)
    assert details and details.group(1).strip() == "Filters (2)"
    assert body.index('class="filters"') < body.index('class="hits"')
