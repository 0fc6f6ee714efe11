"""How to cite a document: a plain-text citation and the BibTeX, RIS and CSL-JSON records
reference managers import (Zotero, EndNote, Mendeley, JabRef, pandoc).

A `Reference` holds what every format needs, already in the interface language; each
format escapes it its own way. Our documents name no personal author: the author is the
Secretariat, as an institution (BibTeX in double braces, RIS with a trailing comma, CSL
as a `literal`), so no tool splits it into a first and a last name.
"""
import json
import re
from dataclasses import dataclass, field

# Our document types in each format: (BibTeX entry type, RIS TY, CSL type).
FORMAT_TYPES = {
    "report": ("techreport", "RPRT", "report"),
    "chair_summary": ("techreport", "RPRT", "report"),
    "presentation": ("misc", "SLIDE", "speech"),
    "agenda": ("misc", "GEN", "document"),
    "other": ("misc", "GEN", "document"),
}

# biblatex's `langid` (babel's language names) of the languages we index.
BABEL_NAMES = {"en": "english", "fr": "french", "es": "spanish", "pt": "portuguese",
               "de": "german", "ru": "russian", "ar": "arabic", "zh": "chinese"}


@dataclass
class Reference:
    """One document as a citation sees it: plain text, in the interface language."""

    id: str
    title: str
    type: str                 # our document type (report, presentation, ...)
    type_label: str           # its name in the interface language
    author: str               # the institution, in the interface language
    event: str                # the event's title
    place: str                # "Hanoi, Viet Nam"
    dates: str                # the event's dates as the interface writes them
    start: str                # ISO dates of the event
    end: str
    url: str                  # the short link
    symbol: str = ""
    languages: list = field(default_factory=list)

    @property
    def year(self):
        """The event's year: the document's own date of issue is not recorded."""
        return self.start[:4]


def plain(ref):
    """`Author. Title. Symbol. Event, Place, dates. URL.`, each part ended once."""
    parts = [ref.author, ref.title, ref.symbol, f"{ref.event}, {ref.place}, {ref.dates}",
             ref.url]
    return " ".join(_ended(p) for p in parts if p and p.strip())


def _ended(text):
    # A title may end with its own "?" or "."; a second full stop would be wrong.
    text = " ".join(text.split())
    return text if text[-1] in ".?!…" else text + "."


def bibtex(ref):
    """A BibTeX entry: LaTeX's special characters escaped, so braces always balance."""
    entry_type = FORMAT_TYPES.get(ref.type, FORMAT_TYPES["other"])[0]
    fields = [
        ("author", "{" + _tex(ref.author) + "}"),
        ("title", "{" + _tex(ref.title) + "}"),     # inner braces keep its capitals
        ("institution" if entry_type == "techreport" else "publisher", _tex(ref.author)),
        ("type" if entry_type == "techreport" else "howpublished", _tex(ref.type_label)),
        ("number", _tex(ref.symbol)),
        ("address", _tex(ref.place)),
        ("year", _tex(ref.year)),
        ("note", _tex(f"{ref.event}, {ref.place}, {ref.dates}")),
        ("langid", BABEL_NAMES.get(ref.languages[0], "") if ref.languages else ""),
        ("url", _tex_url(ref.url)),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{entry_type}{{{bibtex_key(ref.id)},\n{body}\n}}\n"


def bibtex_key(doc_id):
    """A citation key BibTeX and biber accept: the document id, in letters, digits, - and _."""
    return "minamata:" + (re.sub(r"[^A-Za-z0-9_-]", "-", doc_id) or "document")


_TEX = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
        "$": r"\$", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_",
        "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}


def _tex(text):
    # BibTeX counts every brace, escaped or not, so `\{` would unbalance a field: braces
    # become commands whose own braces pair up.
    text = " ".join((text or "").split())
    return "".join(_TEX.get(c, c) for c in text)


def _tex_url(url):
    # The url field is read verbatim (url/hyperref): only its braces could harm it, and
    # a URL never needs them unencoded.
    return (url or "").replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


def ris(ref):
    """A RIS record: `TAG  - value` lines (CRLF, as the format says), from TY to ER."""
    kind = FORMAT_TYPES.get(ref.type, FORMAT_TYPES["other"])[1]
    lines = [("TY", kind), ("TI", ref.title),
             ("AU", ref.author + ","),          # a trailing comma: an institution
             ("PB", ref.author), ("PY", ref.year), ("CY", ref.place),
             ("SN", ref.symbol), ("M3", ref.type_label),
             ("T2" if kind == "SLIDE" else "N1",
              ref.event if kind == "SLIDE" else f"{ref.event}, {ref.place}, {ref.dates}"),
             *[("LA", lang) for lang in ref.languages if lang != "und"],
             ("UR", ref.url)]
    out = [f"{tag}  - {_one_line(value)}" for tag, value in lines if value and value.strip()]
    return "\r\n".join(out + ["ER  - ", ""])


def _one_line(text):
    # A RIS value ends at the line's end: a line break inside would start a bogus tag.
    return " ".join(text.split())


def csl_json(ref):
    """CSL-JSON (what citeproc, pandoc and Zotero read): an array of one item."""
    kind = FORMAT_TYPES.get(ref.type, FORMAT_TYPES["other"])[2]
    item = {
        "id": ref.id,
        "type": kind,
        "title": ref.title,
        "author": [{"literal": ref.author}],
        "publisher": ref.author,
        "genre": ref.type_label,
        "issued": {"date-parts": [[int(ref.year)]]},
        "event-title": ref.event,
        "event-place": ref.place,
        "event-date": {"date-parts": [_date_parts(d) for d in dict.fromkeys(
            (ref.start, ref.end))]},
        "URL": ref.url,
    }
    if ref.symbol:
        item["number"] = ref.symbol
    languages = [lang for lang in ref.languages if lang != "und"]
    if languages:
        item["language"] = languages[0]     # CSL takes one: the document's first
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


def _date_parts(iso):
    return [int(part) for part in iso.split("-")]
