"""The Whoosh schema and the entries made for each document.

Each document is indexed twice over: one `doc` entry (all its text, its metadata as facet
fields) that search ranks and counts, and one `page` entry per page, so a hit can say on
which pages its words are and take its snippet from the best one.
"""
import hashlib
import json

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from indexer.analysis import STEMMED_LANGUAGES, fold, language_analyzer, neutral_analyzer

SCHEMA_VERSION = 6
FACETS = ("event", "year", "country", "region", "type", "language", "topic")
TEXT_FIELDS = ("text_any",) + tuple(f"text_{lang}" for lang in STEMMED_LANGUAGES)


def build_schema():
    """The index schema: identity, facets, text per language, stored display data."""
    neutral = neutral_analyzer()
    fields = dict(
        kind=ID(stored=True),
        doc_id=ID(stored=True),
        work=ID(stored=True),
        page=NUMERIC(int, stored=True),
        index_key=ID(stored=True),
        # Weighed at query time (indexer.query.Ranking), not at indexing time.
        title=TEXT(analyzer=neutral, stored=True),
        # The official document symbol, whole and folded (`unep/mc/ws.2019/han/1`).
        symbol=ID(stored=True),
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


def index_key(doc, event, text_sha, work=None):
    """A fingerprint of everything an entry is made from: changes mean re-index. That
    includes the document's work: another version added, retracted or re-titled changes
    the languages this entry is available in and the versions it lists."""
    key = f"s{SCHEMA_VERSION}-r{doc.revision}-e{event.revision}-{text_sha[:16]}"
    if work is not None and len(work.versions) > 1:
        members = json.dumps([(d.id, d.status, d.languages, d.title) for d in work.versions],
                             ensure_ascii=False)
        key += "-w" + hashlib.sha256(members.encode()).hexdigest()[:12]
    return key


def text_fields(text, languages):
    """The text fields a stretch of text goes into: neutral plus one per known language."""
    out = {"text_any": text}
    for lang in languages:
        if lang in STEMMED_LANGUAGES:
            out[f"text_{lang}"] = text
    return out


def document_entries(doc, event, kept, key, work=None):
    """The `doc` entry and the `page` entries for one catalogued document (a version of
    `work`, when it has others)."""
    pages = kept["pages"]
    doc_langs = doc.languages
    per_field = {}
    for page in pages:
        if not page["text"]:
            continue        # (no words: the entry's text is its pages' texts, as entries)
        langs = page["languages"] or doc_langs
        for name, value in text_fields(page["text"], langs).items():
            per_field.setdefault(name, []).append(value)
    others = [d for d in (work.versions if work else []) if d.id != doc.id]
    entry = dict(kind="doc", doc_id=doc.id, work=doc.work, index_key=key, title=doc.title,
                 symbol=fold(doc.symbol),
                 status=doc.status, date=event.start,
                 display=_display(doc, event, others, pages),
                 **{k: "\n".join(v) for k, v in per_field.items()},
                 **_facets(doc, event, others))
    page_entries = [
        dict(kind="page", doc_id=doc.id, page=n, body=p["text"],
             **text_fields(p["text"], p["languages"] or doc_langs))
        for n, p in enumerate(pages, start=1) if p["text"]
    ]
    return entry, page_entries


def _facets(doc, event, others):
    # The language facet counts works by the languages they are available in: a version's
    # entry carries its own languages and those of its published sibling versions.
    available = list(doc.languages)
    for other in others:
        if other.is_public:
            available += [lang for lang in other.languages if lang not in available]
    return dict(event=event.id, year=event.year, country=event.country, region=event.region,
                type=doc.type, language=",".join(available),
                topic=",".join(t.replace(",", " ") for t in event.topics))


def _display(doc, event, others, pages):
    # What a hit shows without a trip to the catalog: kept in the index, rebuilt with it.
    return {"event_titles": event.titles, "city": event.city, "start": event.start,
            "ocr_pages": [n for n, p in enumerate(pages, start=1)
                          if p.get("source") == "ocr" and p["text"]],
            "symbol": doc.symbol,
            "end": event.end, "page_count": doc.page_count, "text_status": doc.text_status,
            "languages": doc.languages,
            "versions": [{"id": d.id, "title": d.title, "languages": d.languages,
                          "status": d.status} for d in [doc] + others]}
