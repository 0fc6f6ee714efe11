"""A listing page (text or HTML) into entries: title, place and dates, what it says of
hosts, funders, participants and documents. Nothing is guessed: an entry whose place-and-
date line cannot be read is reported with its line number and left out."""
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from repo.listing.chrome import CHROME_ELEMENTS, is_chrome_line, without_trailing_chrome
from repo.listing.dates import find_dates
from repo.listing.places import REGION_OF, countries_in, country_code, fold

LANGUAGE_WORDS = {
    "en": ("english", "anglais", "ingles"), "fr": ("french", "francais", "frances"),
    "es": ("spanish", "espagnol", "espanol"), "ru": ("russian", "russe", "ruso"),
    "zh": ("chinese", "chinois", "chino"), "ar": ("arabic", "arabe"),
    "pt": ("portuguese", "portugais", "portugues"),
}
DOCUMENT_WORDS = [
    ("chair_summary", r"resume du president|chair'?s summary|resumen de la presidencia|"
                      r"resumen del presidente"),
    ("report", r"\brapport\b|\breport\b|\binforme\b"),
    ("presentation", r"presentations?|presentaciones"),
    ("agenda", r"ordre du jour|\bagenda\b|programa provisional"),
]
FUNDING = re.compile(r"(?:financ[ée]\w* par|avec le financement de|funded by|with funding from|"
                     r"financiad[oa]s? por|con (?:el )?financiamiento de|con (?:la )?financiaci[oó]n de|"
                     r"financ[ée] par)\s+([^.;]+)", re.I)
HOSTING = re.compile(r"(?:sous l'égide de|sous l’égide de|organis[ée]+ (?:conjointement )?par|"
                     r"hosted by|organi[sz]ed (?:jointly )?by|organizado (?:conjuntamente )?por|"
                     r"auspiciado por)\s+([^.;]+)", re.I)
KNOWN_FUNDERS = {"union europeenne": "European Union", "european union": "European Union",
                 "union europea": "European Union",
                 "fonds d'affectation speciale pour la chine": "China Trust Fund",
                 "china trust fund": "China Trust Fund"}
# Words that name an event in a title ("Asia-Pacific regional workshop on ...").
EVENT_WORDS = re.compile(r"\b(ateliers?|workshops?|talleres|taller|reunions?|meetings?|"
                         r"reuniones|seminaires?|seminars?|seminarios?|conferences?|"
                         r"conferencias?|forums?|foros?|webinaires?|webinars?|dialogues?|"
                         r"dialogos?|consultations?|consultas?|symposiums?|simposios?|"
                         r"trainings?|formations?|cursos?|sessions?|sesion(?:es)?|"
                         r"manifestations?|side events?|eventos?)\b")


@dataclass
class Entry:
    """One event as a listing describes it."""

    line: int
    title: str
    city: str
    country: str
    region: str
    start: str
    end: str
    description: str
    organisers: list = field(default_factory=list)
    funders: list = field(default_factory=list)
    participants: list = field(default_factory=list)
    documents: list = field(default_factory=list)      # [{"type", "languages", "note"}]


@dataclass
class Problem:
    """A line the parser could not read, for a person to look at."""

    line: int
    message: str


def listing_text(raw):
    """Plain text of a listing given as text or as the page's HTML."""
    if not re.search(r"<(html|body|p|div|h\d)\b", raw[:5000], re.I):
        return raw
    parser = _TextOfHtml()
    parser.feed(raw)
    return "\n".join(parser.lines)


class _TextOfHtml(HTMLParser):
    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "li", "br", "tr", "section", "article"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines, self.current, self.skip = [], "", 0

    def handle_starttag(self, tag, attrs):
        if tag in CHROME_ELEMENTS:
            self.skip += 1
        if tag in self.BLOCKS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in CHROME_ELEMENTS and self.skip:
            self.skip -= 1
        if tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data):
        if not self.skip:
            self.current += data

    def _flush(self):
        text = " ".join(self.current.split())
        self.lines.append(text)
        self.current = ""


def parse_listing(raw):
    """([Entry], [Problem]) of a listing."""
    lines = _content_lines(listing_text(raw))
    entries, problems, starts = [], [], []
    for i, line in enumerate(lines):
        if line and _looks_like_place_line(line):
            title_at = _previous_text_line(lines, i)
            if title_at is not None:
                starts.append((title_at, i))
    for n, (title_at, place_at) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        end = _cut_entry(lines, place_at + 1, end, problems)
        body = [ln for ln in lines[place_at + 1:end] if ln]
        entry = _entry(lines[title_at], lines[place_at], place_at + 1, body, problems)
        if entry is not None:
            entries.append(entry)
    return entries, problems


def _content_lines(text):
    # Chrome lines are blanked, not removed, so that problems keep their line numbers.
    lines = [without_trailing_chrome(ln.strip()) for ln in text.splitlines()]
    return ["" if is_chrome_line(ln) else ln for ln in lines]


def _cut_entry(lines, first, end, problems):
    """Where an entry's body ends: before a title line that has no place-and-date line
    after it (a cut text, or an entry someone must complete), which is reported and left
    out rather than read as the previous entry's description."""
    for i in range(first, end):
        if _looks_like_title(lines[i]):
            problems.append(Problem(i + 1, f"a title without a place-and-date line after "
                                           f"it (is the text cut?), left out: {lines[i]!r}"))
            return i
    return end


def _looks_like_title(line):
    # A title names the kind of event early and is not a sentence: it has no final stop.
    words = fold(line).split()
    return (0 < len(line) < 300 and not re.search(r"[.!?;:,]$", line)
            and EVENT_WORDS.search(" ".join(words[:8])) is not None)


def _looks_like_place_line(line):
    # A short line with a place (commas) and a year: dates will be checked after.
    return len(line) < 160 and re.search(r"\b(19|20)\d\d\b", line) and "," in line


def _previous_text_line(lines, i):
    for j in range(i - 1, max(-1, i - 4), -1):
        if lines[j]:
            return j if len(lines[j]) < 300 else None
    return None


def _entry(title, place_line, line_no, body, problems):
    found = find_dates(place_line)
    if found is None:
        problems.append(Problem(line_no, f"cannot read the dates in {place_line!r}"))
        return None
    start, end, _ = found
    place = re.split(r",?\s*(?:du |del |from )?\d", place_line, maxsplit=1)[0]
    parts = [p.strip() for p in place.split(",") if p.strip()]
    code = next((country_code(p) for p in reversed(parts) if country_code(p)), None)
    if not parts or code is None:
        problems.append(Problem(line_no, f"cannot tell the city and country in {place_line!r}"))
        return None
    text = " ".join(body)
    return Entry(line=line_no - 1, title=title, city=parts[0], country=code,
                 region=REGION_OF.get(code, ""), start=start.isoformat(), end=end.isoformat(),
                 description=text, organisers=_phrases(HOSTING, text),
                 funders=_funders(text), participants=countries_in(f"{title} {text}"),
                 documents=_documents(body))


def _phrases(pattern, text):
    out = []
    for m in pattern.finditer(text):
        # Split a list of bodies, not a body's own name ("ressources naturelles et de
        # l'environnement"): only where the next part starts with an article.
        for part in re.split(r",\s*|\s+(?:et|and|y)\s+(?=(?:le|la|les|l'|the|el|los)\b)",
                             m.group(1)):
            part = part.strip(" ,")
            if len(part) > 3 and part not in out:
                out.append(part)
    return out


def _funders(text):
    folded = fold(text)
    known = [name for key, name in KNOWN_FUNDERS.items() if key in folded]
    return list(dict.fromkeys(known)) or _phrases(FUNDING, text)


def _documents(body):
    docs = []
    for paragraph in body:
        for sentence in re.split(r"(?<=[.!?])\s+", paragraph):
            folded = fold(sentence)
            for doc_type, pattern in DOCUMENT_WORDS:
                if re.search(pattern, folded) and re.search(
                        r"disponible|available|telecharg|download|descargar|consult", folded):
                    note = _parenthesis(sentence)
                    found = {"type": doc_type, "languages": _languages(note or ""),
                             "note": note or ""}
                    symbol = _symbol(sentence)
                    if symbol:
                        found["symbol"] = symbol
                    docs.append(found)
                    break
    return docs


_SYMBOL = re.compile(r"\b(?:UNEP|MC)/[A-Za-z0-9]+(?:[/.\-][A-Za-z0-9]+)+")


def _symbol(sentence):
    # An official symbol named with the document (UNEP/MC/WS.2019/HAN/1, MC/COP.3/...).
    m = _SYMBOL.search(sentence)
    return m.group().rstrip(".") if m else ""


def _parenthesis(sentence):
    m = re.search(r"\(([^)]*)\)", sentence)
    return m.group(1).strip() if m else ""


def _languages(note):
    folded = fold(note)
    return [code for code, words in LANGUAGE_WORDS.items() if any(w in folded for w in words)]
