"""Creating or updating events from a parsed listing.

The same event listed in French and in English is recognised by its country and dates
(the city may be spelled "Hanoï" or "Hanoi"), and keeps a title in each language.
Importing the same listing twice changes nothing."""
import re
from dataclasses import asdict, replace

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
            plan.append(("create", event, entry))
        else:
            event = _merged(current, entry, lang)
            same = _comparable(event) == _comparable(current)
            plan.append(("unchanged" if same else "update", event, entry))
    return plan, problems, lang


def apply_import(repo, plan, actor="cli", address=""):
    """Write the planned creations and updates (call with the write lock held)."""
    for action, event, _ in plan:
        if action != "unchanged":
            before = repo.catalog.find_event(event.id)
            with repo.catalog.transaction():
                repo.catalog.put_event(event)
                repo.audit.record(actor, "import", event.id,
                                  before=before.to_dict() if before else None,
                                  after=event.to_dict(), address=address)


def plan_as_json(plan, problems):
    """The documented JSON form of a plan."""
    return {
        "events": [{"id": e.id, "title": entry.title, "city": e.city, "country": e.country,
                    "region": e.region, "start": e.start, "end": e.end, "funders": e.funders,
                    "organisers": e.organisers, "participants": e.participants,
                    "documents": [{"type": d["type"], "languages": d["languages"],
                                   **({"symbol": d["symbol"]} if d.get("symbol") else {})}
                                  for d in e.expected],
                    "action": action} for action, e, entry in plan],
        "problems": [asdict(p) for p in problems],
    }


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
                   organisers=union(current.organisers, entry.organisers),
                   funders=union(current.funders, entry.funders),
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
