"""Atom feeds of new and replaced documents: everything, one event, or any search (a topic,
a country, a type are searches with that filter), made with feedgen.

Feeds are public: only published documents appear, whoever asks (a feed reader carries no
session, and a feed URL gets shared). Entries are newest first by the date their current
file arrived (added, or replaced by a new file), in the interface language of the request
(the `lang` the page's feed link carries).
"""
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from feedgen.feed import FeedGenerator
from lxml import etree
from flask import Blueprint, Response, abort, request, url_for
from flask_babel import get_locale, gettext as _

from indexer.errors import IndexerError, QueryError
from webui import labels
from webui.services import repository, search_service, visible_event
from webui.viewmodels import request_search_args, search_url
from webui.views.search import query_error_message

bp = Blueprint("feeds", __name__)

FEED_SIZE = 50
SEARCHED = 500        # matches a search feed looks at (newest events first)


@dataclass
class FeedEntry:
    """One published document, with the date its current file arrived."""

    doc: object
    event: object
    updated: datetime
    replaced: bool


@bp.get("/feed.atom")
def everything():
    """Every new or replaced published document."""
    return _feed(_entries(), _("New documents"), url_for("search.search", _external=True),
                 request.url)


@bp.get("/events/<event_id>/feed.atom")
def event(event_id):
    """New or replaced documents of one event."""
    ev = visible_event(event_id)
    if ev is None:
        abort(404, _("There is no event with this address."))
    title = _("New documents: %(event)s", event=ev.title(str(get_locale())))
    return _feed(_entries(event_id=event_id), title,
                 url_for("browse.event", event_id=event_id, _external=True), request.url)


@bp.get("/search.atom")
def search():
    """New or replaced documents among a search's results (any query and filters)."""
    args = request_search_args()
    try:
        # One pass, no pages or snippets: the ids of the matching documents (by event
        # date, newest first, when there are more than a feed looks at).
        found, _total, _partial = search_service().ranked_ids(
            args.q, args.filters, "date", limit=SEARCHED, include_unpublished=False,
            expand=args.expand, prefer_languages=[str(get_locale())])
    except QueryError as e:
        abort(400, query_error_message(e))
    except IndexerError as e:
        abort(503, _("The search index is not available: %(reason)s", reason=str(e)))
    ids = set(found)
    described = " · ".join(([f"“{args.q}”"] if args.q else []) +
                           [f"{k}: {', '.join(v)}" for k, v in sorted(args.filters.items())])
    title = _("New documents: %(search)s", search=described) if described \
        else _("New documents")
    page_url = request.host_url.rstrip("/") + search_url("search.search", args, page=1)
    return _feed([e for e in _entries(limit=None) if e.doc.id in ids][:FEED_SIZE], title,
                 page_url, request.url)


def _entries(event_id=None, limit=FEED_SIZE):
    """Published documents (of one event), newest file first (the first `limit`)."""
    repo = repository()
    events = {e.id: e for e in repo.events()}
    replaced = {}
    for version in repo.versions_all():      # newest first: keep each document's first
        replaced.setdefault(version["doc_id"], version["replaced_at"])
    out = []
    for doc in repo.documents(event_id):
        if not doc.is_public:
            continue              # a published document makes its event public too
        when = replaced.get(doc.id) or doc.added_at
        out.append(FeedEntry(doc, events[doc.event_id], _date(when), doc.id in replaced))
    out.sort(key=lambda e: (e.updated, e.doc.id), reverse=True)
    return out[:limit] if limit else out


def _feed(entries, title, page_url, self_url):
    lang = str(get_locale())
    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(xml_safe(title))
    fg.subtitle(_("Workshops and meetings on capacity building and technical assistance "
                  "under the Minamata Convention on Mercury."))
    fg.author(name=_("Secretariat of the Minamata Convention on Mercury"))
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.link(href=page_url, rel="alternate", type="text/html")
    fg.language(lang)
    fg.updated(entries[0].updated if entries else datetime(2019, 1, 1, tzinfo=timezone.utc))
    links = {}
    for entry in reversed(entries):          # feedgen prepends: add oldest first
        _add(fg, entry, lang, links)
    response = Response(_with_link_attributes(fg.atom_str(pretty=True), links),
                        mimetype="application/atom+xml")
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


def _add(fg, entry, lang, links):
    doc, ev = entry.doc, entry.event
    page = url_for("browse.document", doc_id=doc.id, lang=lang, _external=True)
    pdf = url_for("browse.document_file", doc_id=doc.id, _external=True)
    fe = fg.add_entry()
    fe.id(url_for("browse.document", doc_id=doc.id, _external=True))
    fe.title(xml_safe(doc.title))
    fe.updated(entry.updated)
    fe.published(_date(doc.added_at))
    links[page] = {"rel": "alternate", "type": "text/html", "hreflang": lang}
    links[pdf] = {"rel": "enclosure", "type": "application/pdf", "length": str(doc.size)}
    fe.link(href=page, **links[page])
    fe.link(href=pdf, **links[pdf])
    kind = str(labels.TYPE_LABELS.get(doc.type, doc.type))
    fe.category(term=doc.type, label=kind)
    languages = ", ".join(labels.language_name(code) for code in doc.languages)
    parts = [kind, languages, f"{ev.title(lang)}, {ev.city}, {ev.start}"]
    if doc.symbol:
        parts.insert(0, doc.symbol)
    if entry.replaced:
        parts.append(_("replaced by a new file"))
    fe.summary(xml_safe(" · ".join(parts)))


# What XML 1.0 may carry: one stray control character in a title or a query must never
# take a feed down for everyone.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text):
    """`text` without the characters XML cannot carry."""
    return _NOT_XML.sub("", str(text))


def _with_link_attributes(xml, links):
    """feedgen 1.0.0 drops the rel, type and length of an entry's links (its loop variable
    shadows the link it reads them from); set them again, by href."""

    root = etree.fromstring(xml)
    for link in root.iter("{http://www.w3.org/2005/Atom}link"):
        if link.getparent().tag.endswith("entry"):
            for name, value in links.get(link.get("href"), {}).items():
                link.set(name, value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _date(text):
    """An ISO timestamp of the catalog as an aware datetime (UTC when it has no zone)."""
    try:
        value = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return datetime(2019, 1, 1, tzinfo=timezone.utc)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
