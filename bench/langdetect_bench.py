"""Language detection, old method against new, on the same pages: CPU seconds per 1,000
pages, langdetect calls, and whether every page and document gets the same languages.

    python bench/langdetect_bench.py [--docs 200] [--mixed 0.5]

old:      `page_languages` on every page (up to 3 langdetect calls a page), then
          `document_languages`, as the build did before `document_page_languages`.
new:      `document_page_languages`: the document's likely language by the stop words of
          a sample, stop words to pass the pages (and, on the other pages, the pieces)
          plainly in that language, langdetect on the rest.
one-call: the alternative cheap test, for the record: a page whose first piece langdetect
          calls the document's language is given it (one call instead of three).

Page sets: the shipped documents (documents/), `--docs` PDFs of the benchmark corpus
(~/.cache/minamata-bench, made by bench/build_bench.py; 10 pages each, spread over its
languages), and the same documents with, in a `--mixed` share of them, one page given a
10-50 % stretch of another language (where the answers are easiest to lose).
"""
import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indexer import language                                     # noqa: E402
from indexer.extract import _page_texts, open_pdf                # noqa: E402
from indexer.language import (_pieces, _PIECE_SAMPLE, STEMMED_LANGUAGES,  # noqa: E402
                              document_languages, document_page_languages,
                              document_sample, page_languages)
from indexer.textnorm import normalise_pages                     # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path.home() / ".cache" / "minamata-bench" / "corpus" / "pdf"


def old_method(texts):
    """([page languages], document languages) by judging every page on its own."""
    pages = [page_languages(t) for t in texts]
    return pages, document_languages(list(zip(texts, pages)))


def one_call_method(texts):
    """The other cheap test measured: one langdetect call on a page's first piece."""
    found = language.detect_languages(document_sample(texts))
    main = found[0][0] if found else None
    pages = []
    for text in texts:
        first = (_pieces(text) or [""])[0][:_PIECE_SAMPLE]
        guess = language.detect_languages(first) if main in STEMMED_LANGUAGES else []
        pages.append([main] if guess and guess[0][0] == main else page_languages(text))
    return pages, document_languages(list(zip(texts, pages)))


METHODS = {"old": old_method, "new": document_page_languages, "one-call": one_call_method}


def read_documents(files):
    """{name: [normalised page text]} of PDFs, as the build extracts them."""
    return {str(f): normalise_pages(_page_texts(open_pdf(f))[0]) for f in files}


def shipped_documents():
    """The page texts of every document in documents/manifest.json."""
    manifest = json.loads((ROOT / "documents" / "manifest.json").read_text())
    return read_documents(ROOT / "documents" / d["file"] for d in manifest["documents"])


def bench_documents(count):
    """`count` benchmark PDFs spread over the corpus (and so over its languages)."""
    files = sorted(BENCH.rglob("*.pdf"))
    if not files:
        raise SystemExit(f"no PDFs under {BENCH}: run bench/build_bench.py first")
    step = max(1, len(files) // count)
    # The corpus cycles en, en, fr, es: an offset that moves keeps all three.
    return read_documents(files[(i * step + i % step) % len(files)] for i in range(count))


def with_mixed_pages(docs, share, seed=11):
    """A copy of `docs` where a `share` of them have one page with a 10-50 % stretch (at
    its start, middle or end) of a page from a document in another language."""
    rng = random.Random(seed)
    names = sorted(docs)
    out = {}
    for name in names:
        texts = list(docs[name])
        if rng.random() < share:
            other = docs[rng.choice(names)]
            k = rng.randrange(len(texts))
            page, guest = texts[k], rng.choice(other)
            n = int(len(page) * rng.choice([0.1, 0.2, 0.25, 0.3, 0.4, 0.5]))
            where = rng.choice([0, len(page) // 2 - n // 2, len(page) - n])
            texts[k] = f"{page[:where]} {guest[:n]} {page[where + n:]}"
        out[name + " (mixed)"] = texts
    return out


def run(method, docs):
    """({name: result}, CPU seconds, langdetect calls) of one method over documents."""
    calls = [0]
    real = language.detect_languages

    def counted(text):
        calls[0] += 1
        return real(text)

    language.detect_languages = counted    # page_languages looks it up on each call
    try:
        started = time.process_time()
        results = {name: method(texts) for name, texts in docs.items()}
        return results, time.process_time() - started, calls[0]
    finally:
        language.detect_languages = real


def compare(docs, old, new):
    """(pages identical, pages, documents identical, documents, [disagreements])."""
    same = pages = same_docs = 0
    differ = []
    for name, texts in docs.items():
        (old_pages, old_doc), (new_pages, new_doc) = old[name], new[name]
        same_docs += old_doc == new_doc
        for n, (a, b) in enumerate(zip(old_pages, new_pages), start=1):
            pages += 1
            if a == b:
                same += 1
            else:
                differ.append((name, n, a, b, texts[n - 1][:160]))
    return same, pages, same_docs, len(docs), differ


def report(label, docs):
    """Print each method's cost and agreement with the old method on `docs`."""
    page_count = sum(len(t) for t in docs.values())
    results, spent = {}, {}
    print(f"\n{label}: {len(docs)} documents, {page_count} pages")
    for name, method in METHODS.items():
        results[name], spent[name], calls = run(method, docs)
        line = (f"  {name:8} {spent[name] / page_count * 1000:6.2f} CPU s per 1,000 pages, "
                f"{calls / page_count:4.2f} detect calls per page")
        if name != "old":
            same, pages, same_docs, doc_count, differ = compare(docs, results["old"],
                                                                results[name])
            line += (f"; old/{name} {spent['old'] / spent[name]:4.1f}x; pages identical "
                     f"{same}/{pages}, documents {same_docs}/{doc_count}")
            for where, n, a, b, excerpt in differ[:10]:
                line += f"\n      {Path(where).name} p.{n}: old {a} {name} {b}: {excerpt!r}"
        print(line)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--mixed", type=float, default=0.5)
    args = ap.parse_args()
    page_languages("Warm-up: the profiles are loaded once, outside the timings.")
    language.is_plainly("the and of", "en")
    bench = bench_documents(args.docs)
    for label, docs in (("shipped documents", shipped_documents()),
                        ("benchmark corpus", bench),
                        ("benchmark corpus, mixed pages", with_mixed_pages(bench,
                                                                           args.mixed))):
        report(label, docs)


if __name__ == "__main__":
    main()
