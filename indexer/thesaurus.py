"""The Convention's multilingual vocabulary, and query expansion across languages.

A query word or phrase that names a concept ("mercure", "prior informed consent", "EMAPE")
also matches the concept's terms in the other languages, each analysed by its own
language's fields, scored at half weight so documents in the query's own words rank first.
"""
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from indexer.errors import IndexerError

DEFAULT_PATH = Path(__file__).parent / "data" / "thesaurus.json"
REQUIRED_LANGUAGES = ("en", "fr", "es")
EXPANSION_BOOST = 0.5


class ThesaurusError(IndexerError):
    """The thesaurus file is malformed; the message names the entry."""


@dataclass(frozen=True, eq=False)
class Concept:
    """One concept: its terms and acronyms by language."""

    id: str
    terms: dict
    acronyms: dict

    def forms(self):
        """Every term and acronym, in every language."""
        return [f for group in (self.terms, self.acronyms) for forms in group.values()
                for f in forms]

    def fielded_forms(self):
        """(index field, form) of every term and acronym: a term goes to its own
        language's stemmed field (the neutral one when its language has none); an acronym
        to the neutral field, since documents in any language use it."""
        out = [(_language_field(lang), f) for lang, forms in self.terms.items() for f in forms]
        out += [("text_any", f) for forms in self.acronyms.values() for f in forms]
        return list(dict.fromkeys(out))


@lru_cache(maxsize=4)
def load_thesaurus(path=DEFAULT_PATH):
    """The concepts of a thesaurus file, validated (ThesaurusError names a broken entry)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ThesaurusError(f"{path}: cannot read the thesaurus: {e}") from e
    concepts, seen = [], set()
    for i, entry in enumerate(data.get("concepts", [])):
        concepts.append(_concept(entry, i, seen))
    if not concepts:
        raise ThesaurusError(f"{path}: no concepts")
    return tuple(concepts)


def _concept(entry, i, seen):
    where = f"thesaurus concepts[{i}] ({entry.get('id', '?')})"
    unknown = set(entry) - {"id", "terms", "acronyms", "source"}
    if unknown:
        raise ThesaurusError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    if not re.fullmatch(r"[a-z0-9-]+", str(entry.get("id", ""))) or entry["id"] in seen:
        raise ThesaurusError(f"{where}: needs a unique id of lower-case letters and hyphens")
    if not entry.get("source"):
        raise ThesaurusError(f"{where}: say where the terms come from (source)")
    terms, acronyms = entry.get("terms", {}), entry.get("acronyms", {})
    for lang in REQUIRED_LANGUAGES:
        if not terms.get(lang):
            raise ThesaurusError(f"{where}: needs terms in {lang}")
    for group in (terms, acronyms):
        for lang, forms in group.items():
            if not isinstance(forms, list) or not all(isinstance(f, str) and f.strip()
                                                      for f in forms):
                raise ThesaurusError(f"{where}: {lang} must be a list of non-empty strings")
    seen.add(entry["id"])
    return Concept(entry["id"], terms, acronyms)


def _fold_char(c):
    base = unicodedata.normalize("NFKD", c.lower())
    stripped = "".join(ch for ch in base if not unicodedata.combining(ch))
    return stripped if len(stripped) == 1 else c.lower()


def _fold(text):
    # One character for one: positions in the folded text are positions in the original.
    return "".join(_fold_char(c) for c in text)


def concepts_in(text, concepts=None):
    """The ids of the concepts a text names, in any language (words compared without
    accents, case or a plural -s)."""
    tokens = " " + " ".join(_plain_words(text)) + " "
    return {concept.id for words, concept in _word_forms(concepts or load_thesaurus())
            if words in tokens}


def readable_alternatives(text, added, languages, concepts=None):
    """Split the terms a query was expanded with (`added`) into those in a language the
    reader uses (`languages`, plus the languages the query's own thesaurus words are in)
    and the others: ([shown], [others]). A term in no known language counts as shown."""
    concepts = concepts or load_thesaurus()
    tokens = " " + " ".join(_plain_words(text)) + " "
    readable = set(languages)
    readable.update(lang for words, lang in _words_by_language(concepts) if words in tokens)
    term_languages = _term_languages(concepts)
    shown, others = [], []
    for term in added:
        langs = term_languages.get(term)
        (shown if not langs or langs & readable else others).append(term)
    return shown, others


@lru_cache(maxsize=4)
def _term_languages(concepts):
    # Once per thesaurus: every search page asks (walking a thousand forms each time
    # was 13 ms of a page).
    out = {}
    for concept in concepts:
        for group in (concept.terms, concept.acronyms):
            for lang, forms in group.items():
                for form in forms:
                    out.setdefault(form, set()).add(lang)
    return out


@lru_cache(maxsize=4)
def _words_by_language(concepts):
    return [(" " + " ".join(_plain_words(form)) + " ", lang) for concept in concepts
            for group in (concept.terms, concept.acronyms)
            for lang, forms in group.items() for form in forms if _plain_words(form)]


def _plain_words(text):
    return [w[:-1] if len(w) > 3 and w.endswith("s") else w
            for w in re.findall(r"\w+", _fold(text))]


@lru_cache(maxsize=4)
def _word_forms(concepts):
    return [(" " + " ".join(_plain_words(f)) + " ", c) for c in concepts for f in c.forms()
            if _plain_words(f)]


@lru_cache(maxsize=4)
def _forms(concepts):
    # Each form's pattern compiled once: with a thousand forms, compiling them on every
    # query (Python's pattern cache keeps 512) was most of a search's time.
    # Not inside a longer word, a symbol, a `field:` value or a `prefix*`.
    folded = [(_fold(f), c) for c in concepts for f in c.forms()]
    forms = [(form, c, re.compile(rf'(?<![\w:/-])"?{re.escape(form)}"?(?![\w/*-])'))
             for form, c in folded]
    return sorted(forms, key=lambda x: -len(x[0]))


def expand(text, concepts=None):
    """(query text with cross-language alternatives, [the terms added])."""
    concepts = concepts or load_thesaurus()
    folded = _fold(text)
    taken, matches = [], []
    for form, concept, pattern in _forms(concepts):
        if form not in folded:
            continue
        for m in pattern.finditer(folded):
            start, end = m.span()
            if any(s < end and start < e for s, e in taken) or \
                    _inside_quotes(text, start, end) or _inside_field_group(text, start):
                continue
            taken.append((start, end))
            matches.append((start, end, form, concept))
    added = []
    for start, end, form, concept in sorted(matches, reverse=True):
        alternatives = [(field, f) for field, f in concept.fielded_forms()
                        if _words(f) != _words(form)]
        if not alternatives:
            continue
        original = text[start:end]
        if " " in original.strip('"') and not original.startswith('"'):
            original = f"({original})"          # its words stay together as typed
        parts = [original] + [_alternative(field, f) for field, f in alternatives]
        text = f"{text[:start]}({' OR '.join(parts)}){text[end:]}"
        added = [f for _, f in alternatives] + added
    if added:
        text = _without_stop_words(text)
    return text, list(dict.fromkeys(added))


@lru_cache(maxsize=1)
def _stop_words():
    from whoosh.lang import stopwords_for_language
    words = set()
    for lang in REQUIRED_LANGUAGES:
        words |= set(stopwords_for_language(lang))
    return words - {"and", "or", "not"}


def _without_stop_words(text):
    # Once a query reaches across languages, its own little words ("de", "du", "the")
    # would still have to be in the other language's document: leave them out, but only
    # outside quotes and groups, where they belong to a phrase or an expansion.
    out, depth, quoted = [], 0, False
    for token in re.split(r'(\s+|[()"])', text):
        if token == '"':
            quoted = not quoted
        elif token == "(" and not quoted:
            depth += 1
        elif token == ")" and not quoted:
            depth -= 1
        elif not quoted and depth == 0 and token.lower() in _stop_words():
            continue
        out.append(token)
    return re.sub(r"\s+", " ", "".join(out)).strip()


def _alternative(field, form):
    # Aimed at one field: the form's own language's, which stems it as that language
    # does. Several words are required together but not as a phrase: matching a phrase
    # walks word positions in every document having its words, which made an expanded
    # search ten times slower, while an expansion already ranks at half weight.
    if re.search(r"(?:^|\s)[A-Z](?:\s|$)", form):
        # `Annex D`, `anexo D`: the letter is the point, and a language's field drops
        # one-letter words; the form is matched as written, as a phrase.
        return f'text_any:"{form}"^{EXPANSION_BOOST}'
    words = [w for w in re.findall(r"\w+", form) if w.lower() not in _stop_words()]
    if len(words) == 1:
        return f"{field}:{words[0]}^{EXPANSION_BOOST}"
    return f"{field}:({' '.join(words) or form})^{EXPANSION_BOOST}"


def _words(text):
    # "capacity-building" and "Capacity building" are the same words.
    return re.findall(r"\w+", _fold(text))


def _language_field(lang):
    from indexer.analysis import STEMMED_LANGUAGES
    return f"text_{lang}" if lang in STEMMED_LANGUAGES else "text_any"


def _inside_field_group(text, start):
    """Whether `start` is inside `title:( ... )` or another field's group: its words are
    that field's, and an expansion would search them in others."""
    groups = []
    for m in re.finditer(r'(\w+:)?\(|\)', text[:start]):
        if m.group() == ")":
            if groups:
                groups.pop()
        else:
            groups.append(bool(m.group(1)))
    return any(groups)


def _inside_quotes(text, start, end):
    # A match inside a longer quoted phrase is left alone; a whole quoted form expands.
    opens, closes = text[start] == '"', text[end - 1] == '"'
    if opens and closes:
        return False
    if opens or closes:
        return True
    return text[:start].count('"') % 2 == 1
