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
                "language": _l("Language"), "topic": _l("Topic"),
                # Not facets: the bounds of the event dates filter.
                "from": _l("From date"), "to": _l("To date")}
# The Secretariat's topics, a small controlled vocabulary kept in English in the catalog
# (facet values and URLs stay as they are), shown in the interface language.
TOPIC_LABELS = {
    "artisanal and small-scale gold mining": _l("artisanal and small-scale gold mining"),
    "asgm": _l("ASGM"), "bat/bep": _l("BAT/BEP"),
    "capacity building": _l("capacity building"), "chlor-alkali": _l("chlor-alkali"),
    "coal combustion": _l("coal combustion"), "contaminated sites": _l("contaminated sites"),
    "customs": _l("customs"), "emission inventory": _l("emission inventory"),
    "emissions": _l("emissions"), "health": _l("health"),
    "interim storage": _l("interim storage"), "mercury supply": _l("mercury supply"),
    "mercury waste": _l("mercury waste"), "mercury-added products": _l("mercury-added products"),
    "national action plan": _l("national action plan"), "releases": _l("releases"),
    "prior informed consent": _l("prior informed consent"), "reporting": _l("reporting"),
    "synergies": _l("synergies"), "technical assistance": _l("technical assistance"),
    "trade": _l("trade"),
}
# Notes of the Secretariat's listings on a document's languages.
NOTE_LABELS = {
    "english only": _l("English only"), "french only": _l("French only"),
    "spanish only": _l("Spanish only"), "english": _l("English"), "french": _l("French"),
    "spanish": _l("Spanish"), "english and spanish": _l("English and Spanish"),
    "english and french": _l("English and French"), "copie numérisée": _l("scanned copy"),
    "scanned copy": _l("scanned copy"),
}
assert set(REGION_LABELS) == set(UN_REGIONS)


def topic_label(topic):
    """A topic in the interface language, when it is one of the vocabulary's (else as
    written)."""
    label = TOPIC_LABELS.get((topic or "").lower())
    return str(label) if label is not None else topic


def note_label(note):
    """A listing's note on languages ("English only") in the interface language, when it
    is one we know (else as written)."""
    label = NOTE_LABELS.get((note or "").strip().lower())
    return str(label) if label is not None else note


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
    if facet == "topic":
        if value in TOPIC_LABELS:
            return topic_label(value)
        # Topics are indexed in lower case; show them as the events write them.
        for event in (events or {}).values():
            for topic in event.topics:
                if topic.lower() == value:
                    return topic
    return value


# The languages an officer picks from for a document: the six of the United Nations and
# Portuguese (Latin American workshops); another ISO code is still accepted by the API.
DOCUMENT_LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es", "pt")


def language_choices():
    """[(code, name)] of DOCUMENT_LANGUAGES, named and sorted in the interface language."""
    return sorted(((code, language_name(code)) for code in DOCUMENT_LANGUAGES),
                  key=lambda pair: pair[1])
