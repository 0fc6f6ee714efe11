"""Human labels for facet values and codes, in the interface language."""
import gettext
from functools import lru_cache

import pycountry
from flask_babel import get_locale, lazy_gettext as _l

from repo.manifest import UN_REGIONS

TYPE_LABELS = {"report": _l("Report"), "chair_summary": _l("Chair's summary"),
               "presentation": _l("Presentation"), "agenda": _l("Agenda"),
               "other": _l("Other document")}
REGION_LABELS = {"africa": _l("Africa"), "asia-pacific": _l("Asia-Pacific"),
                 "eastern-europe": _l("Eastern Europe"),
                 "latin-america-caribbean": _l("Latin America and the Caribbean"),
                 "weog": _l("Western European and other States")}
STATUS_LABELS = {"published": _l("Published"), "draft": _l("Draft"),
                 "retracted": _l("Retracted")}
FACET_LABELS = {"event": _l("Event"), "year": _l("Year"), "country": _l("Country"),
                "region": _l("Region"), "type": _l("Document type"),
                "language": _l("Language"), "topic": _l("Topic")}
assert set(REGION_LABELS) == set(UN_REGIONS)


def _ui():
    return str(get_locale() or "en")


@lru_cache(maxsize=None)
def _iso_translation(domain, lang):
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[lang], fallback=True)


def country_name(code):
    """The country's name in the interface language ('VN' -> 'Viet Nam')."""
    country = pycountry.countries.get(alpha_2=(code or "").upper())
    if country is None:
        return code
    # The ISO name, as the UN writes it ("Viet Nam"), unless it is an inverted official
    # form ("Bolivia, Plurinational State of"): then the common name ("Bolivia").
    name = country.name
    if "," in name:
        name = getattr(country, "common_name", None) or name
    return _iso_translation("iso3166-1", _ui()).gettext(name)


def language_name(code, in_sentence=False):
    """The language's name in the interface language ('es' -> 'Spanish'), capitalised
    to stand alone, or as written inside a sentence (French and Spanish write
    'version en anglais', 'versión en inglés')."""
    if code == "und":
        return str(_l("Undetermined"))
    lang = pycountry.languages.get(alpha_2=(code or "").lower())
    if lang is None:
        return code
    name = _iso_translation("iso639-3", _ui()).gettext(lang.name)
    if in_sentence and _ui() != "en":
        return name[:1].lower() + name[1:]      # pycountry capitalises every name
    return name[:1].upper() + name[1:]


def facet_value_label(facet, value, events=None):
    """The label shown for one value of a facet."""
    if facet == "type":
        return str(TYPE_LABELS.get(value, value))
    if facet == "region":
        return str(REGION_LABELS.get(value, value))
    if facet == "country":
        return country_name(value)
    if facet == "language":
        return language_name(value)
    if facet == "event" and events and value in events:
        return events[value].title(_ui())
    if facet == "topic" and events:
        # Topics are indexed in lower case; show them as the events write them.
        for event in events.values():
            for topic in event.topics:
                if topic.lower() == value:
                    return topic
    return value
