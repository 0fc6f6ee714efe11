"""Countries by name in English, French or Spanish ("Viet Nam", "Bolivie", "Japón"), their
ISO 3166 codes, and the UN regional group each belongs to."""
import gettext
import re
import unicodedata
from functools import lru_cache

import pycountry

# Membership of the UN regional groups (UN Department for General Assembly and Conference
# Management, as used for elections); the United States sits with WEOG for this purpose.
UN_GROUPS = {
    "africa": "DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS "
              "LR LY MG MW ML MR MU MA MZ NA NE NG RW ST SN SC SL SO ZA SS SD TZ TG TN UG ZM "
              "ZW",
    "asia-pacific": "AF BH BD BT BN KH CN CY KP FJ IN ID IR IQ JP JO KZ KI KW KG LA LB MY MV "
                    "MH FM MN MM NR NP OM PK PW PG PH QA KR WS SA SG SB LK SY TJ TH TL TO TM "
                    "TV AE UZ VU VN YE",
    "eastern-europe": "AL AM AZ BY BA BG HR CZ EE GE HU LV LT ME MD PL RO RU RS SK SI MK UA",
    "latin-america-caribbean": "AG AR BS BB BZ BO BR CL CO CR CU DM DO EC SV GD GT GY HT HN "
                               "JM MX NI PA PY PE KN LC VC SR TT UY VE",
    "weog": "AD AT BE CA DK FI FR DE GR IS IE IL IT LI LU MT MC NL NZ NO PT SM ES SE CH TR GB "
            "AU US",
}
REGION_OF = {code: group for group, codes in UN_GROUPS.items() for code in codes.split()}
# Names the Secretariat writes that the ISO lists spell otherwise.
EXTRA_NAMES = {"viet nam": "VN", "vietnam": "VN", "bolivie": "BO", "bolivia": "BO",
               "republique de coree": "KR", "coree du sud": "KR", "south korea": "KR",
               "republic of korea": "KR", "tanzanie": "TZ", "iran": "IR", "laos": "LA",
               "russie": "RU", "russia": "RU", "etats-unis": "US", "estados unidos": "US",
               "royaume-uni": "GB", "reino unido": "GB", "turquie": "TR", "turkiye": "TR",
               "equateur": "EC", "perou": "PE", "panama": "PA", "mexique": "MX"}
_ARTICLES = re.compile(r"^(?:la|le|les|l'|l’|el|los|las|the|d'|d’|de|du|des)\s*", re.I)


def fold(text):
    """Lower case, no accents, single spaces."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text.lower())
                   if not unicodedata.combining(c))
    return " ".join(text.replace("’", "'").split())


@lru_cache(maxsize=1)
def _names():
    names = dict(EXTRA_NAMES)
    translations = [gettext.NullTranslations()] + [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in ("fr", "es")]
    for country in pycountry.countries:
        forms = {country.name, getattr(country, "common_name", None),
                 getattr(country, "official_name", None)}
        for form in filter(None, forms):
            for t in translations:
                for variant in (t.gettext(form), form):
                    names.setdefault(fold(variant), country.alpha_2)
                    names.setdefault(fold(variant.split(",")[0]), country.alpha_2)
    return names


def country_code(name):
    """The ISO code of a country named in English, French or Spanish, or None."""
    key = fold(_ARTICLES.sub("", name.strip()))
    return _names().get(key)


def countries_in(text):
    """ISO codes of the countries named in a text, in order of first mention."""
    folded = fold(text)
    found = []
    for name, code in sorted(_names().items(), key=lambda kv: -len(kv[0])):
        # UN members only: "réunion" (a meeting) is not La Réunion.
        if len(name) < 4 or code not in REGION_OF:
            continue
        for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", folded):
            found.append((m.start(), code))
            break
    seen, ordered = set(), []
    for _, code in sorted(found):
        if code not in seen:
            seen.add(code)
            ordered.append(code)
    return ordered
