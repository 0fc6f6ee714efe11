import pytest

from indexer.errors import QueryError
from indexer.query import parse_query, query_words
from indexer.schema import build_schema

SCHEMA = build_schema()


@pytest.mark.parametrize("text", ["*ury", "me*ury", "(*coal)", "title:*x", "me*", "ab*"])
def test_expensive_wildcards_refused(text):
    with pytest.raises(QueryError, match="wildcard|prefix"):
        parse_query(text, SCHEMA)


def test_query_over_one_kilobyte_refused():
    with pytest.raises(QueryError, match="too long"):
        parse_query("mercury " * 200, SCHEMA)


@pytest.mark.parametrize("text", ['"coal combustion"', "coal AND NOT china", "emiss*",
                                  "type:report mercury", '"unclosed', ")))(", "what?",
                                  "a:b:c", "body:secret", "NOT", "é"])
def test_odd_but_harmless_queries_parse(text):
    parse_query(text, SCHEMA)


def test_words_are_looked_up_in_every_language_field():
    terms, prefixes = query_words(parse_query("running emiss*", SCHEMA))
    assert ("text_en", "run") in terms and ("text_any", "running") in terms
    assert ("text_any", "emiss") in prefixes


def test_unknown_field_names_are_words():
    terms, _ = query_words(parse_query("body:secret", SCHEMA))
    assert all(field != "body" for field, _ in terms)
