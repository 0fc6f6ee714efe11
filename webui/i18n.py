"""Interface languages: chosen from ?lang=, then the cookie, then Accept-Language.

Message catalogues (.po) are compiled to .mo when the app starts, into the data
directory, so no binary catalogue is committed.
"""
import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, request

SOURCE = Path(__file__).parent / "translations"
COOKIE = "lang"


def compile_catalogues(target):
    """Compile every webui/translations/<lang>/LC_MESSAGES/messages.po into `target`."""
    for po_path in SOURCE.glob("*/LC_MESSAGES/messages.po"):
        # Always compiled (a few milliseconds): file times are no guide after a copy.
        mo_path = Path(target) / po_path.relative_to(SOURCE).with_suffix(".mo")
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with open(po_path, "rb") as f:
            catalog = read_po(f)
        tmp = mo_path.with_suffix(f".{os.getpid()}.tmp")      # workers start together
        with open(tmp, "wb") as f:
            write_mo(f, catalog)
        tmp.replace(mo_path)
    return Path(target)


def select_locale():
    """The interface language of this request."""
    supported = current_app.config["MINAMATA_LANGUAGES"]
    for candidate in (request.args.get("lang"), request.cookies.get(COOKIE)):
        if candidate in supported:
            return candidate
    return request.accept_languages.best_match(supported) or supported[0]
