"""Organisers and funders across languages: the same body named in French, English or
Spanish is one body.

Events keep their organisers and funders as plain lists of names (the catalog and the
manifest stay as they are). Two names are the same body when the alias table below says
so (the Secretariat's usual partners), or when a conservative comparison does: the same
name once articles, case and accents are set aside, or the same acronym in parentheses
("(IETC)"). A body the table knows is shown by its name in the reader's language."""
import re

from repo.listing.places import fold

# key -> {language: name}; "aliases" are other names the listings use for the body.
BODIES = {
    "minamata-secretariat": {
        "en": "Secretariat of the Minamata Convention on Mercury",
        "fr": "Secrétariat de la Convention de Minamata sur le mercure",
        "es": "Secretaría del Convenio de Minamata sobre el Mercurio",
        "aliases": ["Minamata Convention Secretariat", "Secrétariat de la Convention de Minamata"],
    },
    "japan-moe": {
        "en": "Ministry of the Environment of Japan",
        "fr": "Ministère de l'Environnement du Japon",
        "es": "Ministerio de Medio Ambiente del Japón",
        "aliases": ["Japan's Ministry of the Environment", "Ministry of the Environment, Japan",
                    "Ministerio del Medio Ambiente del Japón"],
    },
    "unep-ietc": {
        "en": "UNEP International Environmental Technology Centre (IETC)",
        "fr": "Centre international de technologie de l'environnement du PNUE (IETC)",
        "es": "Centro Internacional de Tecnología Ambiental del PNUMA (IETC)",
        "aliases": ["Programme des Nations Unies pour l'Environnement par l'intermédiaire de "
                    "son Centre International de Technologie de l'Environnement (IETC)",
                    "International Environmental Technology Centre"],
    },
    "unep": {
        "en": "United Nations Environment Programme (UNEP)",
        "fr": "Programme des Nations Unies pour l'environnement (PNUE)",
        "es": "Programa de las Naciones Unidas para el Medio Ambiente (PNUMA)",
        "aliases": ["UNEP", "PNUE", "PNUMA", "UN Environment", "UN Environment Programme",
                    "Programme des Nations Unies pour l'environnement",
                    "Programa de las Naciones Unidas para el Medio Ambiente",
                    "United Nations Environment Programme"],
    },
    "hanoi-hunre": {
        "en": "Hanoi University of Natural Resources and Environment",
        "fr": "Université des ressources naturelles et de l'environnement de Hanoï",
        "es": "Universidad de Recursos Naturales y Medio Ambiente de Hanói",
        "aliases": [],
    },
    "european-union": {
        "en": "European Union", "fr": "Union européenne", "es": "Unión Europea",
        "aliases": ["EU", "UE"],
    },
    "china-trust-fund": {
        "en": "China Trust Fund", "fr": "Fonds d'affectation spéciale pour la Chine",
        "es": "Fondo Fiduciario de China",
        "aliases": ["UNEP China Trust Fund"],
    },
}
_ARTICLES = re.compile(r"^(?:the|le|la|les|l'|el|los|las)\s*")
_ACRONYM = re.compile(r"\(([A-Z][A-Z0-9&-]{1,11})\)")


def _key(name):
    # Articles, case, accents and punctuation set aside.
    text = _ARTICLES.sub("", fold(name))
    return " ".join(re.sub(r"[^\w()']+", " ", text).split())


_BY_KEY = {_key(n): key for key, names in BODIES.items()
           for n in [names["en"], names["fr"], names["es"], *names["aliases"]]}


def body_key(name):
    """The alias table's key of the body a name stands for, or None."""
    return _BY_KEY.get(_key(name))


def same_body(a, b):
    """Whether two names (in any of the three languages) stand for the same body."""
    if _key(a) == _key(b):
        return True
    known_a, known_b = body_key(a), body_key(b)
    if known_a or known_b:
        return known_a == known_b
    acronyms_a, acronyms_b = set(_ACRONYM.findall(a)), set(_ACRONYM.findall(b))
    return bool(acronyms_a & acronyms_b)


def merge_bodies(current, imported):
    """The current names, then each imported name that is not a body already listed
    (a body named in another language keeps its current name)."""
    merged = list(current)
    for name in imported:
        if not any(same_body(name, kept) for kept in merged):
            merged.append(name)
    return merged


def body_name(name, language):
    """A body's name in `language` when the alias table knows it, else as written."""
    key = body_key(name)
    return BODIES[key].get(language, name) if key else name
