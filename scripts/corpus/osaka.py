"""The Osaka workshop (mercury waste, 30-31 May 2019): chair's summary and slides."""
from scripts.corpus.layout import Report, Slides

NOTICE = ("SAMPLE - NOT AN OFFICIAL DOCUMENT. Written for the Minamata documents repository "
          "from the facts of the Secretariat's public listing page; names, figures and "
          "findings are illustrative.")


def chair_summary(path):
    pdf = Report("UNEP/MC/WS.2019/OSA/INF/1", "Chair's summary - Osaka, 30-31 May 2019")
    pdf.title_block([
        "Workshop on synergies in the management of mercury waste",
        "Osaka, Japan, 30-31 May 2019",
        "Chair's summary"], NOTICE)
    paragraphs = [
        "The workshop on synergies in the management of mercury waste was held in Osaka, "
        "Japan, on 30 and 31 May 2019. It was jointly organized by the Ministry of the "
        "Environment of Japan, the Secretariat of the Minamata Convention on Mercury and the "
        "United Nations Environment Programme through its International Environmental "
        "Technology Centre (IETC). It brought together 41 participants and was chaired by "
        "Mr. Teruyoshi Hayamizu of the National Institute for Environmental Studies of Japan.",
        "The workshop took place back to back with the face-to-face meeting of the group of "
        "technical experts on mercury waste thresholds established by the Conference of the "
        "Parties to the Minamata Convention at its second meeting.",
        "The main objective of the workshop was to promote the environmentally sound "
        "management of mercury waste by identifying needs and gaps in capacity-building, "
        "technical assistance and technology transfer, as well as opportunities for "
        "synergistic implementation, not only within the Minamata Convention but also "
        "between the Minamata Convention and other global frameworks, in particular the "
        "Basel Convention on the Control of Transboundary Movements of Hazardous Wastes and "
        "their Disposal.",
        "In the first session, the Secretariat presented the obligations of Article 11 on "
        "mercury wastes, which refers to the definitions of the Basel Convention and to its "
        "technical guidelines on the environmentally sound management of wastes consisting "
        "of, containing or contaminated with mercury or mercury compounds. Participants "
        "discussed the categories of mercury waste and the role of thresholds in "
        "distinguishing waste that requires special management.",
        "In the second session, participants from Africa, Asia-Pacific, Latin America and "
        "Eastern Europe described their national situations. Common issues included the "
        "collection of mercury-added products such as lamps, batteries and thermometers at "
        "the end of their life, the absence of dedicated treatment facilities, and the "
        "management of waste from artisanal and small-scale gold mining.",
        "The representative of Japan presented the national system for the collection, "
        "treatment and final disposal of mercury waste, including the recovery of mercury by "
        "roasting, its stabilization as mercury sulphide and its solidification before "
        "disposal in specially engineered landfills. Site visits were organized to a "
        "recovery facility in the region.",
        "In the third session, participants discussed how waste management projects could "
        "serve several conventions at once, for example by combining inventories of mercury "
        "waste with national reporting under the Basel Convention, and by using the same "
        "infrastructure for the environmentally sound management of other hazardous wastes.",
        "Participants identified the following needs: guidance on the identification and "
        "inventory of mercury waste; training on collection and interim storage; "
        "information on treatment technologies suitable for small quantities; and funding "
        "for pilot projects. Several participants stressed the importance of public "
        "awareness so that households return mercury-added products.",
        "The chair concluded that the environmentally sound management of mercury waste "
        "requires cooperation among ministries, the private sector and local governments, "
        "and that synergies between the chemicals and waste conventions should be used to "
        "make the best use of limited resources. Further information is available on the "
        "website of the IETC.",
    ]
    pdf.heading("Summary of the discussions")
    for text in paragraphs:
        pdf.para(text)
    pdf.heading("Summary of the site visit")
    pdf.para(
        "On the afternoon of 31 May 2019, participants visited a facility that recovers "
        "mercury from used fluorescent lamps, batteries and sludge. The operator explained "
        "the roasting and distillation process, the purity of the recovered mercury and the "
        "measures taken to protect workers and to monitor emissions. Participants asked about "
        "the costs of treatment per tonne of waste and about the collection system that "
        "supplies the facility, which relies on municipalities and retailers.")
    pdf.para(
        "Participants noted that such facilities are economically viable only with a stable "
        "supply of waste, which requires collection systems covering a large population, and "
        "that regional solutions, including the transboundary movement of mercury waste under "
        "the Basel Convention, may be needed for countries with small quantities.")
    pdf.heading("Table 1 - Needs identified by participants")
    pdf.table(["Area", "Need", "Possible partners"], [
        ["Inventory", "Methods to estimate mercury waste quantities", "IETC, Secretariat"],
        ["Collection", "Take-back of lamps and thermometers", "Local governments, industry"],
        ["Storage", "Interim storage facilities meeting the guidelines", "National authorities"],
        ["Treatment", "Technologies for small quantities", "Japan, private sector"],
        ["Synergies", "Joint reporting with the Basel Convention", "BRS Secretariat"],
    ], widths=(28, 80, 52))
    pdf.output(path)


def slides_japan(path):
    s = Slides("Workshop on synergies in mercury waste management, Osaka, 30-31 May 2019")
    s.slide("Environmentally sound management of mercury waste in Japan", [
        "Ministry of the Environment, Japan", "Osaka, 30 May 2019"], notice=NOTICE)
    s.slide("Lessons of Minamata disease", [
        "Methylmercury poisoning in Minamata Bay, recognized in 1956",
        "Japan's commitment to the Minamata Convention, adopted in Kumamoto in 2013"])
    s.slide("Mercury waste management system", [
        "Collection of mercury-added products by municipalities",
        "Recovery of mercury by roasting; stabilization as mercury sulphide",
        "Solidification and disposal in engineered landfills",
        "Interim storage of recovered mercury in an environmentally sound manner"])
    s.slide("Cooperation", [
        "Technical assistance through the IETC in Osaka",
        "Support for inventories of mercury waste in Asia",
        "Synergies with the Basel Convention's technical guidelines"])
    s.output(path)
