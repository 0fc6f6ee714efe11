"""Load test of the web UI on loopback: 8 concurrent delegates searching.

    python bench/web_load.py [--requests 2000] [--seconds 60] [--clients 8] [--search-cache N]
                             [--peer datasette] [--data DIR] [--commits SECONDS]

Uses the build benchmark's 2,000-document data directory (run bench/build_bench.py
first), adds the shipped documents/ to it, serves it with `minamata serve` (gunicorn) on
127.0.0.1, and reports searches per second and p50/p95 latency of the HTML search page.

Each client acts as a delegate: it types a query, half the time one of a pool of about
130 popular ones (the thesaurus's English, French and Spanish terms, and other words,
phrases and prefixes of the corpus), half the time two words of that pool's vocabulary
that seldom repeat; then, as people do, it sometimes narrows it by a facet, goes to the
next page or sorts by date. First requests of a query and follow-ups are reported apart: a
follow-up may be answered from the server's match cache, a first request rarely is.
`--search-cache 0` measures the server without that cache. Bounded in count and time.

`--peer datasette` then runs the same clients, with the same seeds, against Datasette (a
bench extra) serving an SQLite FTS5 table of the same pages' text with the same facets
(type, language, year, region) on the HTML table page, and prints both throughputs and
p95s and their ratios: the yardstick of a plain, well-made SQLite search site.

`--commits S` changes one document every S seconds during the run (an officer's
correction): each commit makes every server thread move to a new state of the index.
"""
import argparse
import functools
import http.client
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
EXTRA = ["mercury", "coal combustion", "\"interim storage\"", "déchets", "mercurio aduanas",
         "emiss*", "inventory", "hanoi", "laboratoire formation", "amalgam", "customs",
         "Viet Nam", "Bolivia", "gold", "incineration", "dental", "cement", "chlor-alkali",
         "\"national action plan\"", "skin lightening", "batteries", "lamps", "thermometers",
         "contamin*", "monitor*", "legislation", "ministère", "ministerio", "workshop report"]
FOLLOW_UPS = [{"language": "en"}, {"language": "fr"}, {"language": "es"},
              {"type": "report"}, {"type": "presentation"}, {"year": "2019"},
              {"region": "africa"}, {"region": "asia-pacific"}]


def query_pool():
    """About 150 queries: the thesaurus's en/fr/es terms, and the words above."""
    from indexer.thesaurus import load_thesaurus
    pool = list(EXTRA)
    for concept in load_thesaurus():
        for lang in ("en", "fr", "es"):
            pool += concept.terms.get(lang, [])[:2]
    return list(dict.fromkeys(pool))


def tail_query(rng, pool):
    """A query few others type: two words drawn from the pool's words."""
    return " ".join(rng.sample(_words(tuple(pool)), 2))


@functools.lru_cache(maxsize=1)
def _words(pool):
    return sorted({w for q in pool for w in re.findall(r"\w{4,}", q)})


def session(rng, pool):
    """One delegate's requests about one query: [(params, is_first)]. Half the queries
    come from the pool (the popular ones many delegates type), half are two-word
    combinations that seldom repeat (the long tail of a search log)."""
    query = rng.choice(pool) if rng.random() < 0.5 else tail_query(rng, pool)
    params = {"q": query}
    steps = [(dict(params), True)]
    if rng.random() < 0.5:
        params.update(rng.choice(FOLLOW_UPS))
        steps.append((dict(params), False))
    if rng.random() < 0.3:
        steps.append((dict(params, page="2"), False))
    if rng.random() < 0.2:
        steps.append((dict(params, sort="date"), False))
    return steps


def _free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, seconds=30):
    """Return once something listens on 127.0.0.1:port (or give up after `seconds`)."""
    import socket
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"the server did not listen on port {port} within {seconds} s")


def ours(params):
    """The path of our search page for a client's request."""
    return "/?" + urlencode(params)


def datasette(params):
    """The same request to Datasette's table page: full-text search (its escaped mode),
    the filter as a column filter, date order as a sort, page 2 as an offset."""
    out = {"_search": params["q"], "_size": "10", "_facet": ["type", "language", "year",
                                                            "region"]}
    for name in ("language", "type", "year", "region"):
        if name in params:
            out[name] = params[name]
    if params.get("sort") == "date":
        out["_sort_desc"] = "date"
    if params.get("page") == "2":
        out["_next"] = "10"
    return "/pages/pages?" + urlencode(out, doseq=True)


def _client(port, deadline, budget, lock, times, errors, pool, seed, path=ours):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        for params, first in session(rng, pool):
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            started = time.perf_counter()
            try:
                conn.request("GET", path(params))
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if ok:
                    times["first" if first else "follow-up"].append(elapsed)
                else:
                    errors.append(elapsed)


def _quantiles(values):
    values = sorted(values)
    if not values:
        return "none"
    return (f"{len(values)}, p50 {statistics.median(values):.0f} ms, "
            f"p95 {values[max(0, int(len(values) * 0.95) - 1)]:.0f} ms")


def fts_database(data, target):
    """An SQLite file with one row per page of every catalogued document (its text and
    its document's facets) and an FTS5 index of the text, as Datasette serves it."""
    import sqlite3
    from repo.settings import Settings
    from repo.store import Repository
    if target.exists():
        return target
    repo = Repository(Settings.from_env(environ={}, data_dir=Path(data)))
    events = {e.id: e for e in repo.events()}
    partial = target.with_suffix(".part")
    partial.unlink(missing_ok=True)
    db = sqlite3.connect(partial)
    db.execute("CREATE TABLE pages (id INTEGER PRIMARY KEY, doc_id TEXT, page INTEGER, "
               "title TEXT, type TEXT, language TEXT, year TEXT, region TEXT, date TEXT, "
               "body TEXT)")
    for doc in repo.documents():
        event = events[doc.event_id]
        kept = repo.text(doc)
        rows = [(doc.id, n, doc.title, doc.type, (doc.languages or ["und"])[0],
                 event.start[:4], event.region, event.start, page.get("text", ""))
                for n, page in enumerate(kept.get("pages", []), start=1)]
        db.executemany("INSERT INTO pages (doc_id, page, title, type, language, year, "
                       "region, date, body) VALUES (?,?,?,?,?,?,?,?,?)", rows)
    for column in ("type", "language", "year", "region", "date"):
        db.execute(f"CREATE INDEX pages_{column} ON pages({column})")
    db.execute("CREATE VIRTUAL TABLE pages_fts USING fts5(title, body, content=pages, "
               "content_rowid=id, tokenize='unicode61 remove_diacritics 2')")
    db.execute("INSERT INTO pages_fts(pages_fts) VALUES ('rebuild')")
    db.commit()
    db.close()
    repo.close()
    partial.rename(target)
    return target


def keep_committing(data, every, stop):
    """Until `stop` is set, every `every` seconds, a change to one document's title
    committed to the index (as an officer's correction would be): each commit makes
    every server thread search a new index state. Returns the number of commits."""
    from dataclasses import replace
    from indexer.ingest import Indexer
    from repo.settings import Settings
    ix = Indexer(Settings.from_env(environ={}, data_dir=Path(data), workers=1))
    doc = next(iter(ix.repo.documents()))
    commits = 0
    while not stop.wait(every):
        with ix.repo.writing():
            ix.repo.update_document(replace(doc, title=f"{doc.title} ({commits % 2})"))
            ix.update_index()
        commits += 1
    with ix.repo.writing():
        ix.repo.update_document(doc)
        ix.update_index()
    return commits


def run_clients(port, args, pool, path):
    """Run the clients against one server: (times by kind, errors, wall seconds)."""
    times, errors, lock = {"first": [], "follow-up": []}, [], threading.Lock()
    budget = [args.requests]
    deadline = time.monotonic() + args.seconds
    started = time.perf_counter()
    threads = [threading.Thread(target=_client, args=(port, deadline, budget, lock, times,
                                                      errors, pool, args.seed * 100 + n,
                                                      path))
               for n in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors, time.perf_counter() - started


def _report(name, times, errors, wall, clients):
    every = times["first"] + times["follow-up"]
    print(f"{name}: {len(every)} searches, {len(errors)} errors in {wall:.1f} s with "
          f"{clients} clients: {len(every) / wall:.1f} searches/s; all: {_quantiles(every)}")
    print(f"  first request of a query: {_quantiles(times['first'])}")
    print(f"  follow-ups (facet, page 2, date): {_quantiles(times['follow-up'])}")
    every.sort()
    return len(every) / wall, every[max(0, int(len(every) * 0.95) - 1)] if every else 0


def serve_datasette(args, pool):
    """Datasette on an FTS5 copy of the same data, driven by the same clients."""
    # Datasette names a database by its file: /pages/pages is table `pages` of pages.db.
    folder = Path(args.data).parent / (Path(args.data).name + "-fts5")
    folder.mkdir(exist_ok=True)
    db = fts_database(args.data, folder / "pages.db")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", str(db), "--port", str(port),
         "--host", "127.0.0.1", "--setting", "sql_time_limit_ms", "3000",
         "--setting", "facet_time_limit_ms", "1000", "--setting", "num_sql_threads", "4"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(port, 60)
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for _ in range(8):
            warm.request("GET", datasette({"q": "mercury"}))
            warm.getresponse().read()
        return run_clients(port, args, pool, datasette)
    finally:
        server.terminate()
        server.wait(10)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--search-cache", type=int, default=512)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", default=str(Path.home() / ".cache" / "minamata-bench" / "data-full"))
    ap.add_argument("--peer", choices=["datasette"], help="also run the clients against it")
    ap.add_argument("--commits", type=float, default=0, metavar="SECONDS",
                    help="commit a change to the index every SECONDS during the run")
    args = ap.parse_args()
    port = _free_port()
    cmd = [sys.executable, "-m", "minamata.cli", "--data", args.data, "serve", "--port",
           str(port), "--threads", "4", "--search-cache", str(args.search_cache)]
    server = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        for line in server.stdout:                      # wait until it serves
            if "Serving" in line:
                break
        wait_for(port)
        pool = query_pool()
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for params in ({"q": "mercury"}, {"q": ""}):     # open each thread's searchers
            for _ in range(8):
                warm.request("GET", "/?" + urlencode(params))
                warm.getresponse().read()
        stop, commits = threading.Event(), []
        if args.commits:
            writer = threading.Thread(target=lambda: commits.append(
                keep_committing(args.data, args.commits, stop)))
            writer.start()
        try:
            times, errors, wall = run_clients(port, args, pool, ours)
        finally:
            stop.set()
            if args.commits:
                writer.join()
                print(f"{commits[0] if commits else 0} index commits during the run")
    finally:
        server.terminate()
        server.wait(10)
    rate, p95 = _report(f"minamata serve (search cache {args.search_cache})", times, errors,
                        wall, args.clients)
    if args.peer == "datasette":
        peer_rate, peer_p95 = _report("Datasette on FTS5", *serve_datasette(args, pool),
                                      args.clients)
        if peer_rate and peer_p95:
            print(f"ours / Datasette: throughput {rate / peer_rate:.2f}x (target >= 1.5x), "
                  f"p95 {p95 / peer_p95:.2f}x (target <= 1x)")


if __name__ == "__main__":
    main()
