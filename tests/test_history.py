"""What an audit entry changed, field by field (repo/history.py)."""
from repo.history import FieldChange, changes, entry_changes, shorten


def test_only_the_fields_that_changed_old_and_new():
    before = {"title": "Draft report", "type": "report", "status": "draft", "size": 10}
    after = {"title": "Final report", "type": "report", "status": "published", "size": 10}
    assert changes(before, after) == [FieldChange("status", "draft", "published"),
                                      FieldChange("title", "Draft report", "Final report")]


def test_lists_say_which_items_were_added_and_removed():
    [c] = changes({"topics": ["mercury", "ASGM"]}, {"topics": ["ASGM", "EMAPE"]})
    assert c.is_list and c.added == ["EMAPE"] and c.removed == ["mercury"]


def test_nested_dicts_give_one_change_per_key():
    before = {"titles": {"en": "Workshop", "fr": "Atelier"}}
    after = {"titles": {"en": "Workshop", "fr": "Atelier régional", "es": "Taller"}}
    assert changes(before, after) == [FieldChange("titles.es", None, "Taller"),
                                      FieldChange("titles.fr", "Atelier", "Atelier régional")]


def test_empty_and_absent_are_no_change_and_equal_records_none():
    assert changes({"note": "", "symbol": None}, {"symbol": ""}) == []
    assert changes({"a": 1}, {"a": 1}) == []
    assert changes(None, None) == []


def test_an_added_record_shows_what_identifies_it_not_every_field():
    after = {"title": "Report", "type": "report", "sha256": "ab" * 32, "size": 99,
             "event_id": "2019-osaka-waste", "status": "published"}
    fields = [c.field for c in entry_changes(None, after)]
    assert fields == ["event_id", "status", "title", "type"]
    [c] = entry_changes({"title": "Old"}, {"title": "New", "size": None})
    assert (c.old, c.new) == ("Old", "New")


def test_a_record_that_is_not_a_dict_is_one_change():
    assert changes("a", "b") == [FieldChange("", "a", "b")]
    [c] = changes(["x"], ["x", "y"])
    assert (c.field, c.added, c.removed) == ("", ["y"], [])


def test_shorten_cuts_long_text_at_a_word():
    assert shorten("short") == "short"
    long = "word " * 60
    cut = shorten(long, 20)
    assert cut.endswith("…") and len(cut) <= 21 and " wor…" not in cut
