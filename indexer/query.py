"""The public query language, parsed by hand into Whoosh queries with best-match rules.

Delegates type questions, not Boolean expressions, so a plain query is a best match:

- every word is looked up as written (title and the neutral field) and, stemmed, in each
  language's field (weights in `Ranking`, BM25 in indexer.scoring);
- stop words of every indexed language are left out (kept inside "phrases", when typed
  `+the`, or when a query has nothing else);
- the documents having all the words rank first, yet documents with some of them are
  found: of n words, `required_words(n)` must match (all of them up to 2, then 2), and
  the score is scaled by the share of the words matched (coordination); a prefix or an
  OR-alternative counts as one word, a thesaurus concept as the words it stands for;
- a word with inner punctuation (`UNEP/MC/WS.2019/HAN/1`, `MC-4/3`, `2019-2020`,
  `BAT/BEP`, `coal-fired`, `l'article`) is matched as its parts in sequence; one with a
  digit or a slash is a document symbol or number and matched only so (or in `symbol`).

Explicit syntax keeps its meaning: `"phrase"` (exact words, in order, required),
`+word` (required), `-word` / `NOT word` (excluded), `a AND b` (both required),
`a OR b` (either; counts as one word), `(a b)` (all required together), `field:value`
for the documented fields (required), `prefix*` (at least 3 letters), `word^2` (weight).
Lower-case and/or/not are words. Punctuation is never a reason to refuse a query; only a
query over the length limit and wildcards that would scan the whole vocabulary are.
"""
import contextvars
import copy
import heapq
import re
import time
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.matching import FilterMatcher, ListMatcher, NullMatcher, WrappingMatcher
from whoosh.searching import TimeLimit

from indexer.analysis import STEMMED_LANGUAGES, fold, language_analyzer, neutral_analyzer
from indexer.errors import QueryError
from indexer.schema import FACETS, TEXT_FIELDS
from indexer.thesaurus import expand as expand_query

MAX_QUERY_CHARS = 1000
MIN_PREFIX = 3
PREFIX_WORDS = 50            # a prefix stands for at most this many words: the commonest
PREFIX_SCAN = 20_000         # words of a prefix looked at to find them
USER_FIELDS = ("title", "symbol") + FACETS
OPERATORS = {"AND", "OR", "NOT"}


@dataclass(frozen=True)
class Ranking:
    """The weights of best-match scoring, tuned on bench/relevance.py (Cranfield, beside
    bm25s and SQLite FTS5 in the same run, and the judged Minamata questions)."""

    title: float = 1.5           # the title, words as written
    exact: float = 0.3           # the neutral field: words as written, any language
    stemmed: float = 1.0         # a language's field: words stemmed in that language
    coordination: float = 0.75   # score x (share of the query's words matched) ** this


RANKING = Ranking()


def required_words(n):
    """How many of a plain query's `n` words a document must have: all of them up to 2,
    then 2. Requiring more lost relevant documents: on Cranfield's natural questions MAP
    fell from 0.290 to 0.287 (a fifth of the words), 0.284 (a quarter) and 0.272 (all but
    one up to 4, then a quarter); documents with more of the words rank first anyway."""
    return min(n, 2)


def parse_query(text, limit=MAX_QUERY_CHARS, text_fields=False, ranking=RANKING):
    """A Whoosh query (for indexer.schema's fields) for the user's text, or QueryError
    with a message fit to show. `text_fields` also admits `text_fr:` and the like (for
    the thesaurus's expansion)."""
    text = unicodedata.normalize("NFC", (text or "")).strip()
    check_length(text, limit)
    if not text:
        return wq.Every()
    fields = USER_FIELDS + (TEXT_FIELDS if text_fields else ())
    return _Builder(ranking).top(_Parser(_tokenize(text, fields)).clauses())


def check_length(text, limit=MAX_QUERY_CHARS):
    """QueryError when a query is longer than `limit` characters (one rule, one message,
    for the search box, the URL, the API and the command line)."""
    if len(text) > limit:
        raise QueryError(f"the query is too long ({len(text):,} characters); the limit is "
                         f"{MAX_QUERY_CHARS:,} characters", "too_long",
                         length=len(text), limit=MAX_QUERY_CHARS)


# -- tokens -----------------------------------------------------------------------------
@dataclass
class _Token:
    kind: str                    # word, phrase, open, close, op
    text: str = ""
    field: str = None
    sign: str = ""               # "+", "-" or ""
    boost: float = 1.0


BOOST = r"\^(?:\d+(?:\.\d*)?|\.\d+)"
MAX_DEPTH = 16               # parentheses deeper than this are punctuation
_SCAN = re.compile(rf"""
    (?P<space>\s+)
  | (?P<phrase>(?P<psign>[+-]?)(?:(?P<pfield>[\w.-]+):)?"(?P<ptext>[^"]*)"(?P<pboost>{BOOST})?)
  | (?P<quote>")
  | (?P<symbol>[+-]?(?:symbol:)?[A-Z][A-Za-z0-9]*\([A-Za-z0-9]+\)[/.-][^\s()"]*)
  | (?P<open>(?P<gsign>[+-]?)(?:(?P<gfield>[\w.-]+):)?\()
  | (?P<close>\)(?P<cboost>{BOOST})?)
  | (?P<word>[^\s()"]+)
""", re.VERBOSE)


def _boost(raw):
    try:
        value = float(raw[1:]) if raw else 1.0
    except ValueError:
        return 1.0
    # Not 0: Whoosh drops documents scored 0, so `coal^0` would find fewer than `coal`.
    return min(max(value, 0.01), 100.0)


def _tokenize(text, fields):
    out = []
    for m in _SCAN.finditer(text):
        if m.group("phrase"):
            field = m.group("pfield")
            if field and field not in fields:
                out.append(_Token("word", field))      # an unknown field name is a word
                field = None
            out.append(_Token("phrase", m.group("ptext"), field, m.group("psign"),
                              _boost(m.group("pboost"))))
        elif m.group("quote"):
            continue                 # an unclosed quote: its words are searched as words
        elif m.group("symbol"):
            # `UNEP(DTIE)/Hg/INC.5/7`: a symbol with a part in parentheses, not a group.
            out.append(_word_token(m.group("symbol"), fields))
        elif m.group("open"):
            field = m.group("gfield")
            if field and field not in fields:
                out.append(_Token("word", field))
                field = None
            out.append(_Token("open", field=field, sign=m.group("gsign")))
        elif m.group("close"):
            out.append(_Token("close", boost=_boost(m.group("cboost"))))
        elif m.group("word"):
            out.append(_word_token(m.group("word"), fields))
    return out


_BOOSTED = re.compile(rf"^(.*\w\*?)({BOOST})$")


def _word_token(raw, fields):
    if raw in OPERATORS:
        return _Token("op", raw)
    sign = ""
    if raw[0] in "+-" and len(raw) > 1:
        sign, raw = raw[0], raw[1:]
    boost = 1.0
    m = _BOOSTED.match(raw)
    if m:
        raw, boost = m.group(1), _boost(m.group(2))
    field = None
    name, colon, value = raw.partition(":")
    if colon and name in fields and value:
        field, raw = name, value
    return _Token("word", raw, field, sign, boost)


# -- clauses ----------------------------------------------------------------------------
@dataclass
class _Clause:
    occur: str                   # "should", "must" or "not"
    node: object                 # _Token, or ("group", [clauses], token), or ("or", [nodes])


class _Parser:
    """Tokens to clauses: operators and signs decide each clause's occurrence."""

    def __init__(self, tokens):
        self.tokens = tokens
        self.i = 0
        self.closing = None          # the close token that ended the innermost group
        self.flat = 0                # open groups past MAX_DEPTH, read as punctuation

    def clauses(self, depth=0):
        """The clauses up to the matching close (or the end)."""
        out, pending, negate = [], None, False
        while self.i < len(self.tokens):
            tok = self.tokens[self.i]
            self.i += 1
            if tok.kind == "close":
                if depth and not self.flat:
                    self.closing = tok
                    return out
                if self.flat > 0:
                    self.flat -= 1                   # closes a group read as punctuation
                continue                             # an unmatched ) is punctuation
            if tok.kind == "op":
                if tok.text == "NOT":
                    negate = True
                elif out:
                    pending = tok.text
                continue
            if tok.kind == "open" and (depth >= MAX_DEPTH or self.flat):
                self.flat += 1          # too deep to be meant: its words join this group
                continue
            if tok.kind == "open":
                inner = self.clauses(depth + 1)
                closing, self.closing = self.closing, None
                node = ("group", inner, tok, closing.boost if closing else 1.0)
            else:
                node = tok
            # Typed phrases and field filters are required, as in the engines delegates
            # know; `+` makes anything required.
            occur = "not" if negate or tok.sign == "-" else \
                "must" if tok.sign == "+" or tok.field or tok.kind == "phrase" else "should"
            if pending == "OR" and out and out[-1].occur != "not" and occur != "not":
                last = out[-1]
                alternatives = last.node[1] if isinstance(last.node, tuple) and \
                    last.node[0] == "or" else [last.node]
                last.node = ("or", alternatives + [node])
                if occur == "must":
                    last.occur = "must"
            else:
                if pending == "AND" and occur != "not":
                    occur = "must"
                    if out[-1].occur == "should":
                        out[-1].occur = "must"
                out.append(_Clause(occur, node))
            pending, negate = None, False
        return out


# -- building ---------------------------------------------------------------------------
_NEUTRAL = neutral_analyzer()
_ANALYZERS = {lang: language_analyzer(lang) for lang in STEMMED_LANGUAGES}
# Words with a content meaning in one language that another's stop list holds.
_NOT_STOP = {"war", "man", "will", "hat", "bin", "weg", "era", "estado", "estados",
             "sentido", "sentidos", "nada", "us"}


def _stop_words():
    from whoosh.lang import stopwords_for_language
    words = set()
    for lang in STEMMED_LANGUAGES:
        words |= {fold(w) for w in stopwords_for_language(lang)}
    return frozenset(words - _NOT_STOP)


STOP_WORDS = _stop_words()


def is_stop_word(word):
    """Whether a (folded) word is a stop word of one of the indexed languages."""
    return word in STOP_WORDS


def _parts(text):
    return [t.text for t in _NEUTRAL(text)]


def _is_symbol(raw, parts):
    # A document symbol or a number: exact match only, never stemmed or split.
    return len(parts) > 1 and (any(c.isdigit() for c in raw) or "/" in raw)


class _Builder:
    """Clauses to a Whoosh query."""

    def __init__(self, ranking):
        self.r = ranking

    def top(self, clauses):
        """The whole query: musts, a best match of the shoulds, minus the excluded."""
        must, should, excluded, weights = [], [], [], []
        must_words = 0
        clauses = _bind_letters(clauses)
        for clause in clauses:
            q = self.node(clause.node, plain=clause.occur == "should")
            if q is None:
                continue
            {"must": must, "should": should, "not": excluded}[clause.occur].append(q)
            if clause.occur == "should":
                weights.append(max(1, _content_words(clause.node)))
            elif clause.occur == "must":
                must_words += _content_words(clause.node)
        if not must and not should:
            # Only stop words (or nothing but exclusions): the stop words are searched.
            for clause in clauses:
                if clause.occur == "should":
                    q = self.node(clause.node, plain=False, keep_stops=True)
                    if q is not None:
                        should.append(q)
                        weights.append(1)
        should, weights, repeats = _merge_repeats(should, weights)
        positive = list(must)
        if should:
            # Counted in words typed, required ones included: a thesaurus concept that
            # stands for three of the query's words counts as three when a document has
            # it, and `+mercury coal china` asks for mercury and one of the others.
            k = max(0, required_words(sum(weights) + must_words) - must_words)
            if k >= sum(weights):
                # Every word required: an intersection, which leaps over the documents
                # missing a word instead of counting them (and all match: no scaling).
                positive.extend(should)
            elif k == 0:
                return self._without(wq.AndMaybe(_and(positive), _or(should)), excluded)
            else:
                positive.append(BestMatch(should, k, self.r.coordination, weights=weights,
                                          repeats=repeats))
        return self._without(_and(positive) if positive else None, excluded)

    @staticmethod
    def _without(base, excluded):
        if base is None:
            base = wq.Every() if excluded else wq.NullQuery
        if excluded and base is not wq.NullQuery:
            return Without(base, _or(excluded))
        return base

    def node(self, node, plain=False, keep_stops=False, field=None):
        """The query of one clause's node (None when it has nothing to search)."""
        if isinstance(node, tuple) and node[0] == "or":
            parts = [self.node(n, field=field, keep_stops=True) for n in node[1]]
            parts = [p for p in parts if p is not None]
            return _or(parts) if parts else None
        if isinstance(node, tuple) and node[0] == "group":
            _, inner, tok, boost = node
            inner_field = tok.field or field
            parts = []
            for clause in _bind_letters(inner):
                q = self.node(clause.node, field=inner_field, keep_stops=False)
                if q is None:
                    continue
                parts.append((clause.occur, q))
            if not parts:
                return None
            pos = [q for occur, q in parts if occur != "not"]
            neg = [q for occur, q in parts if occur == "not"]
            q = _and(pos) if pos else wq.Every()
            if neg:
                q = Without(q, _or(neg))
            return q.with_boost(boost) if boost != 1.0 else q
        tok = node
        fieldname = tok.field or field
        if tok.kind == "phrase":
            q = self.phrase(tok.text, fieldname)
        elif fieldname:
            q = self.fielded(tok.text, fieldname)
        else:
            q = self.word(tok.text, keep_stops or not plain or tok.sign == "+")
        if q is not None and tok.boost != 1.0:
            q = q.with_boost(tok.boost)
        return q

    # -- leaves -------------------------------------------------------------------------
    def word(self, raw, keep_stops):
        """A bare word as typed: a word, a compound, a symbol or a prefix."""
        if raw.endswith("*"):
            return self.prefix(raw)
        _refuse_wildcards(raw)
        parts = _parts(raw)
        if not parts:
            return None                              # punctuation only
        if len(parts) == 1:
            if is_stop_word(parts[0]) and not keep_stops and not _acronym(raw):
                return None
            return self.fields_of(raw, parts[0])
        exact = self._exact(parts)
        if _is_symbol(raw, parts):
            return _or([exact, self._symbol(raw)])
        content = [p for p in parts if not is_stop_word(p)]
        if not content:
            return exact
        return _or([exact, _and([self.fields_of(p, p) for p in content])])

    def fields_of(self, raw, folded):
        """One word in every field: as written (title, neutral) and stemmed per language;
        its score is the sum of its fields' (a document's text is in the neutral field and
        its own languages' fields only)."""
        subs = [wq.Term("title", folded, boost=self.r.title),
                wq.Term("text_any", folded, boost=self.r.exact)]
        for lang, analyzer in _ANALYZERS.items():
            stems = [t.text for t in analyzer(raw.lower())]
            if len(stems) == 1:
                subs.append(wq.Term(f"text_{lang}", stems[0], boost=self.r.stemmed))
        return wq.Or(subs)

    @staticmethod
    def _symbol(raw):
        # The symbol field holds the whole symbol; a sentence's full stop is not part of it.
        return wq.Term("symbol", fold(raw.strip().rstrip(".,;:!?")), boost=4.0)

    def _exact(self, parts):
        return _or([wq.Phrase("text_any", parts, boost=self.r.exact),
                    wq.Phrase("title", parts, boost=self.r.title)])

    def phrase(self, text, fieldname=None):
        """"Words in this order", as written (not stemmed)."""
        parts = _parts(text)
        if not parts:
            return None
        if fieldname:
            return self.fielded(text, fieldname)     # a phrase there where positions are
        if len(parts) == 1:
            return _or([wq.Term("text_any", parts[0], boost=self.r.exact),
                        wq.Term("title", parts[0], boost=self.r.title)])
        if _is_symbol(text.strip(), parts):        # "UNEP/MC/COP.3/2", quoted
            return _or([self._exact(parts), self._symbol(text)])
        return self._exact(parts)

    def fielded(self, value, fieldname):
        """`field:value`: a facet value, a symbol, or words in one text field."""
        if fieldname == "symbol":
            if value.endswith("*") and len(value.strip("*")) >= MIN_PREFIX:
                return wq.Prefix("symbol", fold(value.rstrip("*")))   # UNEP/MC/COP.4/*
            return wq.Term("symbol", fold(value.strip()))
        if fieldname in FACETS:
            return wq.Term(fieldname, value.strip().lower())
        if value.endswith("*"):
            return self.prefix(value, fields=(fieldname,))
        _refuse_wildcards(value)
        lang = fieldname[5:] if fieldname.startswith("text_") else None
        analyzer = _ANALYZERS.get(lang, _NEUTRAL)
        terms = [t.text for t in analyzer(value.lower())]
        if not terms:
            return None
        if len(terms) > 1 and fieldname in ("title", "text_any"):
            return wq.Phrase(fieldname, terms)
        return _and([wq.Term(fieldname, t) for t in terms])

    def prefix(self, raw, fields=("title", "text_any")):
        """`emiss*`: words beginning so, as written (at least MIN_PREFIX letters)."""
        stem = raw.rstrip("*")
        _refuse_wildcards(stem)
        parts = _parts(stem)
        if not parts:
            return None
        if len(parts) > 1:
            raise QueryError(f"'{raw}': a * can end one word only; for a document symbol "
                             "use symbol:UNEP/MC/COP.4/* (e.g. emiss*)", "prefix_one_word",
                             prefix=stem)
        if len(parts[0]) < MIN_PREFIX:
            raise QueryError(f"'{raw}': a prefix search needs at least {MIN_PREFIX} "
                             "letters before the *", "short_prefix", prefix=parts[0],
                             n=MIN_PREFIX)
        return _or([wq.Prefix(f, parts[0]) for f in fields])


def _merge_repeats(should, weights):
    """(queries, weights, repeats): a word typed twice counts once towards the words a
    document must have (else `mercury ... mercury` would be two words every mercury
    document has), and twice in the score and its coordination."""
    merged = {}
    for q, weight in zip(should, weights):
        key = repr(q)
        if key in merged:
            merged[key][1] += 1
        else:
            merged[key] = [q, 1, weight]
    values = list(merged.values())
    return ([q if n == 1 else q.with_boost(q.boost * n) for q, n, _ in values],
            [w for _, _, w in values], [n for _, n, _ in values])


def _bind_letters(clauses):
    """`annex D`, `vitamin A`: a capital letter after a word names something with it,
    even when the letter is a stop word (`a`, `d`, `y`); the two are searched together,
    as a phrase, instead of dropping the letter."""
    out = []
    for clause in clauses:
        tok, prev = clause.node, out[-1].node if out else None
        if clause.occur == "should" and _plain(tok) and _plain(prev) and \
                len(tok.text) == 1 and tok.text.isupper() and is_stop_word(fold(tok.text)) \
                and not is_stop_word(fold(prev.text)) and out[-1].occur == "should":
            out[-1] = _Clause("should", _Token("phrase", f"{prev.text} {tok.text}"))
            continue
        out.append(clause)
    return out


def _acronym(raw):
    """`EU`, `UN`, `WHO`: capitals name something, even when the word in lower case is a
    stop word (`eu`, `un`, `who`)."""
    return len(raw) >= 2 and raw.isalpha() and raw.isupper()


def _plain(node):
    return isinstance(node, _Token) and node.kind == "word" and not node.field and \
        not node.sign and len(_parts(node.text)) == 1


def _content_words(node):
    """How many of the query's own (not stop) words a clause's node stands for: an
    alternative (`a OR b`, a thesaurus expansion) for as many as its first, as typed."""
    if isinstance(node, tuple) and node[0] == "or":
        return _content_words(node[1][0])
    if isinstance(node, tuple) and node[0] == "group":
        return sum(_content_words(c.node) for c in node[1] if c.occur != "not")
    if node.field:
        # A filter (`type:report`) is not one of the words; `title:`, `symbol:` are.
        return 1 if node.field in ("title", "symbol") else 0
    parts = _parts(node.text)
    if node.kind == "word":
        # One typed word, even `coal-fired` or a symbol.
        return 1 if _acronym(node.text) or any(not is_stop_word(p) for p in parts) else 0
    return sum(1 for p in parts if not is_stop_word(p))


def _refuse_wildcards(raw):
    # A * anywhere but at the end would scan the whole vocabulary (Whoosh would quietly
    # drop a leading one): say no, and what to type instead.
    if "*" in raw.strip("*") or (raw.startswith("*") and raw.strip("*")):
        raise QueryError("wildcards are only allowed at the end of a word, after at least "
                         f"{MIN_PREFIX} letters (e.g. emiss*)", "wildcard", n=MIN_PREFIX)


def _and(qs):
    # Flat: a conjunction inside a conjunction costs Whoosh a re-estimate at every level
    # (nested groups made a search quadratic in their depth).
    flat = []
    for q in qs:
        flat.extend(q.subqueries if type(q) is wq.And and q.boost == 1.0 else [q])
    return flat[0] if len(flat) == 1 else wq.And(flat)


def _or(qs):
    flat = []
    for q in qs:
        flat.extend(q.subqueries if type(q) is wq.Or and q.boost == 1.0 else [q])
    return flat[0] if len(flat) == 1 else wq.Or(flat)


class Without(wq.CompoundQuery):
    """The documents of `base` that `excluded` does not match. Whoosh's AndNot can let the
    first match of a segment through when both start on the same document."""

    JOINT = " ANDNOT "

    def __init__(self, base, excluded, boost=1.0):
        super().__init__([base, excluded], boost=boost)

    def apply(self, fn):
        return Without(fn(self.subqueries[0]), fn(self.subqueries[1]), self.boost)

    def normalize(self):
        base, excluded = (q.normalize() for q in self.subqueries)
        if base is wq.NullQuery:
            return wq.NullQuery
        return base if excluded is wq.NullQuery else Without(base, excluded, self.boost)

    def estimate_min_size(self, ixreader):
        return 0

    def matcher(self, searcher, context=None):
        base, excluded = self.subqueries
        out = set(excluded.matcher(searcher, context).all_ids())
        m = base.matcher(searcher, context)
        if out:
            return FilterMatcher(m, out, exclude=True, boost=self.boost)
        # (The boost too when a segment has none of the excluded words.)
        return WrappingMatcher(m, self.boost) if self.boost != 1.0 else m


# -- what a search may spend ------------------------------------------------------------
_DEADLINE = contextvars.ContextVar("search_deadline", default=None)


@contextmanager
def deadline(seconds):
    """Within the block, queries built here stop working (Whoosh's TimeLimit) `seconds`
    from now, wherever they are: counting a best match's words included."""
    token = _DEADLINE.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def current_deadline():
    """The monotonic time the current search must end by, or None outside a search."""
    return _DEADLINE.get()


def past_deadline():
    """Whether the current search's time is up."""
    end = _DEADLINE.get()
    return end is not None and time.monotonic() > end


@dataclass
class NarrowedPrefix:
    """A prefix that stood for more words than a search takes: only the commonest were
    searched."""

    prefix: str
    searched: int                # words searched
    words: int                   # words beginning so (at least, when `more` is set)
    more: bool = False           # there were more than PREFIX_SCAN; not all counted


def bound_prefixes(q, reader, limit=PREFIX_WORDS):
    """(the query with each `prefix*` replaced by its `limit` commonest words in the
    index, [NarrowedPrefix] of those that had more). Whoosh would otherwise search every
    word of the vocabulary beginning so: `con*` took 26 s on a large index."""
    narrowed = {}

    def bounded(node):
        if isinstance(node, wq.Prefix):
            words, total, more = _commonest(reader, node.fieldname, node.text, limit)
            if total > len(words):
                narrowed[node.text] = NarrowedPrefix(node.text, len(words), total, more)
            if not words:
                return wq.NullQuery
            return _or([wq.Term(node.fieldname, w, boost=node.boost) for w in words])
        return node if node.is_leaf() else node.apply(bounded)

    return bounded(q), sorted(narrowed.values(), key=lambda n: n.prefix)


def _commonest(reader, fieldname, prefix, limit):
    if fieldname not in reader.schema:
        return [], 0, False
    found, total = [], 0
    for text, info in reader.iter_prefix(fieldname, prefix):
        total += 1
        if total > PREFIX_SCAN or (total % 1024 == 0 and past_deadline()):
            return [w for _, w in heapq.nlargest(limit, found)], total - 1, True
        found.append((info.doc_frequency(), text if isinstance(text, str) else
                      text.decode("utf-8")))
    return [w for _, w in heapq.nlargest(limit, found)], total, False


# -- best match -------------------------------------------------------------------------
class BestMatch(wq.CompoundQuery):
    """Documents matching subqueries worth at least `minimum` words (each subquery
    weighs `weights[i]` words, 1 by default), scored by the sum of the matching ones times
    (subqueries matched / all) ** `coordination`, a subquery typed `repeats[i]` times
    counting so many times there. Whoosh has no such query (its Or's `minmatch` is "not
    yet implemented")."""

    JOINT = " ~ "

    def __init__(self, subqueries, minimum=1, coordination=1.0, boost=1.0, weights=None,
                 repeats=None):
        super().__init__(subqueries, boost=boost)
        self.minimum = minimum
        self.coordination = coordination
        self.weights = tuple(weights) if weights else (1,) * len(subqueries)
        self.repeats = tuple(repeats) if repeats else (1,) * len(subqueries)

    def __repr__(self):
        return (f"BestMatch({self.subqueries!r}, {self.minimum}, {self.coordination}, "
                f"weights={self.weights}, repeats={self.repeats}"
                f"{', boost=%s' % self.boost if self.boost != 1 else ''})")

    def _key(self):
        return (self.minimum, self.coordination, self.weights, self.repeats)

    def __eq__(self, other):
        return super().__eq__(other) and self._key() == other._key()

    def __hash__(self):
        return super().__hash__() ^ hash(self._key())

    def apply(self, fn):
        return BestMatch([fn(q) for q in self.subqueries], self.minimum, self.coordination,
                         self.boost, self.weights, self.repeats)

    def normalize(self):
        kept = [(q.normalize(), w, r) for q, w, r in
                zip(self.subqueries, self.weights, self.repeats)]
        kept = [k for k in kept if k[0] is not wq.NullQuery]
        if not kept:
            return wq.NullQuery
        return BestMatch([q for q, _, _ in kept], min(self.minimum, sum(w for _, w, _ in kept)),
                         self.coordination, self.boost, [w for _, w, _ in kept],
                         [r for _, _, r in kept])

    def estimate_min_size(self, ixreader):
        return 0

    def matcher(self, searcher, context=None):
        if not self.subqueries:
            return NullMatcher()
        found = self.combine(scored_matches(q.matcher(searcher, context)) for q in self.subqueries)
        if not found:
            return NullMatcher()
        kept = sorted(found)
        return ListMatcher(kept, weights=[found[d] for d in kept])

    def combine(self, parts):
        """{docnum: score} of the documents worth at least `minimum` words, given each
        part's {docnum: score} (in the order of the subqueries): their parts' sum times
        (parts matched / all) ** coordination. Every engine scores a best match so."""
        words, clauses, scores = {}, {}, {}
        for part, weight, repeat in zip(parts, self.weights, self.repeats):
            for d, s in part.items():
                words[d] = words.get(d, 0) + weight
                clauses[d] = clauses.get(d, 0) + repeat
                scores[d] = scores.get(d, 0.0) + s
        total = sum(self.repeats)
        factors = {c: (c / total) ** self.coordination * self.boost
                   for c in set(clauses.values())}
        return {d: scores[d] * factors[clauses[d]]
                for d, c in words.items() if c >= self.minimum}


def scored_matches(m):
    """{docnum: score} of a matcher's matches (TimeLimit past the search's deadline)."""
    out, n = {}, 0
    while m.is_active():
        if n % 2048 == 0 and past_deadline():
            raise TimeLimit
        n += 1
        out[m.id()] = m.score()
        m.next()
    return out


def is_null(q):
    """Whether `q` is Whoosh's NullQuery (which matches nothing)."""
    return q is wq.NullQuery or isinstance(q, type(wq.NullQuery))


def present_parts(q):
    """The indexes of a best match's parts that are not NullQuery (without_absent)."""
    return [i for i, sub in enumerate(q.subqueries) if not is_null(sub)]


def without_absent(q, has_term):
    """`q` with the words no entry has (`has_term(field, text)` false) taken out, each
    as NullQuery; same matches, same scores. A best match keeps its parts in place, so
    that its coordination still counts every part typed; with fewer parts left, its
    bound is exact for more documents (a question's "latin america" in an index
    without them left "mercury waste": no set of two words was exact before)."""
    if isinstance(q, wq.Term):
        return q if has_term(q.fieldname, q.text) else wq.NullQuery
    if isinstance(q, wq.Phrase):
        return q if all(has_term(q.fieldname, w) for w in q.words) else wq.NullQuery
    if isinstance(q, BestMatch):
        out = q.apply(lambda sub: without_absent(sub, has_term))
        return out if present_parts(out) else wq.NullQuery
    if isinstance(q, (wq.Or, wq.And)) and not isinstance(q, (Without, wq.AndMaybe)):
        subs = [without_absent(sub, has_term) for sub in q.subqueries]
        kept = [sub for sub in subs if not is_null(sub)]
        if not kept or isinstance(q, wq.And) and len(kept) < len(subs):
            return wq.NullQuery
        if len(kept) == 1 < len(subs) and q.boost != 1.0:
            # Whoosh ignores the boost of a compound of one part: keep two.
            kept.append(wq.NullQuery)
        out = copy.copy(q)
        out.subqueries = kept
        return out
    return q


# -- reading a query back ---------------------------------------------------------------
def _leaves(q):
    if q.is_leaf():
        yield q
    elif isinstance(q, Without):
        yield from _leaves(q.subqueries[0])       # excluded words are not marked
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


def any_part(q):
    """For finding a hit's pages: a page with some of the words is one to point at
    (a best match or a conjunction becomes a plain union of its parts)."""
    if isinstance(q, BestMatch):
        return wq.Or([any_part(s) for s in q.subqueries])
    if isinstance(q, wq.And):
        return wq.Or([any_part(s) for s in q.children()])
    if isinstance(q, wq.AndMaybe):
        return wq.Or([any_part(q.a), any_part(q.b)])
    if isinstance(q, Without):
        return Without(any_part(q.subqueries[0]), q.subqueries[1])
    return q


# -- words to mark in a document's own text ---------------------------------------------
def highlight_terms(text, expand=True):
    """The words and phrases of a query to mark in a document as a PDF viewer's find
    shows them (case and accents aside, anywhere in a word): the words and "phrases" as
    typed, without operators, `field:` names, filters (`type:report`), excluded words and
    stop words (kept when quoted, `+`-signed or all there is); the parts of `coal-fired`
    too, since the search finds them apart; then, with `expand`, the thesaurus's terms
    the search also looked for. Each once (case aside), in the order typed. QueryError
    for a query the search refuses, with the same message."""
    parse_query(text)                            # the search's own rules and refusals
    text = unicodedata.normalize("NFC", text or "").strip()
    clauses = _Parser(_tokenize(text, USER_FIELDS)).clauses()
    terms = list(_typed_terms(clauses)) or list(_typed_terms(clauses, keep_stops=True))
    if expand and text:
        expanded, added = expand_query(re.sub(r"\b(text_\w+):", r"\1 ", text))
        if len(expanded) <= 16 * MAX_QUERY_CHARS:    # longer: the search takes it as typed
            terms += added
    once = {}
    for term in terms:
        once.setdefault(term.casefold(), term)   # the first spelling, in the order typed
    return list(once.values())


def _typed_terms(clauses, keep_stops=False):
    for clause in _bind_letters(clauses):
        if clause.occur != "not":                # an excluded word is not in the page
            yield from _node_terms(clause.node, keep_stops)


def _node_terms(node, keep_stops):
    if isinstance(node, tuple) and node[0] == "or":
        for alternative in node[1]:              # the search keeps an OR's stop words
            yield from _node_terms(alternative, True)
    elif isinstance(node, tuple):                # a group, unless a filter's: type:(a b)
        if node[2].field not in FACETS:
            yield from _typed_terms(node[1], keep_stops)
    elif node.field not in FACETS:
        yield from _token_terms(node, keep_stops)


def _token_terms(tok, keep_stops):
    if tok.kind == "phrase":
        if _parts(tok.text):
            yield tok.text.strip()
        return
    # A prefix is marked where its words begin; a sentence's punctuation is not the word's.
    word = re.sub(r"^\W+|\W+$", "", tok.text.rstrip("*"))
    parts = _parts(word)
    if len(parts) == 1 and is_stop_word(parts[0]) and not (
            keep_stops or tok.sign == "+" or _acronym(word)):
        return
    if parts:
        yield word
    if len(parts) > 1 and tok.field != "symbol" and not _is_symbol(word, parts):
        yield from (p for p in parts if len(p) > 1 and not is_stop_word(p))
