"""The command line end to end, in subprocesses, on a private data directory."""
import json
import os
import shutil

import pytest

from tests.conftest import MANIFEST, copy_corpus, make_pdf, run_cli

SHIPPED = len(json.loads(MANIFEST.read_text())["documents"])    # documents in documents/


@pytest.fixture
def data(tmp_path):
    """A data directory with the shipped corpus loaded."""
    d = tmp_path / "data"
    run_cli("--data", str(d), "index", "--manifest", str(MANIFEST))
    return d


def _store_state(data):
    files = sorted(p.name for p in (data / "files").rglob("*") if p.is_file())
    texts = sorted(p.name for p in (data / "text").rglob("*") if p.is_file())
    return files, texts


def test_add_prints_id_pages_languages_and_is_searchable(data, tmp_path):
    pdf = make_pdf(tmp_path / "new.pdf", [
        "Minamata Initial Assessment of Ghana: artisanal gold miners use mercury amalgam.",
        "The assessment recommends formalising the sector and training miners."])
    out = run_cli("--data", str(data), "add", str(pdf), "--event", "2019-osaka-waste",
                  "--type", "presentation").stdout
    doc_id, pages, langs = out.strip().split("\t")
    assert (doc_id, pages, langs) == ("2019-osaka-waste-presentation-1", "2 pages", "en")
    found = json.loads(run_cli("--data", str(data), "search", "amalgam", "--json").stdout)
    assert [h["id"] for h in found["hits"]] == [doc_id] and found["hits"][0]["pages"] == [1]
    assert run_cli("--data", str(data), "check").returncode == 0


def test_add_json_gives_the_whole_record(data, tmp_path):
    pdf = make_pdf(tmp_path / "x.pdf", ["Mercury waste thresholds were agreed by experts."])
    record = json.loads(run_cli("--data", str(data), "add", str(pdf), "--event",
                                "2019-osaka-waste", "--type", "other", "--title", "Notes",
                                "--language", "EN", "--note", "English only", "--json").stdout)
    assert record["title"] == "Notes" and record["declared_language"] == "en"
    assert record["source_note"] == "English only" and record["page_count"] == 1
    assert len(record["sha256"]) == 64 and record["languages"] == ["en"]


@pytest.mark.parametrize("name, args, message", [
    ("not-a-pdf.pdf", [], "not a PDF"),
    ("empty.pdf", [], "empty"),
    ("corrupt.pdf", [], "damaged"),
    ("truncated.pdf", [], "damaged"),
    ("encrypted.pdf", [], "password-protected"),
    ("good.pdf", ["--event", "2099-nowhere"], "unknown event"),
    ("good.pdf", ["--type", "memo"], "unknown document type"),
])
def test_bad_input_refused_with_one_line_and_nothing_left(data, samples, name, args, message):
    before = _store_state(data)
    argv = ["--data", str(data), "add", str(samples / name), "--event", "2019-hanoi-coal",
            "--type", "report"]
    for flag, value in zip(args[::2], args[1::2]):
        argv[argv.index(flag) + 1] = value
    result = run_cli(*argv, check=False)
    assert result.returncode == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert _store_state(data) == before


def test_oversized_file_refused(data, samples):
    env = dict(os.environ, MINAMATA_MAX_FILE_BYTES="100")
    result = run_cli("--data", str(data), "add", str(samples / "good.pdf"), "--event",
                     "2019-hanoi-coal", "--type", "report", env=env, check=False)
    assert result.returncode == 1 and "the limit is 100" in result.stderr


def test_same_file_added_twice_is_stored_once(data, samples):
    argv = ["--data", str(data), "add", str(samples / "good.pdf"), "--event",
            "2019-hanoi-coal", "--type", "report"]
    first = run_cli(*argv).stdout.split("\t")[0]
    again = run_cli(*argv, check=False)
    assert again.returncode == 1 and f"already in the repository as document '{first}'" \
        in again.stderr
    shipped = run_cli("--data", str(data), "add", "documents/2019-osaka-waste/"
                      "chair-summary-en.pdf", "--event", "2019-osaka-waste", "--type",
                      "other", check=False)
    assert "osaka-chair-summary" in shipped.stderr
    assert len(_store_state(data)[0]) == SHIPPED + 1


def test_image_only_pdf_accepted_and_flagged(data, samples):
    out = run_cli("--data", str(data), "add", str(samples / "image-only.pdf"), "--event",
                  "2019-hanoi-coal", "--type", "presentation").stdout
    assert "no text layer" in out
    check = run_cli("--data", str(data), "check").stdout
    assert "no text  2019-hanoi-coal-presentation-1" in check


def test_html_in_pdf_text_and_title_is_escaped_in_snippets(data, samples):
    run_cli("--data", str(data), "add", str(samples / "script.pdf"), "--event",
            "2019-hanoi-coal", "--type", "other")
    hit = json.loads(run_cli("--data", str(data), "search", "hostile", "--json").stdout)["hits"][0]
    assert "<script>" not in hit["snippet"] and "&lt;script&gt;" in hit["snippet"]
    assert hit["title"] == "<script>alert(1)</script> Mercury"    # data, escaped by the UI


def test_events_lists_ids(data):
    text = run_cli("--data", str(data), "events").stdout
    assert text.splitlines()[0].startswith("2019-hanoi-coal\t2019-10-31..2019-11-01\tHanoi, VN")
    events = json.loads(run_cli("--data", str(data), "events", "--json").stdout)
    assert [e["id"] for e in events] == ["2019-hanoi-coal", "2019-la-paz-trade",
                                         "2019-osaka-waste"]


def test_index_is_incremental_and_follows_the_manifest(tmp_path):
    manifest = copy_corpus(tmp_path / "documents")
    data = str(tmp_path / "data")
    first = run_cli("--data", data, "index", "--manifest", str(manifest)).stdout
    assert f"{SHIPPED} added" in first
    again = run_cli("--data", data, "index", "--manifest", str(manifest)).stdout
    assert "0 added, 0 updated, 0 removed" in again
    m = json.loads(manifest.read_text())
    m["documents"][0]["title"] = "A corrected title"
    m["events"][2]["city"] = "Ōsaka"
    removed = m["documents"].pop()
    manifest.write_text(json.dumps(m))
    third = run_cli("--data", data, "index", "--manifest", str(manifest)).stdout
    # One title changed; the Osaka event changed, so its two remaining documents are
    # re-indexed.
    assert "0 added, 3 updated, 1 removed" in third
    hits = json.loads(run_cli("--data", data, "search", "corrected", "--json").stdout)["hits"]
    assert [h["id"] for h in hits] == [m["documents"][0]["id"]]
    gone = json.loads(run_cli("--data", data, "search", "", "--json", "--page-size", "50").stdout)
    assert removed["id"] not in {h["id"] for h in gone["hits"]}
    assert run_cli("--data", data, "check").returncode == 0


def test_rebuild_swaps_in_a_fresh_index(data):
    before = sorted((data / "index").glob("ix-*"))
    out = run_cli("--data", str(data), "index", "--no-manifest", "--rebuild").stdout
    after = sorted((data / "index").glob("ix-*"))
    assert "rebuilt" in out and len(after) == 1 and after != before
    assert json.loads(run_cli("--data", str(data), "search", "mercury", "--json").stdout)["total"] > 5


def test_lost_text_and_index_are_rebuilt_from_the_store(data):
    import shutil
    shutil.rmtree(data / "text")
    shutil.rmtree(data / "index")
    broken = run_cli("--data", str(data), "check", check=False)
    assert broken.returncode == 1 and "extracted text is missing" in broken.stdout
    run_cli("--data", str(data), "index", "--no-manifest")
    assert run_cli("--data", str(data), "check").returncode == 0


def test_check_finds_a_tampered_file(data):
    victim = next((data / "files").rglob("*.pdf"))
    victim.write_bytes(victim.read_bytes() + b"\n%tampered")
    result = run_cli("--data", str(data), "check", "--json", check=False)
    report = json.loads(result.stdout)
    assert result.returncode == 1 and any("checksum" in p for p in report["problems"])


def test_check_finds_a_document_indexed_twice_and_a_rebuild_mends_it(data):
    from indexer.index import IndexStore
    pair = IndexStore(data / "index").open()
    with pair.docs.searcher() as s:
        entry = dict(s.document(doc_id="osaka-chair-summary"))
    with pair.docs.writer() as w:
        w.add_document(**entry)                 # a second live entry, as a bug could leave
    broken = run_cli("--data", str(data), "check", check=False)
    assert broken.returncode == 1 and "osaka-chair-summary: in the search index more " \
        "than once" in broken.stdout
    run_cli("--data", str(data), "index", "--rebuild", "--no-manifest")
    assert run_cli("--data", str(data), "check").returncode == 0


def test_second_writer_is_told_clearly(data, samples):
    import fcntl
    with open(data / "write.lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.write("4242")
        f.flush()
        result = run_cli("--data", str(data), "add", str(samples / "good.pdf"), "--event",
                         "2019-hanoi-coal", "--type", "report", check=False)
    assert result.returncode == 1 and "another process (pid 4242)" in result.stderr
    assert "Traceback" not in result.stderr


def test_another_manifest_leaves_this_ones_documents_alone(data, tmp_path, samples):
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(samples / "good.pdf", other / "good.pdf")
    (other / "manifest.json").write_text(json.dumps({
        "collection": "other",
        "events": [{"id": "2024-other", "titles": {"en": "Other"}, "city": "Nairobi",
                    "country": "KE", "region": "africa", "start": "2024-02-01",
                    "end": "2024-02-02"}],
        "documents": [{"id": "other-1", "event": "2024-other", "type": "report",
                       "title": "Other report", "file": "good.pdf"}]}))
    out = run_cli("--data", str(data), "index", "--manifest", str(other / "manifest.json")).stdout
    assert "1 added" in out and "removed" in out and "0 removed" in out.splitlines()[-1]
    again = run_cli("--data", str(data), "index", "--manifest", str(MANIFEST)).stdout
    assert "0 removed" in again.splitlines()[-1]
    events = json.loads(run_cli("--data", str(data), "events", "--json").stdout)
    assert len(events) == 4


def test_an_index_from_an_older_schema_is_rebuilt(data):
    live = (data / "index" / "CURRENT").read_text().strip()
    (data / "index" / live / "SCHEMA_VERSION").write_text("1")
    out = run_cli("--data", str(data), "index", "--no-manifest").stdout
    assert f"index rebuilt: {SHIPPED} added" in out
    assert run_cli("--data", str(data), "check").returncode == 0


def test_an_older_index_is_rebuilt_even_when_the_manifest_brings_new_documents(tmp_path):
    # An index made by the previous version lacks this version's fields: documents the
    # manifest brings must not be written into it (that failed), but into the rebuild.
    from whoosh import index as whoosh_index
    from whoosh.fields import Schema
    from indexer.schema import build_schema
    data = tmp_path / "data"
    run_cli("--data", str(data), "index", "--no-manifest")           # an empty index
    old = build_schema()
    fields = {name: old[name] for name in old.names() if name != "work"}
    live = data / "index" / (data / "index" / "CURRENT").read_text().strip()
    for name in ("pages", "docs"):
        whoosh_index.create_in(str(live), Schema(**fields), indexname=name)
    (live / "SCHEMA_VERSION").write_text("3")
    out = run_cli("--data", str(data), "index", "--manifest", str(MANIFEST)).stdout
    assert f"index rebuilt: {SHIPPED} added" in out
    assert run_cli("--data", str(data), "check").returncode == 0
