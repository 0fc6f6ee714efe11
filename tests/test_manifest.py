import json

import pytest

from repo.errors import ManifestError
from repo.manifest import load_manifest
from tests.conftest import MANIFEST


def test_shipped_manifest_has_the_three_events():
    m = load_manifest(MANIFEST)
    assert {e.id: (e.city, e.country, e.start, e.end) for e in m.events} == {
        "2019-hanoi-coal": ("Hanoi", "VN", "2019-10-31", "2019-11-01"),
        "2019-la-paz-trade": ("La Paz", "BO", "2019-10-08", "2019-10-10"),
        "2019-osaka-waste": ("Osaka", "JP", "2019-05-30", "2019-05-31"),
    }
    types = [d.type for d in m.documents]
    assert types.count("presentation") >= 6 and "chair_summary" in types


@pytest.mark.parametrize("change, message", [
    (lambda m: m["events"][0].update(country="Viet Nam"), "ISO 3166"),
    (lambda m: m["events"][0].update(start="31/10/2019"), "ISO date"),
    (lambda m: m["events"][0].update(region="Asia"), "region"),
    (lambda m: m["events"][0].update(colour="red"), "unknown field"),
    (lambda m: m["documents"][0].update(event="nope"), "unknown event"),
    (lambda m: m["documents"][0].update(type="memo"), "unknown type"),
    (lambda m: m["documents"][0].update(file="missing.pdf"), "missing"),
    (lambda m: m["documents"].append(dict(m["documents"][0])), "duplicate document id"),
    (lambda m: m["documents"][0].update(symbol="report one"), "not a document symbol"),
])
def test_broken_entries_are_named(tmp_path, change, message):
    data = json.loads(MANIFEST.read_text())
    for d in data["documents"]:
        d["file"] = str(MANIFEST.parent / d["file"])
    change(data)
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ManifestError, match=message):
        load_manifest(path)
