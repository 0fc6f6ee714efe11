"""The event fields staff type in (new event at upload, correcting an event), checked once."""
from datetime import date

import pycountry
from flask_babel import gettext as _

from repo.manifest import UN_REGIONS


def split_list(text):
    """'a; b;; c' -> ['a', 'b', 'c']."""
    return [x.strip() for x in (text or "").split(";") if x.strip()]


def place_and_date_errors(form, prefix=""):
    """{field: message} for the city, country, region and dates of an event form."""
    errors = {}
    if not form.get(f"{prefix}city", "").strip():
        errors[f"{prefix}city"] = _("The new event needs a city.")
    if pycountry.countries.get(alpha_2=form.get(f"{prefix}country", "").upper()) is None:
        errors[f"{prefix}country"] = _("Choose a country.")
    if form.get(f"{prefix}region") not in UN_REGIONS:
        errors[f"{prefix}region"] = _("Choose a region.")
    try:
        start = date.fromisoformat(form.get(f"{prefix}start", ""))
        end = date.fromisoformat(form.get(f"{prefix}end", "") or form.get(f"{prefix}start", ""))
        if end < start:
            errors[f"{prefix}end"] = _("The event cannot end before it starts.")
    except ValueError:
        errors[f"{prefix}start"] = _("Give the dates as YYYY-MM-DD.")
    return errors
