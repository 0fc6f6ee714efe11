"""The query language: best-match rules, explicit syntax, symbols, what is refused.

Behaviour is checked by searching a small in-memory index made with the real schema and
weighting, not by reading the parsed query's structure."""
import pytest
from whoosh import query as wq
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from whoosh.filedb.filestore import RamStorage

from indexer.errors import QueryError
from indexer.query import MAX_QUERY_CHARS, BestMatch, parse_query, query_words, required_words
from indexer.schema import build_schema
from indexer.scoring import weighting

SCHEMA = build_schema()

DOCS = {
    "coal-lignite": ("Coal and lignite power", "coal lignite power plants burn fuel"),
    "coal": ("Coal", "coal is burned in boilers"),
    "lignite": ("Lignite", "lignite is a soft brown fuel"),
    "mercury": ("Mercury in fish", "mercury emissions accumulate in fish and people"),
    "all-four": ("Coal power", "coal lignite power mercury emissions controls"),
    "han-1": ("Hanoi report", "Document UNEP/MC/WS.2019/HAN/1 of the workshop"),
    "han-2": ("Hanoi list", "Document UNEP/MC/WS.2019/HAN/2 and 1 other"),
    "years": ("Work plan", "the work plan for 2019-2020 was adopted"),
    "apart": ("Calendar", "in 2019 and again in 2020 the group met"),
    "dont": ("Advice", "don't heat mercury at home"),
    "french": ("Centrales", "les centrales thermiques au charbon émettent du mercure"),
}


@pytest.fixture(scope="module")
def searcher():
    ix = RamStorage().create_index(SCHEMA)
    names = list(DOCS)
    # Two segments: BestMatch counts words per segment, so test across both.
    for part in (names[:5], names[5:]):
        w = ix.writer()
        for doc_id in part:
            title, text = DOCS[doc_id]
            lang = "fr" if doc_id == "french" else "en"
            w.add_document(kind="doc", doc_id=doc_id, title=title, text_any=text,
                           **{f"text_{lang}": text}, status="published",
                           symbol="unep/mc/ws.2019/han/1" if doc_id == "han-1" else "")
        w.commit(merge=False)
    s = ix.searcher(weighting=weighting())
    yield s
    s.close()


def found(searcher, text):
    q = parse_query(text)
    return [hit["doc_id"] for hit in searcher.search(q, limit=None)]


def test_required_words_rule():
    assert [required_words(n) for n in range(1, 11)] == [1, 2, 2, 2, 2, 2, 2, 2, 2, 2]


def test_two_words_are_both_required(searcher):
    assert set(found(searcher, "coal lignite")) == {"coal-lignite", "all-four"}


def test_most_of_the_words_is_enough_and_all_rank_first(searcher):
    # Four words: two are required; the document with all four ranks first.
    hits = found(searcher, "coal lignite power mercury")
    assert hits[0] == "all-four" and set(hits) == {"all-four", "coal-lignite"}


def test_lower_case_or_and_not_are_words(searcher):
    assert set(found(searcher, "coal or lignite")) == {"coal-lignite", "all-four"}
    assert found(searcher, "coal not lignite") == found(searcher, "coal lignite")


def test_boolean_operators(searcher):
    assert set(found(searcher, "coal OR lignite")) == {"coal-lignite", "coal", "lignite",
                                                       "all-four"}
    assert set(found(searcher, "coal NOT lignite")) == {"coal"}
    assert set(found(searcher, "coal -lignite")) == {"coal"}
    assert set(found(searcher, "coal AND fuel")) == {"coal-lignite"}
    assert set(found(searcher, "+mercury fish")) == {"mercury"}
    assert set(found(searcher, "(coal OR lignite) fuel")) == {"coal-lignite", "lignite"}


def test_stop_words_of_any_language_are_not_required(searcher):
    assert set(found(searcher, "the coal")) == set(found(searcher, "coal"))
    assert set(found(searcher, "de la coal")) == set(found(searcher, "coal"))
    # A query of stop words only still searches them.
    assert set(found(searcher, "the")) == {"years", "apart", "han-1"}


def test_phrase_is_exact_and_required(searcher):
    assert found(searcher, '"power plants"') == ["coal-lignite"]
    assert set(found(searcher, '"coal lignite" power')) == {"coal-lignite", "all-four"}
    assert found(searcher, '"plants power"') == []


def test_document_symbol_found_exactly_with_or_without_quotes(searcher):
    assert found(searcher, "UNEP/MC/WS.2019/HAN/1") == ["han-1"]
    assert found(searcher, '"UNEP/MC/WS.2019/HAN/1"') == ["han-1"]
    assert found(searcher, "symbol:UNEP/MC/WS.2019/HAN/1") == ["han-1"]
    assert found(searcher, "UNEP/MC/WS.2019/HAN/1 workshop")[0] == "han-1"


def test_numbers_with_punctuation_are_exact(searcher):
    assert found(searcher, "2019-2020") == ["years"]
    assert set(found(searcher, "2019 2020")) == {"years", "apart"}


def test_inner_punctuation_in_words(searcher):
    assert found(searcher, "don't") == ["dont"]
    assert "french" in found(searcher, "centrales thermiques au charbon")


def test_stemmed_in_the_documents_language(searcher):
    assert "coal" in found(searcher, "burning")           # burn(ed) ~ burning
    assert "french" in found(searcher, "centrale thermique")


def test_fielded_values_are_required(searcher):
    assert found(searcher, "title:calendar 2019") == ["apart"]


@pytest.mark.parametrize("text", ["*ury", "me*ury", "(*coal)", "title:*x", "me*", "ab*",
                                  "em*ss*"])
def test_expensive_wildcards_refused_with_what_to_type(text):
    with pytest.raises(QueryError, match="wildcard|prefix") as e:
        parse_query(text)
    assert "emiss*" in str(e.value) or "letters" in str(e.value)


def test_one_length_limit_one_message():
    parse_query("m" * MAX_QUERY_CHARS)
    with pytest.raises(QueryError) as e:
        parse_query("m" * (MAX_QUERY_CHARS + 1))
    assert e.value.code == "too_long" and f"{MAX_QUERY_CHARS:,} characters" in str(e.value)


ODD = ['"coal combustion"', "coal AND NOT china", "emiss*", "type:report mercury",
       '"unclosed', ")))(", "what?", "a:b:c", "body:secret", "NOT", "é", "don't", "EL/1",
       "629-630", "C++", "50%", "[brackets]", "{x}", "~2", "^", "!", "\\", "AND", "OR OR",
       "-", "+", "title:", "type:", ":", "mercury^", "coal^2 lignite", "(", "()", '""',
       "« citation »", "¿qué?", "l'article 8", "汞排放", "ртуть", "#&;<>|$`"]


@pytest.mark.parametrize("text", ODD)
def test_punctuation_never_refuses_a_query(searcher, text):
    found(searcher, text)


def test_words_are_looked_up_in_every_language_field():
    terms, prefixes = query_words(parse_query("running emiss*"))
    assert ("text_en", "run") in terms and ("text_any", "running") in terms
    assert ("text_any", "emiss") in prefixes


def test_unknown_field_names_are_words():
    terms, _ = query_words(parse_query("body:secret"))
    assert all(field != "body" for field, _ in terms)
    assert ("text_any", "secret") in terms


def test_best_match_is_one_query_object():
    q = parse_query("coal lignite power mercury")
    assert isinstance(q, BestMatch) and q.minimum == 2 and len(q.subqueries) == 4


SYNTAX = st.sampled_from(['"', "(", ")", "*", "+", "-", ":", "^", "/", ".", "'", " AND ",
                          " OR ", " NOT ", "title:", "type:", "symbol:", "text_fr:", " ",
                          "coal", "the", "D", "2019", "é", "汞", "\\", "?", "~", "^2"])


@hsettings(max_examples=300, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(SYNTAX, st.text(max_size=6)), max_size=12).map("".join))
def test_any_text_is_searched_or_refused_with_a_reason(searcher, text):
    try:
        found(searcher, text)
    except QueryError as e:
        assert e.code in ("too_long", "wildcard", "short_prefix", "prefix_one_word"), (text, e)


def test_a_prefix_stands_for_its_commonest_words_only():
    from indexer.query import NarrowedPrefix, bound_prefixes
    ix = RamStorage().create_index(SCHEMA)
    w = ix.writer()
    # Word k of 100 (conk000 ... conk099) is in k + 1 documents.
    for d in range(100):
        words = " ".join(f"conk{k:03d}" for k in range(d, 100))
        w.add_document(kind="doc", doc_id=f"d{d}", text_any=words, status="published")
    w.commit()
    with ix.searcher() as s:
        q, narrowed = bound_prefixes(parse_query("conk*"), s.reader(), limit=50)
        terms, prefixes = query_words(q)
        assert not prefixes
        assert {t for f, t in terms if f == "text_any"} == {f"conk{k:03d}" for k in range(50, 100)}
        assert narrowed == [NarrowedPrefix("conk", 50, 100, False)]
        q, narrowed = bound_prefixes(parse_query("conk09*"), s.reader(), limit=50)
        assert narrowed == [] and len(s.search(q, limit=None)) == 100


def test_the_time_limit_stops_a_best_match_while_it_counts(searcher):
    from whoosh.searching import TimeLimit
    from indexer.query import deadline
    q = parse_query("coal lignite power mercury emissions")
    with deadline(-1):
        with pytest.raises(TimeLimit):
            # Enough postings to reach a check: the same words many times over.
            searcher.search(BestMatch(q.subqueries * 600, 2), limit=None)


def test_exclusion_holds_for_the_first_document_of_a_segment():
    # Whoosh's AndNot let the first match through when both sides start on it.
    ix = RamStorage().create_index(SCHEMA)
    w = ix.writer()
    for doc_id, text in (("d0", "china coal plants"), ("d1", "mercury trade in china"),
                         ("d2", "mercury in fish")):
        w.add_document(kind="doc", doc_id=doc_id, text_any=text, text_en=text,
                       status="published")
    w.commit()
    with ix.searcher(weighting=weighting()) as s:
        for text in ("mercury -china", "mercury NOT china"):
            q = parse_query(text)
            hits = s.search(wq.And([q, wq.Term("status", "published")]), limit=None)
            assert [h["doc_id"] for h in hits] == ["d2"], text
        terms, _ = query_words(parse_query("mercury -china"))
        assert not any(t == "china" for _, t in terms)       # not marked in snippets


def test_deep_or_unbalanced_parentheses_are_punctuation_past_a_depth(searcher):
    assert found(searcher, "(" * 990 + "coal") == found(searcher, "coal")
    assert set(found(searcher, "(coal " * 160 + "lignite")) == {"coal-lignite", "all-four"}


def test_unclosed_quote_searches_the_words(searcher):
    assert set(found(searcher, '"coal lignite')) == set(found(searcher, "coal lignite"))


def test_boosts_never_zero_and_decimal(searcher):
    assert set(found(searcher, "coal^0")) == set(found(searcher, "coal"))
    assert set(found(searcher, "coal^.5 lignite")) == set(found(searcher, "coal lignite"))


def test_a_word_typed_twice_counts_once(searcher):
    # "mercury" twice is not two of the words a document must have.
    assert "dont" not in found(searcher, "mercury emissions and mercury trade")
    assert "dont" in found(searcher, "mercury heat")


def test_a_required_word_counts_among_the_words(searcher):
    # `+mercury coal china`: mercury, and one more of the three words.
    assert "all-four" in found(searcher, "mercury coal china")
    assert "all-four" in found(searcher, "+mercury coal china")
    assert "mercury" not in found(searcher, "+mercury coal china")
    assert set(found(searcher, "+mercury fish")) == {"mercury"}
