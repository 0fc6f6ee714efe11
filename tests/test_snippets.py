"""Snippets: the densest passage of a page, its query words marked, everything escaped."""
import re

from hypothesis import given, settings, strategies as st

from indexer import snippets
from indexer.query import parse_query, query_words
from indexer.schema import build_schema

SCHEMA = build_schema()
VOCABULARY = ["coal", "Coal", "coals", "coalition", "charbon", "mercury", "Mercure",
              "émissions", "emissions", "the", "of", "<b>", "&", "plants", "Plant", "x1",
              "incineración", "İstanbul", "I\u0307stanbul", "straße", "汞排放", "l'émission",
              "3.5", "3.5mg", "5mg", "mg/kg", "mg/Nm3", "U.S.", "states"]


def _matcher(query):
    terms, prefixes = query_words(parse_query(query))
    return snippets.WordMatcher(SCHEMA, terms, prefixes)


def test_matching_words_are_marked_and_the_page_escaped():
    text = ("<script>alert(1)</script> The coalition met. Coal-fired plants burn coal; "
            "emissions of mercury from coal plants")
    html = snippets.make_snippet(text, _matcher("coal emissions"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert re.findall(r"<mark>(.*?)</mark>", html) == ["Coal", "coal", "emissions", "coal"]
    assert "coalition" in html and "<mark>coalition" not in html


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(VOCABULARY), min_size=0, max_size=120),
       st.sampled_from(["coal plants", "emiss*", "mercure", "the", "straße 汞", "x1",
                        "mg/kg", "3.5 5mg", "u.s. states", "İstanbul"]))
def test_spans_and_window_are_those_of_the_word_by_word_definition(words, query):
    # The spans are found for each distinct word once, then by one regular expression,
    # and the densest window by two pointers: both must equal the plain definitions.
    text = " ".join(words)
    matcher = _matcher(query)
    plain = [m.span() for m in snippets._WORD.finditer(text) if matcher.matches(m.group())]
    assert snippets._matching_spans(text, _matcher(query)) == plain
    if plain:
        best, best_count = plain[0][0], 0
        for i, (s, _) in enumerate(plain):
            count = sum(1 for _t, e in plain[i:] if e <= s + snippets.WINDOW)
            if count > best_count:
                best, best_count = s, count
        assert snippets._densest(plain) == best
