"""Event dates as the Secretariat writes them, in French, English and Spanish.

`31 octobre-1er novembre 2019`, `8-10 octobre 2019`, `30 au 31 mai 2019`,
`du 3 au 7 novembre 2025`, `31 October – 1 November 2019`, `30 Oct 2023 - 03 Nov 2023`,
`del 3 al 7 de noviembre de 2025`, one-day events. A date needs a day, a month name and a
year: times of day (`10:00 - 12:30`), year ranges (`2024-2025`) and durations never match.
"""
import re
import unicodedata
from datetime import date

MONTHS = {
    1: "janvier january jan janv enero ene", 2: "fevrier february feb fev fevr febrero",
    3: "mars march mar marzo", 4: "avril april apr avr abril abr",
    5: "mai may mayo", 6: "juin june jun junio", 7: "juillet july jul juil julio",
    8: "aout august aug agosto ago", 9: "septembre september sep sept septiembre set",
    10: "octobre october oct octubre", 11: "novembre november nov noviembre",
    12: "decembre december dec diciembre dic",
}
_MONTH = {name: number for number, names in MONTHS.items() for name in names.split()}
_MONTH_RE = "|".join(sorted(_MONTH, key=len, reverse=True))
_D = r"(?P<{}>[0-3]?\d)(?:er|st|nd|rd|th|º|°)?"
_M = r"(?P<{}>" + _MONTH_RE + r")\.?"
_Y = r"(?P<{}>(?:19|20)\d\d)"
_TO = r"\s*(?:-|au|al|to|a|et|y|and|until|hasta)\s*"
PATTERNS = [
    # 31 octobre 2019 - 1 novembre 2019 / 30 Oct 2023 - 03 Nov 2023
    rf"{_D.format('d1')}\s+{_M.format('m1')}\s+{_Y.format('y1')}{_TO}"
    rf"{_D.format('d2')}\s+{_M.format('m2')}\s+{_Y.format('y2')}",
    # 31 octobre - 1er novembre 2019 / 31 de octubre al 1 de noviembre de 2019
    rf"{_D.format('d1')}\s+{_M.format('m1')}{_TO}{_D.format('d2')}\s+{_M.format('m2')}\s+{_Y.format('y2')}",
    # 8-10 octobre 2019 / 30 au 31 mai 2019 / del 3 al 7 de noviembre de 2025
    rf"{_D.format('d1')}{_TO}{_D.format('d2')}\s+{_M.format('m2')}\s+{_Y.format('y2')}",
    # October 8-10, 2019 / October 31 - November 1, 2019
    rf"{_M.format('m1')}\s+{_D.format('d1')}{_TO}(?:{_M.format('m2')}\s+)?{_D.format('d2')},?\s+{_Y.format('y2')}",
    # 5 juin 2020 (one day)
    rf"{_D.format('d1')}\s+{_M.format('m1')}\s+{_Y.format('y1')}",
]
_COMPILED = [re.compile(rf"(?<![\w:]){p}(?![\w:])") for p in PATTERNS]


def normalise(text):
    """Lower case, no accents, dashes as '-', Spanish 'de' and 'del/du' dropped."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text.lower())
                   if not unicodedata.combining(c))
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"\b(?:de|du|del|from|le|les|el|los)\s+(?=\d)", "", text)
    text = re.sub(r"(?<=\d)\s+de\s+(?=[a-z])", " ", text)    # 3 de noviembre
    text = re.sub(r"(?<=[a-z])\s+de\s+(?=\d)", " ", text)    # noviembre de 2025
    return text


def find_dates(text):
    """(start, end, span of the match in the normalised text) of the first event date
    range in `text`, or None."""
    norm = normalise(text)
    best, rejected = None, []
    for pattern in _COMPILED:
        for m in pattern.finditer(norm):
            if any(s <= m.start() < e for s, e in rejected):
                continue            # part of a range we refused: not a date on its own
            found = _to_dates(m.groupdict())
            if not found:
                rejected.append(m.span())
                continue
            if best is None or m.start() < best[2][0]:
                best = (found[0], found[1], m.span())
            break
    return best


def _to_dates(g):
    y2 = int(g["y2"]) if g.get("y2") else int(g["y1"])
    y1 = int(g["y1"]) if g.get("y1") else y2
    m2 = _MONTH[g["m2"]] if g.get("m2") else _MONTH[g["m1"]]
    m1 = _MONTH[g["m1"]] if g.get("m1") else m2
    d1 = int(g["d1"])
    d2 = int(g["d2"]) if g.get("d2") else d1
    try:
        start, end = date(y1, m1, d1), date(y2, m2, d2)
    except ValueError:
        return None
    if g.get("m1") and not g.get("y1") and m1 > m2:     # 30 December - 2 January 2020
        start = date(y2 - 1, m1, d1)
    if end < start or (end - start).days > 31:
        return None
    return start, end
