"""The domain's records: events and documents, as plain dataclasses."""
import re
import unicodedata
from dataclasses import dataclass, field, asdict

DOCUMENT_TYPES = ("report", "chair_summary", "presentation", "agenda", "other")
STATUSES = ("published", "draft", "retracted")    # only published documents are public


# Parts joined by / . or -, the first one capitalised; a part may carry a parenthesised
# office, as in UNEP(DTIE)/Hg/INC.5/7.
SYMBOL_PATTERN = re.compile(r"[A-Z][A-Za-z0-9]*(?:\([A-Za-z0-9]+\))?"
                            r"(?:[/.\-][A-Za-z0-9]+(?:\([A-Za-z0-9]+\))?)+")


def clean_line(text):
    """One line of text as catalogued (a title, a note): control characters that are
    whitespace (a line break pasted from a word processor, a tab) become a space, other
    invisible control and format characters go, runs of spaces become one. Such
    characters are in PDF metadata and pasted titles, and XML (feeds) refuses them."""
    out = []
    for c in str(text or ""):
        kind = unicodedata.category(c)
        if c.isspace():
            out.append(" ")
        elif kind in ("Cc", "Cs", "Co", "Cn") or (kind == "Cf" and c not in "\u200d\u200c"):
            continue
        else:
            out.append(c)
    return " ".join("".join(out).split())


def clean_symbol(text):
    """An official document symbol as catalogued (`UNEP/MC/WS.2019/HAN/1`), outer spaces
    removed, or ValueError saying what a symbol looks like."""
    if text is None:
        return ""
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not a document symbol: it must be text")
    symbol = text.strip()
    if symbol and (len(symbol) > 80 or not SYMBOL_PATTERN.fullmatch(symbol)):
        raise ValueError(f"{text!r} is not a document symbol (parts joined by / . or - "
                         "without spaces, beginning with a capital letter, e.g. "
                         "UNEP/MC/WS.2019/HAN/1)")
    return symbol


def is_language_code(code):
    """Whether `code` is an ISO 639 language code (two letters, or three)."""
    import pycountry
    code = (code or "").strip().lower()
    if not re.fullmatch(r"[a-z]{2,3}", code):
        return False
    key = "alpha_2" if len(code) == 2 else "alpha_3"
    return pycountry.languages.get(**{key: code}) is not None


def event_id_for(start, city, taken):
    """A readable event id not in `taken`: `2019-hanoi`, then `2019-hanoi-2`, ..."""
    ascii_city = unicodedata.normalize("NFKD", city).encode("ascii", "ignore").decode()
    base = f"{start[:4]}-{re.sub(r'[^a-z0-9]+', '-', ascii_city.lower()).strip('-') or 'event'}"
    event_id, n = base, 2
    while event_id in taken:
        event_id, n = f"{base}-{n}", n + 1
    return event_id


@dataclass
class Event:
    """A workshop or meeting, with the metadata delegates filter and read by."""

    id: str
    titles: dict                      # language code -> title
    city: str
    country: str                      # ISO 3166-1 alpha-2
    region: str                       # UN regional group
    start: str                        # ISO date
    end: str                          # ISO date
    organisers: list = field(default_factory=list)
    funders: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    participants: list = field(default_factory=list)   # ISO codes of countries taking part
    descriptions: dict = field(default_factory=dict)   # language code -> text
    expected: list = field(default_factory=list)       # documents a listing says exist:
    #                                                    [{"type", "languages", "note"}]
    public: bool = True               # shown to delegates before any document of it is;
    #                                   False for an event made by a draft upload
    revision: int = 0

    def __post_init__(self):
        self.public = bool(self.public)     # SQLite keeps it as 0/1

    def title(self, language="en"):
        """The title in `language`, else English, else any."""
        for lang in (language, "en", "fr", "es"):
            if self.titles.get(lang):
                return self.titles[lang]
        return next(iter(self.titles.values()), self.id)

    @property
    def year(self):
        """The year the event started."""
        return self.start[:4]

    def to_dict(self):
        """A JSON-ready dict of every field."""
        return asdict(self)


@dataclass
class Document:
    """One stored PDF of an event, with what was found in it."""

    id: str
    event_id: str
    type: str
    title: str
    sha256: str
    size: int
    original_name: str
    page_count: int = 0
    declared_language: str = ""
    detected_languages: list = field(default_factory=list)
    text_status: str = "ok"           # ok | no_text | partial_text
    source_note: str = ""
    added_at: str = ""
    added_by: str = ""
    origin: str = "upload"            # upload | manifest:<collection>
    status: str = "published"         # published | draft | retracted
    work_id: str = ""                 # the work it is a language version of ("" = its own)
    symbol: str = ""                  # official document symbol, e.g. UNEP/MC/WS.2019/HAN/1
    revision: int = 0

    @property
    def is_public(self):
        """Whether delegates may see it (search, pages, files, API)."""
        return self.status == "published"

    @property
    def languages(self):
        """Detected languages, or the declared one when none could be detected."""
        if self.detected_languages:
            return list(self.detected_languages)
        return [self.declared_language] if self.declared_language else ["und"]

    @property
    def work(self):
        """The key of the work this document is a language version of (its own id when
        it stands alone)."""
        return self.work_id or self.id

    def to_dict(self):
        """A JSON-ready dict of every field, with `languages` added."""
        d = asdict(self)
        d["languages"] = self.languages
        return d
