"""Creating or updating events from a parsed listing.

The same event listed in French and in English is recognised by its country and dates
(the city may be spelled "Hanoï" or "Hanoi"), and keeps a title in each language.
Importing the same listing twice changes nothing. A plan says, per event and per field,
what is there and what the listing would put there; an officer may keep only some of
those changes (`select_plan`), and only those are written."""
import hashlib
import json
import re
from dataclasses import asdict, dataclass, replace

from repo.listing.bodies import merge_bodies
from repo.listing.parse import parse_listing
from repo.models import Event, event_id_for

_LANGUAGE_HINTS = {
    "fr": r"\b(atelier|réunion|janvier|février|mars|avril|juin|juillet|août|octobre|décembre|"
          r"disponible ici|s'est tenu)\b",
    "en": r"\b(workshop|meeting|january|february|march|april|june|july|august|october|"
          r"december|available here|was held)\b",
    "es": r"\b(taller|reunión|enero|febrero|marzo|abril|junio|julio|agosto|octubre|"
          r"diciembre|disponible aquí|se celebró)\b",
}


# The fields a plan compares, as named in `changes` and in a selection; an event created
# from a listing always takes its title, place and dates (it is nothing without them).
FIELDS = ("title", "city", "country", "region", "start", "end", "description", "organisers",
          "funders", "participants", "documents")
REQUIRED_ON_CREATE = frozenset({"title", "city", "country", "region", "start", "end"})
_ATTRIBUTES = {"title": "titles", "description": "descriptions", "documents": "expected"}
_PER_LANGUAGE = ("title", "description")


@dataclass
class PlannedEvent:
    """One event of a plan: what would be done, the event as it would be written, the
    listing's entry, and the event as it is now (None for a creation). Unpacks as
    (action, event, entry), as plans always did."""

    action: str            # create | update | unchanged | skipped
    event: Event
    entry: object
    current: Event = None

    def __iter__(self):
        return iter((self.action, self.event, self.entry))

    @property
    def changes(self):
        """[{"field", "old", "new"}] (and "language" for titles and descriptions) of
        every field the plan changes."""
        return [change for name in FIELDS for change in _field_changes(
            self.current, self.event, name)]


def guess_language(text):
    """fr, en or es: the language whose common listing words occur most."""
    counts = {lang: len(re.findall(p, text, re.I)) for lang, p in _LANGUAGE_HINTS.items()}
    return max(counts, key=counts.get)


def plan_import(repo, raw, language="auto"):
    """What importing a listing would do: ([(action, Event, entry)], problems, language)."""
    entries, problems = parse_listing(raw)
    lang = guess_language(raw) if language == "auto" else language
    existing = repo.events()
    taken = {e.id for e in existing}
    plan = []
    for entry in entries:
        current = _same_event(existing, entry)
        if current is None:
            event = _new_event(entry, lang, taken)
            taken.add(event.id)
            plan.append(PlannedEvent("create", event, entry))
        else:
            event = _merged(current, entry, lang)
            same = _comparable(event) == _comparable(current)
            plan.append(PlannedEvent("unchanged" if same else "update", event, entry,
                                     current))
    return plan, problems, lang


def select_plan(plan, only):
    """The plan keeping only the chosen changes. `only` maps an event id to the fields
    to change (None: all of them); events not named are skipped. None keeps everything."""
    if only is None:
        return list(plan)
    unknown = sorted(set(only) - {p.event.id for p in plan})
    if unknown:
        raise ValueError(f"{unknown[0]!r} is not an event of this listing")
    fields = set().union(*[f for f in only.values() if f]) - set(FIELDS)
    if fields:
        raise ValueError(f"{sorted(fields)[0]!r} is not a field of an event")
    return [_selected(p, only[p.event.id]) if p.event.id in only
            else replace(p, action="skipped", event=p.current or p.event)
            for p in plan]


def parse_selection(specs):
    """{event id: fields or None} from `EVENT_ID[:FIELD,...]` specs; ValueError names an
    unknown field."""
    only = {}
    for spec in specs:
        event_id, _, fields = spec.partition(":")
        names = {f.strip() for f in fields.split(",") if f.strip()} or None
        unknown = sorted((names or set()) - set(FIELDS))
        if unknown:
            raise ValueError(f"unknown field {unknown[0]!r} in {spec!r} (fields: "
                             f"{', '.join(FIELDS)})")
        key = event_id.strip()
        if names is None or only.get(key, set()) is None:     # the whole event wins
            only[key] = None
        else:
            only[key] = only.get(key, set()) | names
    return only


def apply_import(repo, plan, actor="cli", address=""):
    """Write the planned creations and updates (call with the write lock held)."""
    for action, event, _ in plan:
        if action in ("create", "update"):
            before = repo.catalog.find_event(event.id)
            with repo.catalog.transaction():
                repo.catalog.put_event(event)
                repo.audit.record(actor, "import", event.id,
                                  before=before.to_dict() if before else None,
                                  after=event.to_dict(), address=address)


def plan_digest(plan):
    """A short fingerprint of what a plan would write, to tell at confirmation whether the
    catalog changed since the officer saw the preview."""
    data = json.dumps([_planned_json(p) for p in plan], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()[:32]


def plan_as_json(plan, problems):
    """The documented JSON form of a plan, with each event's `changes`."""
    return {"events": [_planned_json(p) for p in plan],
            "problems": [asdict(p) for p in problems]}


def _planned_json(planned):
    e = planned.event
    return {"id": e.id, "title": planned.entry.title, "city": e.city, "country": e.country,
            "region": e.region, "start": e.start, "end": e.end, "funders": e.funders,
            "organisers": e.organisers, "participants": e.participants,
            "documents": [{"type": d["type"], "languages": d["languages"],
                           **({"symbol": d["symbol"]} if d.get("symbol") else {})}
                          for d in e.expected],
            "action": planned.action, "changes": planned.changes}


def _selected(planned, fields):
    if planned.action not in ("create", "update") or fields is None:
        return planned
    event = _with_fields(planned.current, planned.event, fields)
    same = planned.current is not None and _comparable(event) == _comparable(planned.current)
    return replace(planned, event=event, action="unchanged" if same else planned.action)


def _with_fields(current, planned, fields):
    # Start from the event as it is (for a creation: its title, place and dates only) and
    # take from the plan only the fields chosen.
    if current is None:
        current = replace(planned, organisers=[], funders=[], participants=[],
                          descriptions={}, expected=[])
        fields = set(fields) | REQUIRED_ON_CREATE
    changed = {}
    for name in fields:
        attribute = _ATTRIBUTES.get(name, name)
        new = getattr(planned, attribute)
        if name in _PER_LANGUAGE:
            new = {**getattr(current, attribute), **new}
        changed[attribute] = new
    return replace(current, **changed)


def _field_changes(current, planned, name):
    attribute = _ATTRIBUTES.get(name, name)
    new = getattr(planned, attribute)
    old = getattr(current, attribute) if current is not None else type(new)()
    if name in _PER_LANGUAGE:
        return [{"field": name, "language": lang, "old": old.get(lang, ""), "new": text}
                for lang, text in new.items() if old.get(lang, "") != text]
    return [{"field": name, "old": old, "new": new}] if old != new else []


def _same_event(events, entry):
    for event in events:
        if (event.country, event.start, event.end) == (entry.country, entry.start, entry.end):
            return event
    return None


def _new_event(entry, lang, taken):
    return Event(id=event_id_for(entry.start, entry.city, taken), titles={lang: entry.title}, city=entry.city,
                 country=entry.country, region=entry.region, start=entry.start, end=entry.end,
                 organisers=entry.organisers, funders=entry.funders,
                 participants=entry.participants,
                 descriptions={lang: entry.description} if entry.description else {},
                 expected=entry.documents)


def _merged(current, entry, lang):
    union = lambda a, b: list(dict.fromkeys(list(a) + list(b)))  # noqa: E731
    descriptions = dict(current.descriptions)
    if entry.description:
        descriptions[lang] = entry.description
    return replace(current, titles={**current.titles, lang: entry.title},
                   descriptions=descriptions,
                   organisers=merge_bodies(current.organisers, entry.organisers),
                   funders=merge_bodies(current.funders, entry.funders),
                   participants=union(current.participants, entry.participants),
                   expected=_merge_expected(current.expected, entry.documents))


def _merge_expected(current, listed):
    by_type = {d["type"]: d for d in current}
    for doc in listed:
        known = by_type.get(doc["type"])
        if known is None or (doc["languages"] and not known["languages"]):
            merged = dict(doc)
            if not merged.get("symbol") and known and known.get("symbol"):
                merged["symbol"] = known["symbol"]
            by_type[doc["type"]] = merged
        elif doc.get("symbol") and not known.get("symbol"):
            by_type[doc["type"]] = {**known, "symbol": doc["symbol"]}
    return list(by_type.values())


def _comparable(event):
    data = event.to_dict()
    data.pop("revision")
    return data
