"""A synthetic multilingual corpus for benchmarks: N PDFs of M pages in en/fr/es, made
once (deterministically) and cached outside git."""
import json
import random
from multiprocessing import Pool
from pathlib import Path

from fpdf import FPDF

WORDS = {
    "en": ("mercury emissions coal combustion power plant waste management trade customs "
           "inventory national action plan artisanal small-scale gold mining dental amalgam "
           "products interim storage contaminated sites capacity building technical "
           "assistance Parties Convention guidance best available techniques environmental "
           "practices monitoring measurement report workshop experts country government "
           "ministry regional cooperation import export consent article obligations "
           "implementation health releases soil water air data laboratory training").split(),
    "fr": ("mercure émissions charbon combustion centrale déchets gestion commerce douanes "
           "inventaire plan d'action national orpaillage artisanal petite échelle amalgame "
           "dentaire produits stockage provisoire sites contaminés renforcement capacités "
           "assistance technique Parties Convention orientations meilleures techniques "
           "disponibles pratiques environnementales surveillance mesure rapport atelier "
           "experts pays gouvernement ministère coopération régionale importation "
           "exportation consentement article obligations mise œuvre santé rejets sol eau "
           "air données laboratoire formation").split(),
    "es": ("mercurio emisiones carbón combustión central desechos gestión comercio aduanas "
           "inventario plan de acción nacional minería aurífera artesanal pequeña escala "
           "amalgama dental productos almacenamiento provisional sitios contaminados "
           "fortalecimiento capacidades asistencia técnica Partes Convenio orientaciones "
           "mejores técnicas disponibles prácticas ambientales vigilancia medición informe "
           "taller expertos país gobierno ministerio cooperación regional importación "
           "exportación consentimiento artículo obligaciones aplicación salud liberaciones "
           "suelo agua aire datos laboratorio capacitación").split(),
}
GLUE = {"en": "the of and in for with to on by".split(),
        "fr": "le la les de des et dans pour avec sur par".split(),
        "es": "el la los de del y en para con sobre por".split()}
REGIONS = ["africa", "asia-pacific", "eastern-europe", "latin-america-caribbean", "weog"]
COUNTRIES = ["KE", "SN", "VN", "TH", "PL", "UA", "BO", "PE", "FR", "CH"]
TYPES = ["report", "presentation", "presentation", "chair_summary", "agenda", "other"]


def paragraph(rng, lang, words=60):
    """A pseudo-sentence run in one language (so langdetect has something to do)."""
    vocab, glue = WORDS[lang], GLUE[lang]
    out = []
    for i in range(words):
        out.append(rng.choice(glue) if i % 3 == 1 else rng.choice(vocab))
    return " ".join(out).capitalize() + "."


def _make(args):
    path, seed, pages, lang = args
    if path.exists():
        return
    rng = random.Random(seed)
    pdf = FPDF()
    pdf.set_creation_date(__import__("datetime").datetime(2020, 1, 1))
    for n in range(pages):
        pdf.add_page()
        pdf.set_font("Helvetica", size=10)
        text = "\n\n".join(paragraph(rng, lang) for _ in range(5))
        pdf.multi_cell(0, 5, text.encode("latin-1", "replace").decode("latin-1"))
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))


def build(root, docs=2000, pages=10, events=50, procs=2):
    """Generate (or reuse) the corpus under `root`; returns its manifest path."""
    root = Path(root)
    manifest = root / "manifest.json"
    if manifest.exists() and len(json.loads(manifest.read_text())["documents"]) == docs:
        return manifest
    rng = random.Random(2019)
    event_list = []
    for i in range(events):
        year = 2018 + i % 8
        event_list.append({
            "id": f"bench-{i:03d}", "titles": {"en": f"Benchmark workshop {i}"},
            "city": f"City {i}", "country": COUNTRIES[i % len(COUNTRIES)],
            "region": REGIONS[i % len(REGIONS)], "start": f"{year}-0{1 + i % 9}-10",
            "end": f"{year}-0{1 + i % 9}-12", "topics": rng.sample(
                ["emissions", "trade", "waste", "ASGM", "BAT/BEP", "inventory"], 2)})
    jobs, documents = [], []
    for d in range(docs):
        lang = ("en", "en", "fr", "es")[d % 4]
        file = f"pdf/{d // 100:02d}/doc-{d:05d}.pdf"
        jobs.append((root / file, d, pages, lang))
        documents.append({"id": f"bench-doc-{d:05d}", "event": f"bench-{d % events:03d}",
                          "type": TYPES[d % len(TYPES)], "title": f"Benchmark document {d}",
                          "language": lang, "file": file})
    with Pool(procs) as pool:
        pool.map(_make, jobs, chunksize=20)
    manifest.write_text(json.dumps({"collection": "bench", "events": event_list,
                                    "documents": documents}))
    return manifest


def shipped_corpus_indexer(data_dir, engine=""):
    """An Indexer on `data_dir` with documents/ (the shipped corpus) loaded and indexed
    (by `engine`, else the default one)."""
    from indexer.ingest import Indexer
    from repo.settings import Settings
    # One extraction worker: documents are then indexed in the manifest's order, so that
    # equal scores rank alike from run to run (with two, the order in which they came
    # back moved MAP between 0.8466 and 0.8547).
    indexer = Indexer(Settings.from_env(environ={}, data_dir=data_dir, engine=engine,
                                        workers=1))
    with indexer.repo.writing():
        indexer.load_manifest(Path(__file__).resolve().parent.parent / "documents" /
                              "manifest.json")
        indexer.update_index()
    return indexer
