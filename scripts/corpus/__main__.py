"""Write documents/: the sample PDFs and manifest.json. Deterministic: run it twice, get
the same bytes. Usage: python -m scripts.corpus [OUTPUT_DIR]"""
import json
import sys
from pathlib import Path

from scripts.corpus import hanoi, lapaz, osaka, scans

EVENTS = [
    {
        "id": "2019-hanoi-coal",
        "titles": {
            "en": "Asia-Pacific regional workshop on reducing mercury emissions from coal "
                  "combustion",
            "fr": "Atelier régional Asie-Pacifique sur la réduction des émissions de mercure "
                  "provenant de la combustion du charbon",
            "es": "Taller regional de Asia y el Pacífico sobre la reducción de las emisiones "
                  "de mercurio procedentes de la combustión del carbón"},
        "city": "Hanoi", "country": "VN", "region": "asia-pacific",
        "start": "2019-10-31", "end": "2019-11-01",
        "organisers": ["Secretariat of the Minamata Convention on Mercury",
                       "UNEP (China Trust Fund project)",
                       "Hanoi University of Natural Resources and Environment"],
        "funders": ["European Union", "China Trust Fund"],
        "topics": ["coal combustion", "emissions", "BAT/BEP", "emission inventory"],
        "participants": ["CN", "IN", "ID", "MN", "LK", "TH", "VN"],
        "descriptions": {
            "en": "A workshop on reducing mercury emissions from coal, hosted by the Hanoi "
                  "University of Natural Resources and Environment; a joint event of the "
                  "Secretariat's EU-funded capacity-building project and UNEP's China Trust "
                  "Fund project, following a meeting of the Global Mercury Partnership's coal "
                  "area. Experts from China, India, Indonesia, Mongolia, Sri Lanka, Thailand "
                  "and Viet Nam presented BAT/BEP, emission inventories and regulatory "
                  "approaches.",
            "fr": "Un atelier sur la réduction des émissions de mercure provenant du charbon "
                  "s'est tenu à Hanoï au Viet Nam du 31 octobre au 1er novembre 2019, sous "
                  "l'égide de l'Université des ressources naturelles et de l'environnement de "
                  "Hanoï."}},
    {
        "id": "2019-la-paz-trade",
        "titles": {
            "en": "Knowledge-sharing workshop on mercury trade between Bolivia, Colombia, "
                  "Ecuador, Mexico, Panama and Peru",
            "fr": "Atelier de partage des connaissances entre la Bolivie, la Colombie, "
                  "l'Équateur, le Mexique, Panama et le Pérou sur le commerce du mercure",
            "es": "Taller de intercambio de conocimientos entre Bolivia, Colombia, el Ecuador, "
                  "México, Panamá y el Perú sobre el comercio de mercurio"},
        "city": "La Paz", "country": "BO", "region": "latin-america-caribbean",
        "start": "2019-10-08", "end": "2019-10-10",
        "organisers": ["Secretariat of the Minamata Convention on Mercury"],
        "funders": ["European Union"],
        "topics": ["trade", "customs", "prior informed consent", "ASGM", "interim storage"],
        "participants": ["BO", "CO", "EC", "MX", "PA", "PE"],
        "descriptions": {
            "en": "A knowledge-sharing workshop on mercury trade among Bolivia, Colombia, "
                  "Ecuador, Mexico, Panama and Peru, funded by the European Union, to help "
                  "countries meet their trade obligations under the Minamata Convention; "
                  "environment ministries met their customs officers.",
            "fr": "Un atelier de partage des connaissances sur le commerce du mercure s'est "
                  "tenu à La Paz, en Bolivie, du 8 au 10 octobre 2019, avec le financement de "
                  "l'Union européenne."}},
    {
        "id": "2019-osaka-waste",
        "titles": {
            "en": "Workshop on synergies in mercury waste management",
            "fr": "Atelier sur les synergies dans la gestion des déchets de mercure",
            "es": "Taller sobre sinergias en la gestión de los desechos de mercurio"},
        "city": "Osaka", "country": "JP", "region": "asia-pacific",
        "start": "2019-05-30", "end": "2019-05-31",
        "organisers": ["Ministry of the Environment of Japan",
                       "Secretariat of the Minamata Convention on Mercury",
                       "UNEP International Environmental Technology Centre (IETC)"],
        "funders": ["Ministry of the Environment of Japan"],
        "topics": ["mercury waste", "synergies", "capacity building", "technical assistance"],
        "participants": ["JP"],
        "descriptions": {
            "en": "A workshop to promote the environmentally sound management of mercury "
                  "waste, with 41 participants, chaired by Mr. Teruyoshi Hayamizu (National "
                  "Institute for Environmental Studies of Japan), held alongside the meeting "
                  "of the group of technical experts on mercury waste thresholds.",
            "fr": "Un atelier sur les synergies dans la gestion des déchets de mercure s'est "
                  "tenu à Osaka, au Japon, les 30 et 31 mai 2019."}},
]

DOCUMENTS = [
    # id, event, type, title, language, note, file, builder
    ("hanoi-report", "2019-hanoi-coal", "report",
     "Report of the Asia-Pacific regional workshop on reducing mercury emissions from coal "
     "combustion", "en", "English only", "2019-hanoi-coal/workshop-report-en.pdf",
     hanoi.report),
    ("hanoi-pres-china", "2019-hanoi-coal", "presentation",
     "Controlling mercury emissions from coal-fired power plants in China", "en", "",
     "2019-hanoi-coal/presentation-china.pdf", hanoi.slides_china),
    ("hanoi-pres-viet-nam", "2019-hanoi-coal", "presentation",
     "Mercury emission inventory for coal combustion in Viet Nam", "en", "",
     "2019-hanoi-coal/presentation-viet-nam.pdf", hanoi.slides_viet_nam),
    ("hanoi-pres-indonesia", "2019-hanoi-coal", "presentation",
     "Indonesia: coal power and mercury (scanned slides)", "en", "",
     "2019-hanoi-coal/presentation-indonesia-scanned.pdf", hanoi.slides_indonesia_scanned),
    ("hanoi-pres-secretariat-fr", "2019-hanoi-coal", "presentation",
     "La Convention de Minamata et les émissions de mercure : l'article 8", "fr", "",
     "2019-hanoi-coal/presentation-secretariat-fr.pdf", hanoi.slides_secretariat_fr),
    ("hanoi-pres-secretariat-en", "2019-hanoi-coal", "presentation",
     "The Minamata Convention and mercury emissions: article 8", "en", "",
     "2019-hanoi-coal/presentation-secretariat-en.pdf", hanoi.slides_secretariat_en,
     "hanoi-pres-secretariat-fr"),
    ("la-paz-report", "2019-la-paz-trade", "report",
     "Informe del taller de intercambio de conocimientos sobre el comercio de mercurio", "es",
     "Spanish only", "2019-la-paz-trade/informe-taller-es.pdf", lapaz.informe),
    ("la-paz-pres-peru", "2019-la-paz-trade", "presentation",
     "Control del comercio de mercurio en el Perú", "es", "",
     "2019-la-paz-trade/presentacion-peru.pdf", lapaz.slides_peru),
    ("la-paz-pres-colombia", "2019-la-paz-trade", "presentation",
     "Trazabilidad del mercurio y aduanas en Colombia", "es", "",
     "2019-la-paz-trade/presentacion-colombia.pdf", lapaz.slides_colombia),
    ("la-paz-pres-secretariat", "2019-la-paz-trade", "presentation",
     "Trade provisions of the Minamata Convention / Disposiciones comerciales del Convenio",
     "", "English and Spanish", "2019-la-paz-trade/presentation-secretariat-en-es.pdf",
     lapaz.slides_bilingual),
    ("osaka-chair-summary", "2019-osaka-waste", "chair_summary",
     "Chair's summary of the workshop on synergies in the management of mercury waste", "en",
     "English", "2019-osaka-waste/chair-summary-en.pdf", osaka.chair_summary),
    ("osaka-pres-japan", "2019-osaka-waste", "presentation",
     "Environmentally sound management of mercury waste in Japan", "en", "",
     "2019-osaka-waste/presentation-japan.pdf", osaka.slides_japan),
    ("osaka-chair-summary-fr-scan", "2019-osaka-waste", "chair_summary",
     "Résumé de la présidence de l'atelier sur les synergies dans la gestion des déchets "
     "de mercure (copie numérisée)", "fr", "copie numérisée",
     "2019-osaka-waste/resume-presidence-fr-numerise.pdf", scans.osaka_summary_scanned_fr),
]


# The official symbols printed on the reports' cover pages.
SYMBOLS = {"hanoi-report": "UNEP/MC/WS.2019/HAN/1", "la-paz-report": "UNEP/MC/WS.2019/LPZ/1",
           "osaka-chair-summary": "UNEP/MC/WS.2019/OSA/INF/1"}


def main(out=Path("documents")):
    """Write every sample PDF and the manifest under `out`."""
    out = Path(out)
    docs = []
    for doc_id, event, kind, title, lang, note, file, build, *version_of in DOCUMENTS:
        target = out / file
        target.parent.mkdir(parents=True, exist_ok=True)
        build(str(target))
        symbol = {"symbol": SYMBOLS[doc_id]} if doc_id in SYMBOLS else {}
        docs.append({"id": doc_id, "event": event, "type": kind, **symbol, "title": title,
                     "language": lang, "note": note, "file": file,
                     **({"version_of": version_of[0]} if version_of else {})})
    manifest = {"collection": "minamata-samples", "events": EVENTS, "documents": docs}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                       encoding="utf-8")
    print(f"wrote {len(docs)} PDFs and manifest.json to {out}")


if __name__ == "__main__":
    main(*(Path(a) for a in sys.argv[1:2]))
