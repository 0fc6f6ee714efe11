"""The application factory: settings, services, languages, security headers, errors."""
from datetime import date, timedelta
from urllib.parse import quote, urlencode

from flask import Flask, current_app, jsonify, render_template, request
from babel.dates import format_date, format_skeleton
from flask_babel import Babel, format_decimal, get_locale, gettext as _
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from indexer.thesaurus import load_thesaurus
from repo.errors import DISK_FULL, is_disk_full
from repo.history import shorten
from repo.listing.bodies import body_name
from repo.settings import Settings
from webui import i18n, labels, security, viewmodels
from webui.errors import RETRY_AFTER
from webui.services import Services, close_repository
from webui.settings import WebSettings
from webui.views import (api, audit, browse, cite, curate, downloads, events_edit, feeds,
                         importer, search, staff, trash, upload, viewer)

# The PDF viewer needs nothing more: PDF.js and its worker come from this site
# (worker-src falls back to script-src), it runs without eval or WebAssembly
# (views/viewer.py, static/viewer.js) and loads the PDF's fonts from memory.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def same_site_path(path):
    """`path` as a link that stays on this site: percent-encoded (a `\\` would let a
    browser read `/\\evil.example` as another host) and with one leading slash."""
    return "/" + quote(path, safe="/:@!$&'()*+,;=-._~").lstrip("/")


def create_app(config=None):
    """Build the app. `config` is a WebSettings, or a dict of WebSettings fields."""
    settings = config if isinstance(config, WebSettings) else WebSettings(**(config or {}))
    store = settings.store or Settings.from_env()
    app = Flask(__name__)
    app.config.update(
        TESTING=settings.testing,
        # Kept in the data directory: every server process, and every restart, must
        # accept the sessions the others signed.
        SECRET_KEY=security.load_secret(store.data_dir),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        # Werkzeug refuses a larger request before reading it (a friendly 413 page).
        MAX_CONTENT_LENGTH=store.max_file_bytes * 2 + 1024 * 1024,
        # A text field as large as a saved listing page (2 MiB, which the import's
        # confirmation sends back): Werkzeug's own limit is 500 kB.
        MAX_FORM_MEMORY_SIZE=8 * 1024 * 1024,
        MINAMATA_LANGUAGES=list(settings.languages),
        MINAMATA_PAGE_SIZE=settings.page_size,
        MINAMATA_MAX_PAGE_SIZE=settings.max_page_size,
        MINAMATA_FACET_LIMIT=settings.facet_limit,
        MINAMATA_PROCESS_MEMORY_MB=settings.process_memory_mb,
        MINAMATA_ZIP_MAX_DOCUMENTS=settings.zip_max_documents,
        MINAMATA_ZIP_MAX_BYTES=settings.zip_max_bytes,
        MINAMATA_SIGN_IN_RULES=settings.sign_in_rules,
        MINAMATA_PDFJS_DIR=settings.pdfjs_folder(),
        MINAMATA_PDFJS=viewer.find_pdfjs(settings.pdfjs_folder()),
        BABEL_TRANSLATION_DIRECTORIES=str(
            i18n.compile_catalogues(store.data_dir / "translations")),
    )
    app.extensions["minamata"] = Services(store, settings.search_cache,
                                          settings.writers_per_process)
    load_thesaurus()        # a broken thesaurus entry stops the start, naming the entry
    Babel(app, locale_selector=i18n.select_locale)
    for bp in (search.bp, browse.bp, api.bp, staff.bp, upload.bp, curate.bp, audit.bp,
               events_edit.bp, importer.bp, feeds.bp, downloads.bp, cite.bp, viewer.bp,
               trash.bp):
        app.register_blueprint(bp)
    app.before_request(security.check_csrf)
    app.teardown_appcontext(close_repository)
    app.after_request(_headers)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _server_error)
    app.jinja_env.globals.update(_template_helpers())
    return app


def _headers(response):
    """Security headers on every answer; the language cookie when ?lang= chose one."""
    if response.mimetype != "application/pdf":
        response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    lang = request.args.get("lang")
    if lang in current_app.config["MINAMATA_LANGUAGES"]:
        response.set_cookie(i18n.COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True)
    return response


def _wants_json():
    return request.path.startswith("/api/")


def _http_error(e):
    if _wants_json():
        return jsonify(error=e.description or e.name), e.code
    # Werkzeug's own descriptions are English; show ours (translated) instead.
    ours = e.description if e.description != type(e).description else None
    return render_template("error.html", code=e.code, message=ours), e.code


def _server_error(e):
    if isinstance(e, MemoryError):
        return _out_of_memory()
    if is_disk_full(e):
        # 507 Insufficient Storage: said plainly; every write is atomic, so nothing half
        # written is left behind.
        current_app.logger.error("disk full: %s", e)
        if _wants_json():
            return jsonify(error=DISK_FULL), 507
        return render_template("error.html", code=507, message=_(
            "The server's disk is full: nothing was saved. Please tell the Secretariat's "
            "IT staff; try again once space has been freed.")), 507
    current_app.logger.exception("unhandled error")
    if _wants_json():
        return jsonify(error="internal error"), 500
    return render_template("error.html", code=500,
                           message=_("Something went wrong on our side.")), 500


def _out_of_memory():
    # A request (a search, most likely) reached the process's heap cap: it is refused, and
    # the process is replaced once its other requests are answered, since the memory a
    # failed allocation left fragmented may not come back (then every request would fail).
    current_app.logger.error("a request reached the server process's memory cap (%s MiB)",
                             current_app.config["MINAMATA_PROCESS_MEMORY_MB"])
    replace = current_app.extensions.get("minamata_replace_process")
    if replace is not None:
        replace()
    message = _("This request needed more memory than the server allows one process; "
                "nothing was changed. Try a narrower search, or try again in a moment.")
    retry = {"Retry-After": str(RETRY_AFTER)}
    if _wants_json():
        return jsonify(error=message), 503, retry
    return render_template("error.html", code=503, message=message), 503, retry


def _first(text, day, locale):
    """French writes the first of the month as an ordinal: "1er novembre"."""
    if locale == "fr" and day.day == 1 and text.startswith("1"):
        return "1er" + text[1:]
    return text


def _template_helpers():
    def when(start, end):
        # As each language writes a range: "30–31 May 2019", "30–31 mai 2019", "30–31 de
        # mayo de 2019" (English as the UN writes it, day first).
        # Our interface languages all put the day first; months are written in full
        # (Babel's interval patterns abbreviate them: "31 oct. – 1 nov.").
        s, e = date.fromisoformat(start), date.fromisoformat(end)
        locale = "en_GB" if str(get_locale()) == "en" else str(get_locale())
        last = _first(format_date(e, "long", locale=locale), e, locale)
        if s == e:
            return last
        if (s.year, s.month) == (e.year, e.month):
            return f"{_first(str(s.day), s, locale)}–{last}"
        if s.year == e.year:
            return f"{_first(format_skeleton('MMMMd', s, locale=locale), s, locale)} – {last}"
        return f"{_first(format_date(s, 'long', locale=locale), s, locale)} – {last}"

    def lang_url(code):
        args = request.args.to_dict(flat=False)
        args["lang"] = [code]
        return f"{same_site_path(request.path)}?{urlencode(args, doseq=True)}"

    return dict(when=when, get_locale=get_locale, csrf_token=security.csrf_token,
                current_user=security.current_user, country_name=labels.country_name,
                language_name=labels.language_name,
                type_label=lambda t: str(labels.TYPE_LABELS.get(t, t)),
                status_label=lambda t: str(labels.STATUS_LABELS.get(t, t)),
                topic_label=labels.topic_label, note_label=labels.note_label,
                region_label=lambda r: str(labels.REGION_LABELS.get(r, r)),
                number=format_decimal, lang_url=lang_url, safe_snippet=Markup,
                version_in=viewmodels.version_in, shorten=shorten,
                body_name=lambda name: body_name(name, str(get_locale() or "en")))
