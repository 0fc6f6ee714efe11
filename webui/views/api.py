"""The JSON API: the same data as the pages, for scripts and other portals."""
from flask import Blueprint, jsonify, request

from indexer.errors import IndexerError, QueryError
from indexer.ocrjob import ocr_status
from repo.errors import NotFound
from webui.services import repository, search_service, visible_event, visible_events
from webui.viewmodels import request_search_args

bp = Blueprint("api", __name__, url_prefix="/api")


class ApiError(Exception):
    """An error answered as JSON: {"error": message} with a status code."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


@bp.errorhandler(ApiError)
def _api_error(e):
    return jsonify(error=str(e)), e.status


@bp.get("/search")
def search():
    """Hits and facets, as `minamata search --json` prints them."""
    for name in ("page", "size"):
        raw = request.args.get(name)
        if raw is not None and not raw.isdigit():
            raise ApiError(400, f"{name} must be a whole number")
    args = request_search_args()
    try:
        result = search_service().search(args.q, args.filters, args.sort, args.page,
                                         args.page_size, expand=args.expand)
    except QueryError as e:
        raise ApiError(400, str(e)) from e
    except IndexerError as e:
        raise ApiError(503, str(e)) from e
    return jsonify(result.to_dict())


@bp.get("/documents/<doc_id>")
def document(doc_id):
    """One document's record."""
    try:
        doc = repository().document(doc_id)
    except NotFound as e:
        raise ApiError(404, str(e)) from e
    if not doc.is_public:
        raise ApiError(404, f"unknown document {doc_id!r}")
    work = repository().work(doc).public()
    return jsonify(dict(doc.to_dict(), work=doc.work,
                        versions=[{"id": d.id, "title": d.title, "languages": d.languages}
                                  for d in work.versions],
                        ocr=ocr_status(repository(), doc).to_dict()))


@bp.get("/events")
def events():
    """All events."""
    return jsonify([e.to_dict() for e in visible_events()])


@bp.get("/events/<event_id>")
def event(event_id):
    """One event, with its documents."""
    repo = repository()
    event = visible_event(event_id)
    if event is None:
        raise ApiError(404, f"unknown event {event_id!r}")
    data = event.to_dict()
    data["documents"] = [d.to_dict() for d in repo.documents(event_id) if d.is_public]
    return jsonify(data)


@bp.post("/documents")
def add_document():
    """Add a PDF (multipart: file, event, type; optional title, language, note, symbol,
    published)
    with `Authorization: Bearer TOKEN`; 201 with the document, or 4xx {"error": ...}."""
    from repo.errors import DuplicateDocument
    from webui.errors import ERRORS, web_error
    from webui.views.upload import store_upload
    user = _token_user()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ApiError(400, "send the PDF as the multipart field 'file'")
    published = request.form.get("published", "true").lower()
    if published not in ("true", "false", "1", "0", "yes", "no"):
        raise ApiError(400, "published must be true or false")
    try:
        doc = store_upload(upload, request.form.get("event", ""), request.form.get("type", ""),
                           user.name, title=request.form.get("title"),
                           language=request.form.get("language", ""),
                           note=request.form.get("note", ""),
                           status="published" if published in ("true", "1", "yes") else "draft",
                           version_of=request.form.get("version_of", "").strip(),
                           symbol=request.form.get("symbol", ""))
    except ERRORS as e:
        # The web's one status table; the API's messages stay the store's own English.
        failure = web_error(e)
        body = {"error": failure.message if failure.status == 507 else str(e)}
        if isinstance(e, DuplicateDocument):
            body["existing"] = e.existing_id
        return jsonify(body), failure.status, failure.headers
    return jsonify(dict(doc.to_dict(),
                        ocr=ocr_status(repository(), doc).to_dict(with_reason=True))), 201


def _token_user():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = repository().accounts.by_token(token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise ApiError(401, "send a valid API token: Authorization: Bearer TOKEN "
                            "(minamata user token NAME)")
    return user


@bp.route("/<path:_rest>")
def not_found(_rest):
    """Unknown API paths answer JSON, not an HTML page."""
    raise ApiError(404, "no such API endpoint")
