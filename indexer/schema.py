"""The Whoosh schema and the entries made for each document.

Each document is indexed twice over: one `doc` entry (all its text, its metadata as facet
fields) that search ranks and counts, and one `page` entry per page, so a hit can say on
which pages its words are and take its snippet from the best one.
"""
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from indexer.analysis import STEMMED_LANGUAGES, language_analyzer, neutral_analyzer

SCHEMA_VERSION = 3
FACETS = ("event", "year", "country", "region", "type", "language", "topic")
TEXT_FIELDS = ("text_any",) + tuple(f"text_{lang}" for lang in STEMMED_LANGUAGES)


def build_schema():
    """The index schema: identity, facets, text per language, stored display data."""
    neutral = neutral_analyzer()
    fields = dict(
        kind=ID(stored=True),
        doc_id=ID(stored=True),
        page=NUMERIC(int, stored=True),
        index_key=ID(stored=True),
        title=TEXT(analyzer=neutral, stored=True, field_boost=2.0),
        text_any=TEXT(analyzer=neutral, phrase=True),
        body=STORED(),
        date=ID(stored=True, sortable=True),
        status=ID(stored=True),
        display=STORED(),
    )
    for lang in STEMMED_LANGUAGES:
        # No positions: phrases are matched on the exact words (text_any, title), and
        # positions in six more fields would cost index size and every search's time.
        fields[f"text_{lang}"] = TEXT(analyzer=language_analyzer(lang), phrase=False)
    for name in FACETS:
        # KEYWORD rather than ID: it lower-cases, so `country:vn` and `VN` both work.
        fields[name] = KEYWORD(stored=True, commas=True, lowercase=True)
    return Schema(**fields)


def index_key(doc, event, text_sha):
    """A fingerprint of everything an entry is made from: changes mean re-index."""
    return f"s{SCHEMA_VERSION}-r{doc.revision}-e{event.revision}-{text_sha[:16]}"


def text_fields(text, languages):
    """The text fields a stretch of text goes into: neutral plus one per known language."""
    out = {"text_any": text}
    for lang in languages:
        if lang in STEMMED_LANGUAGES:
            out[f"text_{lang}"] = text
    return out


def document_entries(doc, event, kept, key):
    """The `doc` entry and the `page` entries for one catalogued document."""
    pages = kept["pages"]
    doc_langs = doc.languages
    per_field = {}
    for page in pages:
        langs = page["languages"] or doc_langs
        for name, value in text_fields(page["text"], langs).items():
            per_field.setdefault(name, []).append(value)
    entry = dict(kind="doc", doc_id=doc.id, index_key=key, title=doc.title, status=doc.status,
                 date=event.start, display=_display(doc, event),
                 **{k: "\n".join(v) for k, v in per_field.items()}, **_facets(doc, event))
    page_entries = [
        dict(kind="page", doc_id=doc.id, page=n, body=p["text"],
             **text_fields(p["text"], p["languages"] or doc_langs))
        for n, p in enumerate(pages, start=1) if p["text"]
    ]
    return entry, page_entries


def _facets(doc, event):
    return dict(event=event.id, year=event.year, country=event.country, region=event.region,
                type=doc.type, language=",".join(doc.languages),
                topic=",".join(t.replace(",", " ") for t in event.topics))


def _display(doc, event):
    # What a hit shows without a trip to the catalog: kept in the index, rebuilt with it.
    return {"event_titles": event.titles, "city": event.city, "start": event.start,
            "end": event.end, "page_count": doc.page_count, "text_status": doc.text_status,
            "languages": doc.languages}
