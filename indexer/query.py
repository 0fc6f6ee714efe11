"""Safe parsing of the public query language.

Words (all must match), "phrases", AND / OR / NOT, parentheses, field filters such as
`type:report` or `title:coal`, and `prefix*` with at least 3 letters. Leading and inner
wildcards are refused: Whoosh expands them over the whole vocabulary (a DoS risk).
"""
import re

from whoosh import qparser, query as wq

from indexer.analysis import STEMMED_LANGUAGES
from indexer.errors import QueryError
from indexer.schema import FACETS, TEXT_FIELDS

MAX_QUERY_BYTES = 1024
MIN_PREFIX = 3
# The words typed are looked up in every language's field, each with its own stemmer;
# the neutral field (no stemming) scores a little higher, so exact forms come first.
FIELD_BOOSTS = {"title": 2.0, "text_any": 1.2, **{f"text_{l}": 1.0 for l in STEMMED_LANGUAGES}}
USER_FIELDS = ("title",) + FACETS


def parse_query(text, schema, limit=MAX_QUERY_BYTES, text_fields=False):
    """A Whoosh query for the user's text, or QueryError with a message fit to show.
    `text_fields` also admits `text_fr:` and the like (for the thesaurus's expansion)."""
    text = (text or "").strip()
    if len(text.encode("utf-8")) > limit:
        raise QueryError(f"the query is too long ({len(text)} characters); "
                         f"the limit is {MAX_QUERY_BYTES} bytes", "too_long", limit=MAX_QUERY_BYTES)
    if not text:
        return wq.Every()
    _refuse_inner_wildcards(text)
    parser = _parser(schema, text_fields)
    try:
        q = parser.parse(text)
    except Exception as e:  # the parser's own errors have no common base class
        raise QueryError(f"the query could not be understood ({e})", "unparseable") from e
    _refuse_expensive(q)
    return _phrases_where_positions(q, schema).normalize()


def _parser(schema, text_fields=False):
    parser = qparser.MultifieldParser(list(FIELD_BOOSTS), schema, fieldboosts=FIELD_BOOSTS,
                                      group=qparser.AndGroup)
    parser.remove_plugin_class(qparser.WildcardPlugin)
    parser.add_plugin(qparser.PrefixPlugin())
    parser.remove_plugin_class(qparser.EveryPlugin)
    parser.remove_plugin_class(qparser.FieldsPlugin)
    # Field filters only for the fields we document; `body:` and the like stay words.
    fields = USER_FIELDS + (TEXT_FIELDS if text_fields else ())
    parser.add_plugin(qparser.FieldsPlugin(expr=r"(?P<text>(%s)):" % "|".join(fields)))
    return parser


_OUTSIDE_QUOTES = re.compile(r'"[^"]*"')
_BAD_WILDCARD = re.compile(r"(?:^|[\s(:])\*|\w\*\w")


def _refuse_inner_wildcards(text):
    # Whoosh would quietly drop a leading `*` and search for the rest; say no instead.
    if _BAD_WILDCARD.search(_OUTSIDE_QUOTES.sub(" ", text)):
        raise QueryError("wildcards are only allowed at the end of a word, after at least "
                         f"{MIN_PREFIX} letters (e.g. emiss*)", "wildcard", n=MIN_PREFIX)


def _refuse_expensive(q):
    for leaf in _leaves(q):
        if isinstance(leaf, wq.Prefix) and len(leaf.text) < MIN_PREFIX:
            raise QueryError(f"'{leaf.text}*': a prefix search needs at least "
                             f"{MIN_PREFIX} letters before the *", "short_prefix",
                             prefix=leaf.text, n=MIN_PREFIX)
        if isinstance(leaf, (wq.Wildcard, wq.Regex, wq.FuzzyTerm)) and \
                not isinstance(leaf, wq.Prefix):
            raise QueryError("wildcards are only allowed at the end of a word (prefix*)",
                             "wildcard", n=MIN_PREFIX)


def _phrases_where_positions(q, schema):
    """Drop the copies of a phrase aimed at fields that keep no word positions."""
    if isinstance(q, wq.Phrase):
        field = schema[q.fieldname] if q.fieldname in schema else None
        if field is None or not field.format.supports("positions"):
            return wq.NullQuery
        return q
    if q.is_leaf():
        return q
    return q.apply(lambda child: _phrases_where_positions(child, schema))


def _leaves(q):
    if q.is_leaf():
        yield q
    else:
        for child in q.children():
            yield from _leaves(child)


def query_words(q):
    """The (field, text) terms and (field, prefix) prefixes a query looks for."""
    terms, prefixes = set(), set()
    for leaf in _leaves(q):
        if isinstance(leaf, wq.Prefix):
            prefixes.add((leaf.fieldname, leaf.text))
        elif isinstance(leaf, wq.Phrase):
            terms.update((leaf.fieldname, w) for w in leaf.words)
        elif isinstance(leaf, wq.Term) and isinstance(leaf.text, str):
            terms.add((leaf.fieldname, leaf.text))
    return terms, prefixes
