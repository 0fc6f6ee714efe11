"""How often a query in one language finds the right document written in another, with
and without thesaurus expansion, on the shipped corpus.

    python bench/crosslang_eval.py

Builds a throw-away index of documents/ and runs two sets: the term lists below (French
and Spanish about English documents, English and French about the Spanish ones; the target
in the top 5), and the natural cross-language questions of the judged Minamata questions
(bench/data/minamata_questions.json; a document judged "answers it" in the top 3). Prints
each miss and the shares.
"""
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import shipped_corpus_indexer  # noqa: E402
from bench.relevance import load_questions       # noqa: E402
from indexer.search import SearchService          # noqa: E402

# (query, the document it should find); every target is written in another language.
QUERIES = [
    ("mercure charbon", "hanoi-report"),
    ("émissions de mercure charbon", "hanoi-report"),
    ("inventaire des émissions", "hanoi-report"),
    ("meilleures techniques disponibles", "hanoi-report"),
    ("combustion du charbon", "hanoi-pres-china"),
    ("centrales électriques alimentées au charbon", "hanoi-pres-china"),
    ("renforcement des capacités atelier", "hanoi-report"),
    ("déchets de mercure", "osaka-chair-summary"),
    ("gestion des déchets", "osaka-chair-summary"),
    ("stockage provisoire mercure", "osaka-pres-japan"),
    ("assistance technique déchets", "osaka-chair-summary"),
    ("EMAPE", "osaka-chair-summary"),
    ("produits contenant du mercure ajouté", "osaka-chair-summary"),
    ("carbón mercurio", "hanoi-report"),
    ("emisiones de mercurio", "hanoi-report"),
    ("inventario de emisiones", "hanoi-pres-viet-nam"),
    ("mejores técnicas disponibles", "hanoi-report"),
    ("centrales eléctricas de carbón", "hanoi-pres-china"),
    ("combustión del carbón taller", "hanoi-report"),
    ("desechos de mercurio", "osaka-chair-summary"),
    ("gestión de desechos", "osaka-chair-summary"),
    ("almacenamiento provisional", "osaka-pres-japan"),
    ("MAPE", "osaka-chair-summary"),
    ("fortalecimiento de capacidades", "osaka-chair-summary"),
    ("mercury trade customs", "la-paz-report"),
    ("prior informed consent", "la-paz-report"),
    ("customs mercury seizures", "la-paz-report"),
    ("interim storage", "la-paz-report"),
    ("artisanal and small-scale gold mining", "la-paz-report"),
    ("ASGM trade", "la-paz-report"),
    ("commerce du mercure douanes", "la-paz-report"),
    ("consentement préalable", "la-paz-report"),
    ("exportation de mercure", "la-paz-pres-secretariat"),
    ("trade", "la-paz-pres-colombia"),
]


def natural_questions():
    """(question, {ids answering it}) of the judged cross-language questions."""
    return [(q["query"], {d for d, g in q["relevant"].items() if g >= 2})
            for q in load_questions() if q.get("cross_language")]


def share_found(service, cases, depth, expand):
    """How many cases find one of their targets in the top `depth`; prints the misses."""
    found = 0
    for query, targets in cases:
        hits = service.search(query, page_size=depth, expand=expand).hits
        shown = [{v["id"] for v in h.versions} | {h.id} for h in hits]
        if any(targets & ids for ids in shown):
            found += 1
        else:
            print(f"  miss ({'with' if expand else 'without'} expansion): "
                  f"{query!r} -> {[h.id for h in hits]}")
    return found


def main():
    data = Path(tempfile.mkdtemp(prefix="minamata-xl-"))
    try:
        ix = shipped_corpus_indexer(data)
        service = SearchService(ix.index)
        sets = [("term lists", [(q, {t}) for q, t in QUERIES], 5),
                ("natural questions", natural_questions(), 3)]
        for name, cases, depth in sets:
            for expand in (False, True):
                found = share_found(service, cases, depth, expand)
                print(f"{name}, {'with' if expand else 'without'} expansion: "
                      f"{found}/{len(cases)} = {found / len(cases):.0%} find their document "
                      f"in the top {depth}")
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
