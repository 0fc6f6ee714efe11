"""The `minamata` command line: index, add, events, search, check."""
import argparse
import json
import os
import re
import sqlite3
import sys
from dataclasses import replace
from html import unescape

from indexer.check import check
from indexer.errors import IndexerError
from indexer.engines import ENGINES
from indexer.ingest import Indexer
from indexer.schema import FACETS
from indexer.search import SearchService
from indexer.versions import suggest_versions
from repo.errors import DISK_FULL, LockHeld, RepoError, is_disk_full
from repo.models import DOCUMENT_TYPES
from repo.settings import Settings
from webui.settings import WebSettings


def main(argv=None):
    """Entry point of the `minamata` console command; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env(data_dir=args.data)
        return args.run(args, settings) or 0
    except (RepoError, IndexerError, ValueError) as e:
        print(f"minamata: error: {e}", file=sys.stderr)
        return 1
    except (OSError, sqlite3.Error) as e:
        if isinstance(e, BrokenPipeError):
            # `minamata search ... | head`: the reader left; that is not an error.
            sys.stderr.close()
            return 0
        if not is_disk_full(e):
            raise
        print(f"minamata: error: {DISK_FULL}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("minamata: interrupted", file=sys.stderr)
        return 130


def _parser():
    p = argparse.ArgumentParser(prog="minamata", description=__doc__)
    p.add_argument("--data", help="data directory (default ./instance, or $MINAMATA_DATA)")
    sub = p.add_subparsers(required=True, metavar="COMMAND")

    c = sub.add_parser("index", help="load documents/ and bring the index up to date")
    c.add_argument("--rebuild", action="store_true",
                   help="build a fresh index beside the live one, then swap it in")
    c.add_argument("--manifest", help="manifest to load (default documents/manifest.json)")
    c.add_argument("--no-manifest", action="store_true", help="do not load any manifest")
    c.add_argument("--engine", choices=ENGINES,
                   help="search engine to build (default $MINAMATA_ENGINE, else the live "
                        "index's, else whoosh); another engine than the live index's "
                        "means a rebuild from the kept text")
    c.set_defaults(run=cmd_index)

    c = sub.add_parser("add", help="add one PDF to an event")
    c.add_argument("file")
    c.add_argument("--event", required=True, help="event id (see `minamata events`)")
    c.add_argument("--type", required=True, help=" | ".join(DOCUMENT_TYPES))
    c.add_argument("--title", help="title (default: from the PDF)")
    c.add_argument("--language", default="", help="declared language code, e.g. en")
    c.add_argument("--note", default="", help='source note, e.g. "English only"')
    c.add_argument("--version-of", default="", metavar="ID",
                   help="a document of the same event this one is a language version of")
    c.add_argument("--symbol", default="", help="official document symbol, e.g. "
                   "UNEP/MC/WS.2019/HAN/1")
    c.add_argument("--json", action="store_true", help="print the whole record as JSON")
    c.set_defaults(run=cmd_add)

    c = sub.add_parser("events", help="list events")
    c.add_argument("--json", action="store_true")
    c.set_defaults(run=cmd_events)

    c = sub.add_parser("search", help="search the documents")
    c.add_argument("query", nargs="?", default="")
    c.add_argument("--filter", action="append", default=[], metavar="FACET=VALUE",
                   help=f"facet filter, repeatable; facets: {', '.join(FACETS)}")
    c.add_argument("--sort", default="relevance", choices=("relevance", "date"))
    c.add_argument("--page", type=int, default=1)
    c.add_argument("--page-size", type=int, default=10)
    c.add_argument("--json", action="store_true", help="print the whole result as JSON")
    c.set_defaults(run=cmd_search)

    c = sub.add_parser("check", help="do catalog, files, text and index agree?")
    c.add_argument("--quick", action="store_true", help="skip re-hashing stored PDFs")
    c.add_argument("--json", action="store_true")
    c.set_defaults(run=cmd_check)

    c = sub.add_parser("serve", help="bring documents/ and the index up to date, then serve "
                       "the web UI")
    c.add_argument("--host", default="127.0.0.1")
    c.add_argument("--port", type=int, default=8000)
    c.add_argument("--workers", type=int, default=2,
                   help="server processes (default 2: one per core)")
    c.add_argument("--threads", type=int, default=4, help="threads per process")
    c.add_argument("--search-cache", type=int, default=WebSettings.search_cache,
                   metavar="N", help="recent queries each process keeps the matches of "
                   "(default %(default)s; 0: none)")
    c.add_argument("--no-manifest", action="store_true", help="do not load any manifest")
    c.add_argument("--secure-cookies", action="store_true",
                   help="send the session cookie over HTTPS only (behind an HTTPS proxy)")
    c.set_defaults(run=cmd_serve)

    c = sub.add_parser("import-events", help="create or update events from a listing page "
                       "(text or HTML)")
    c.add_argument("file")
    c.add_argument("--language", default="auto", choices=("auto", "fr", "en", "es"))
    c.add_argument("--dry-run", action="store_true", help="show what would change; change nothing")
    c.add_argument("--only", action="append", default=None, metavar="EVENT_ID[:FIELD,...]",
                   help="apply only these events (or only these fields of them); repeatable")
    c.add_argument("--json", action="store_true")
    c.set_defaults(run=cmd_import_events)

    c = sub.add_parser("versions", help="a document's language versions, and the documents "
                       "that look like versions of it")
    c.add_argument("id")
    c.add_argument("--json", action="store_true")
    c.set_defaults(run=cmd_versions)

    c = sub.add_parser("link", help="record that a document is a language version of another")
    c.add_argument("id")
    c.add_argument("--version-of", required=True, metavar="ID",
                   help="a document of the work it belongs to")
    c.set_defaults(run=cmd_link)

    c = sub.add_parser("unlink", help="take a document out of its work (it stands alone)")
    c.add_argument("id")
    c.set_defaults(run=cmd_unlink)

    c = sub.add_parser("restore", help="bring a deleted document back from the trash")
    c.add_argument("id", nargs="?", help="document id (omit to list the trash)")
    c.set_defaults(run=cmd_restore)

    c = sub.add_parser("user", help="manage Secretariat staff accounts")
    users = c.add_subparsers(required=True, metavar="ACTION")
    u = users.add_parser("add", help="create an account (password read from the terminal, "
                         "or from standard input)")
    u.add_argument("name")
    u.add_argument("--role", required=True, choices=("editor", "admin"))
    u.set_defaults(run=cmd_user_add)
    u = users.add_parser("list", help="list the accounts")
    u.set_defaults(run=cmd_user_list)
    for action, helptext in (("disable", "stop an account from signing in"),
                             ("enable", "let a disabled account sign in again"),
                             ("password", "set a new password"),
                             ("token", "print a new API token (the old one stops working)")):
        u = users.add_parser(action, help=helptext)
        u.add_argument("name")
        u.set_defaults(run=cmd_user_change, action=action)

    c = sub.add_parser("ocr", help="read scanned pages now (in this process), with a "
                       "progress bar")
    c.add_argument("id", nargs="?", help="a document to OCR (again)")
    c.add_argument("--all-pending", action="store_true",
                   help="every queued document (and those whose worker died)")
    c.set_defaults(run=cmd_ocr)

    c = sub.add_parser("worker", help="run the background worker (OCR of scanned pages) "
                       "until interrupted; `serve` starts one itself")
    c.set_defaults(run=cmd_worker)

    c = sub.add_parser("settings", help="list the settings and their current values")
    c.set_defaults(run=cmd_settings)
    return p


def cmd_index(args, settings):
    """Load the manifest, re-extract missing text, and update or rebuild the index."""
    if getattr(args, "engine", None):
        settings = replace(settings, engine=args.engine)
    indexer = Indexer(settings)
    manifest = None if args.no_manifest else (args.manifest or settings.manifest)
    with indexer.repo.writing():
        if manifest is not None:
            with _progress("loading documents/", len(_manifest_size(manifest))) as tick:
                loaded = indexer.load_manifest(manifest, progress=tick)
            _print_load(loaded)
        indexer.restore_text()
        changed = loaded.added + loaded.updated if manifest is not None else []
        queued = indexer.ocr.schedule_pending(changed)
        total = len(indexer.repo.documents())
        with _progress("indexing", total) as tick:
            report = (indexer.rebuild_index if args.rebuild else indexer.update_index)(tick)
    early = loaded.indexed if manifest is not None and loaded.indexed else None
    added = len(report.added) + (len(early.added) if early and not report.rebuilt else 0)
    updated = len(report.updated) + (len(early.updated) if early and not report.rebuilt else 0)
    what = "rebuilt" if report.rebuilt else "up to date"
    print(f"index {what}: {added} added, {updated} updated, "
          f"{len(report.removed)} removed; {total} documents")
    if queued:
        print(f"{len(queued)} document(s) with scanned pages queued for OCR "
              "(`minamata worker` or `minamata ocr --all-pending` reads them)")
    return 2 if manifest is not None and loaded.refused else 0


def cmd_add(args, settings):
    """Add one PDF; print its id, pages and languages (or its record as JSON)."""
    indexer = Indexer(settings)
    doc = indexer.add(args.file, args.event, args.type, title=args.title,
                      language=args.language, note=args.note, version_of=args.version_of,
                      symbol=args.symbol)
    if args.json:
        print(json.dumps(doc.to_dict(), ensure_ascii=False, indent=2))
    else:
        flag = "  (no text layer: scanned?)" if doc.text_status == "no_text" else ""
        print(f"{doc.id}\t{doc.page_count} pages\t{','.join(doc.languages)}{flag}")


def cmd_events(args, settings):
    """List the events."""
    indexer = Indexer(settings)
    events = indexer.repo.events()
    if args.json:
        print(json.dumps([e.to_dict() for e in events], ensure_ascii=False, indent=2))
        return
    for e in events:
        print(f"{e.id}\t{e.start}..{e.end}\t{e.city}, {e.country}\t{e.title('en')}")


def cmd_search(args, settings):
    """Search and print the results."""
    filters = {}
    for item in args.filter:
        name, sep, value = item.partition("=")
        if not sep or not value:
            raise ValueError(f"--filter {item!r}: write FACET=VALUE, e.g. language=es")
        filters.setdefault(name.strip(), []).append(value)
    service = SearchService(Indexer(settings).index, settings.search_time_limit)
    result = service.search(args.query, filters, args.sort, args.page, args.page_size)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_result(result)


def cmd_check(args, settings):
    """Report whether everything agrees; exit 1 if not."""
    indexer = Indexer(settings)
    report = check(indexer.repo, indexer.index, verify_hashes=not args.quick,
                   ocr_command=settings.ocr_command, engine=settings.engine or None)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        for line in report.problems:
            print(f"PROBLEM  {line}")
        for line in report.notes:
            print(f"note     {line}")
        for doc_id in report.no_text:
            print(f"no text  {doc_id}: no text layer (scanned?); found only by its metadata")
        print(f"ocr      {report.ocr}")
        for line in report.ocr_pending:
            print(f"ocr      {line}")
        state = "consistent" if report.ok else f"{len(report.problems)} problem(s)"
        print(f"{report.documents} documents: {state}")
    return 0 if report.ok else 1


def cmd_serve(args, settings):
    """Index what changed, then serve the web UI with gunicorn (a production server)."""
    from minamata.server import serve
    from webui import create_app
    from webui.settings import WebSettings
    args.rebuild, args.manifest = False, None
    try:
        code = cmd_index(args, settings)
    except LockHeld as e:
        # Another writer is at work; it will bring the index up to date. Serve meanwhile.
        print(f"minamata: not updating the index now: {e}", file=sys.stderr)
        code = 0
    if code:
        print("minamata: some documents were refused (see above); serving the rest",
              file=sys.stderr)
    print(f"minamata: {Indexer(settings).ocr.availability().describe()}", flush=True)
    worker = start_worker(settings)
    print(f"Serving the Minamata documents on http://{args.host}:{args.port}/ "
          "(Ctrl+C to stop)", flush=True)
    web = WebSettings(store=settings, secure_cookies=args.secure_cookies,
                      search_cache=args.search_cache)
    try:
        serve(lambda: create_app(web), args.host, args.port, args.workers, args.threads)
    finally:
        worker.terminate()
        worker.wait(10)


def cmd_ocr(args, settings):
    """OCR one document (queued again if it was done or failed) or every pending one."""
    if bool(args.id) == bool(args.all_pending):
        raise ValueError("name one document ID, or --all-pending")
    indexer = Indexer(settings)
    availability = indexer.ocr.availability()
    if not availability.ok:
        print(f"minamata: {availability.describe()}", file=sys.stderr)
        return 1
    if args.id:
        if indexer.ocr.queue_again(args.id) is None:
            print(f"{args.id}: every page has a text layer; nothing to OCR")
            return 0
        todo = [args.id]
    else:
        todo = indexer.ocr.requeue_stranded(hand_over=False)     # run here, not by a worker
    failed = 0
    for doc_id in todo:
        with _PageBar(f"OCR {doc_id}") as on_page:
            outcome = indexer.ocr.run(doc_id, on_page=on_page)
        if outcome.state == "done":
            print(f"{doc_id}\tdone: {outcome.pages} page(s) read")
        elif outcome.state == "failed":
            failed += 1
            print(f"{doc_id}\tfailed: {outcome.reason}")
        else:
            print(f"{doc_id}\tskipped: another worker is reading it")
    if not todo:
        print("no document waits for OCR")
    return 1 if failed else 0


def cmd_worker(args, settings):
    """Run huey's consumer of the data directory's task queue until interrupted."""
    import logging
    from indexer.tasks import TaskQueue
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("huey").setLevel(logging.WARNING)     # its start-up banner, per task
    queue = TaskQueue(settings)
    indexer = Indexer(settings)
    print(f"minamata worker: {indexer.ocr.availability().describe()}", flush=True)
    # Jobs of a worker that died, and jobs queued while none ran, are handed over now.
    indexer.ocr.enqueue = queue.enqueue_ocr
    indexer.ocr.requeue_stranded()
    present = indexer.repo.workers
    indexer.close()
    # Below the web server's processes: a delegate's search comes before an index write
    # or an OCR job.
    os.nice(5)
    with present.held():             # writers may now hand their index updates over
        queue.consumer().run()


def start_worker(settings):
    """Start `minamata worker` for the data directory as a child process that dies with
    this one (`serve` runs it beside the web server)."""
    import subprocess
    from repo.lifetime import die_with_parent
    return subprocess.Popen([sys.executable, "-m", "minamata.cli", "--data",
                             str(settings.data_dir), "worker"], preexec_fn=die_with_parent)


def cmd_import_events(args, settings):
    """Read a listing; create or update its events (unless --dry-run)."""
    from repo.listing.importer import parse_selection, plan_as_json, plan_import, select_plan
    only = None if args.only is None else parse_selection(args.only)
    try:
        raw = open(args.file, encoding="utf-8").read()
    except (OSError, UnicodeDecodeError) as e:
        raise ValueError(f"{args.file}: cannot read it as UTF-8 text ({e})") from e
    indexer = Indexer(settings)
    if args.dry_run:
        plan, problems, lang = plan_import(indexer.repo, raw, args.language)
        plan = select_plan(plan, only)
    else:
        plan, problems, lang = indexer.import_listing(raw, args.language, only=only)
    if args.json:
        print(json.dumps(plan_as_json(plan, problems), ensure_ascii=False, indent=2))
    else:
        for action, event, _ in plan:
            print(f"{action}\t{event.id}\t{event.start}..{event.end}\t{event.city}, "
                  f"{event.country}\t{event.title(lang)}")
        for p in problems:
            print(f"line {p.line}: {p.message}", file=sys.stderr)
    return 2 if problems else 0


def cmd_versions(args, settings):
    """Print a document's work (its language versions) and suggested versions."""
    indexer = Indexer(settings)
    work = indexer.repo.work(indexer.repo.document(args.id))
    suggestions = suggest_versions(indexer.repo, args.id)
    if args.json:
        print(json.dumps({"work": work.key, "versions": [d.to_dict() for d in work.versions],
                          "suggestions": [s.to_dict() for s in suggestions]},
                         ensure_ascii=False, indent=2))
        return
    _print_work(work)
    for s in suggestions:
        print(f"suggested: {s.document.id}\t{','.join(s.document.languages)}\t"
              f"score {s.score}\tsharing {', '.join(s.shared)}")
    if suggestions:
        print(f"(confirm with: minamata link {args.id} --version-of ID)")


def cmd_link(args, settings):
    """Make a document a language version of another's work."""
    _print_work(Indexer(settings).link_versions(args.id, args.version_of, "cli"))


def cmd_unlink(args, settings):
    """Take a document out of its work."""
    Indexer(settings).unlink_version(args.id, "cli")
    print(f"{args.id}\tstands alone")


def _print_work(work):
    print(f"work {work.key}: {len(work.versions)} language version(s)")
    for doc in work.versions:
        print(f"  {','.join(doc.languages)}\t{doc.id}\t{doc.status}\t{doc.title}")


def cmd_restore(args, settings):
    """Restore a deleted document, or list the trash."""
    indexer = Indexer(settings)
    if not args.id:
        for doc_id in indexer.repo.trash.ids():
            print(doc_id)
        return
    doc = indexer.restore(args.id, "cli")
    print(f"{doc.id}\trestored\t{doc.title}")


def _read_password(prompt="Password: "):
    """A new password, typed twice on a terminal, or the first line of standard input."""
    if sys.stdin.isatty():
        import getpass
        first = getpass.getpass(prompt)
        if getpass.getpass("Again: ") != first:
            raise ValueError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\n")


def cmd_user_add(args, settings):
    """Create a staff account."""
    repo = Indexer(settings).repo
    password = _read_password()
    with repo.writing():
        user = repo.accounts.add(args.name, password, args.role, actor="cli")
    print(f"{user.name}\t{user.role}")


def cmd_user_list(args, settings):
    """List the staff accounts."""
    for user in Indexer(settings).repo.accounts.list():
        state = "disabled" if user.disabled else "active"
        print(f"{user.name}\t{user.role}\t{state}\tsince {user.created_at}")


def cmd_user_change(args, settings):
    """Disable, enable, set a password or issue a token."""
    repo = Indexer(settings).repo
    accounts = repo.accounts
    accounts.get(args.name)
    password = _read_password("New password: ") if args.action == "password" else None
    with repo.writing():
        # Each change and its audit entry commit in one transaction.
        if args.action in ("disable", "enable"):
            accounts.set_disabled(args.name, args.action == "disable", actor="cli")
        elif args.action == "password":
            accounts.set_password(args.name, password, actor="cli")
        else:
            print(accounts.new_token(args.name, actor="cli"))


def cmd_settings(args, settings):
    """Print each setting, its environment variable and its value."""
    for name, env, _, help_text in Settings.describe():
        print(f"{name:18} {env:28} {getattr(settings, name)!s:28} {help_text}")


def _manifest_size(path):
    try:
        return json.loads(open(path, encoding="utf-8").read()).get("documents", [])
    except (OSError, ValueError):
        return []


class _progress:
    """A tqdm bar on a terminal; silent otherwise. Yields a tick(item) callback."""

    def __init__(self, label, total):
        self.label, self.total, self.bar = label, total, None

    def __enter__(self):
        if sys.stderr.isatty() and self.total:
            from tqdm import tqdm
            self.bar = tqdm(total=self.total, desc=self.label, unit="doc", leave=False)
            return lambda _item: self.bar.update(1)
        return None

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()


class _PageBar:
    """A progress bar of pages read, on a terminal (`on_page(k, n)`)."""

    def __init__(self, label):
        self.label, self.bar = label, None

    def __enter__(self):
        return self.update

    def update(self, k, n):
        """Show that k of n pages are read."""
        if not sys.stderr.isatty():
            return
        if self.bar is None:
            from tqdm import tqdm
            self.bar = tqdm(total=n, desc=self.label, unit="page", leave=False)
        self.bar.update(k - self.bar.n)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()


def _print_load(report):
    if report.added or report.updated or report.removed or report.events_changed:
        print(f"documents/: {len(report.events_changed)} events changed, "
              f"{len(report.added)} documents added, {len(report.updated)} updated, "
              f"{len(report.removed)} removed")
    for doc_id, message in report.refused:
        print(f"minamata: refused {doc_id}: {message}", file=sys.stderr)


def _print_result(result):
    if result.total == 0:
        print(f'No documents match "{result.query}".')
    else:
        last = (result.total - 1) // result.page_size + 1
        print(f'{result.total} document(s) match "{result.query}" '
              f'(page {result.page} of {last}, by {result.sort})\n')
    for n, hit in enumerate(result.hits, start=(result.page - 1) * result.page_size + 1):
        event = hit.event_titles.get("en") or hit.event
        symbol = f"{hit.symbol} · " if hit.symbol else ""
        print(f"{n}. {hit.title}  [{symbol}{hit.type} · {', '.join(hit.languages)}]")
        if len(hit.versions) > 1:
            print("   also in: " + "; ".join(f"{','.join(v['languages'])} ({v['id']})"
                                             for v in hit.versions if v["id"] != hit.id))
        print(f"   {event} — {hit.city}, {hit.date}")
        if hit.pages:
            also = f"; also on {', '.join(map(str, hit.pages[1:]))}" if hit.pages[1:] else ""
            print(f"   best match on page {hit.pages[0]}{also}")
        if hit.snippet:
            print(f"   {_terminal(hit.snippet)}")
        print(f"   id: {hit.id}\n")
    if result.suggestion:
        print(f'Did you mean: "{result.suggestion}"?')
    for name, values in result.facets.items():
        shown = ", ".join(f"{'*' if v.selected else ''}{v.value} ({v.count})" for v in values[:8])
        if shown:
            print(f"{name:9} {shown}")
    for n in result.narrowed:
        print(f'"{n["prefix"]}*" begins {n["words"]:,}{"+" if n["more"] else ""} words: only '
              f'the {n["searched"]} most common were searched')
    if result.partial:
        print("(the search took too long and was cut short; results may be incomplete)")


def _terminal(snippet_html):
    text = re.sub(r"</?mark>", lambda m: "]" if m.group().startswith("</") else "[",
                  snippet_html)
    return unescape(text)


if __name__ == "__main__":
    sys.exit(main())
