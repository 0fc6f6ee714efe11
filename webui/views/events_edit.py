"""Staff correction of an event's metadata (titles, place, dates, people, topics)."""
from dataclasses import replace

import pycountry
from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from repo.errors import NotFound
from repo.manifest import UN_REGIONS
from webui.security import staff_required
from webui.errors import ERRORS, web_error
from webui.eventform import place_and_date_errors, split_list
from webui.services import repository, writer

bp = Blueprint("events_edit", __name__, url_prefix="/staff/events")
LANGS = ("en", "fr", "es")


@bp.route("/<event_id>/edit", methods=["GET", "POST"])
@staff_required()
def edit(event_id):
    """The event form; on POST, save (audited) and re-index the event's documents."""
    try:
        event = repository().event(event_id)
    except NotFound:
        abort(404, _("There is no event with this address."))
    if request.method == "GET":
        return _page(event, {}, {})
    form = request.form
    changed, errors = _read(event, form)
    if errors:
        return _page(event, form, errors), 400
    try:
        with writer() as indexer:
            indexer.put_event(changed, g.user["name"], request.remote_addr)
    except ERRORS as e:
        failure = web_error(e)
        return _page(event, form, {"form": failure.message}), failure.status, failure.headers
    return redirect(url_for("browse.event", event_id=event_id))


def _read(event, form):
    errors = place_and_date_errors(form)
    split = lambda name: split_list(form.get(name, ""))  # noqa: E731
    titles = {lang: form.get(f"title_{lang}", "").strip() for lang in LANGS}
    titles = {k: v for k, v in titles.items() if v}
    if not titles:
        errors["title_en"] = _("The event needs a title.")
    participants = [c.upper() for c in split("participants")]
    if any(pycountry.countries.get(alpha_2=c) is None for c in participants):
        errors["participants"] = _("Give the countries as two-letter codes (VN; BO; JP).")
    descriptions = {lang: form.get(f"description_{lang}", "").strip() for lang in LANGS}
    changed = replace(event, titles=titles, city=form.get("city", "").strip(),
                      country=form.get("country", "").upper(), region=form.get("region"),
                      start=form.get("start", ""),
                      end=form.get("end", "") or form.get("start", ""),
                      organisers=split("organisers"), funders=split("funders"),
                      # As typed ("EMAPE", not "emape"); the index lower-cases facets.
                      topics=split("topics"), participants=participants,
                      descriptions={k: v for k, v in descriptions.items() if v},
                      public=form.get("public") == "1")
    return changed, errors


def _page(event, values, errors):
    countries = sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda x: x[1])
    return render_template("event_edit.html", event=event, values=values, errors=errors,
                           langs=LANGS, regions=list(UN_REGIONS), countries=countries)
