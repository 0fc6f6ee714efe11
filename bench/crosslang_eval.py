"""How often a query in one language finds the right document written in another, in the
top 5, with and without thesaurus expansion, on the shipped corpus.

    python bench/crosslang_eval.py

Builds a throw-away index of documents/, runs the queries below (French and Spanish about
English documents, and English and French about the Spanish ones), prints each miss and
the two shares.
"""
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import shipped_corpus_indexer  # noqa: E402
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


def main():
    data = Path(tempfile.mkdtemp(prefix="minamata-xl-"))
    try:
        ix = shipped_corpus_indexer(data)
        service = SearchService(ix.index)
        for expand in (False, True):
            found = 0
            for query, target in QUERIES:
                top = [h.id for h in service.search(query, page_size=5, expand=expand).hits]
                if target in top:
                    found += 1
                else:
                    print(f"  miss ({'with' if expand else 'without'} expansion): "
                          f"{query!r} -> {top}")
            share = found / len(QUERIES)
            print(f"{'with' if expand else 'without'} expansion: {found}/{len(QUERIES)} "
                  f"= {share:.0%} find their document in the top 5")
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
