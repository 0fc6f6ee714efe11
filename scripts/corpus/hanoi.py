"""The Hanoi workshop (coal combustion, 31 October-1 November 2019): report and slides."""
from scripts.corpus.layout import Report, Slides, scanned_slide

NOTICE = ("SAMPLE - NOT AN OFFICIAL DOCUMENT. Written for the Minamata documents repository "
          "from the facts of the Secretariat's public listing page; names, figures and "
          "findings are illustrative.")

COUNTRIES = [
    # name, coal share of power (%), coal plants, inventory level, regulation year, lead body
    ("China", 64, 1080, "Level 2", 2011, "Ministry of Ecology and Environment"),
    ("India", 72, 270, "Level 1", 2015, "Central Pollution Control Board"),
    ("Indonesia", 60, 95, "Level 1", 2019, "Ministry of Environment and Forestry"),
    ("Mongolia", 88, 12, "Level 1", 2018, "Ministry of Environment and Tourism"),
    ("Sri Lanka", 35, 3, "Level 1", 2019, "Central Environmental Authority"),
    ("Thailand", 18, 20, "Level 2", 2017, "Pollution Control Department"),
    ("Viet Nam", 38, 28, "Level 1", 2018, "Viet Nam Environment Administration"),
]


def country_section(pdf, name, share, plants, level, year, body):
    pdf.heading(f"{name}")
    pdf.para(
        f"The representative of {name} explained that coal accounts for about {share} per cent "
        f"of electricity generation, produced by some {plants} coal-fired power plants of "
        f"very different ages and sizes. Many older units still run without dedicated "
        f"controls, while new supercritical units are fitted with electrostatic "
        f"precipitators and flue gas desulphurization, which capture part of the mercury "
        f"as a co-benefit.")
    pdf.para(
        f"{name} has prepared a {level} mercury inventory using the UNEP Toolkit for "
        f"Identification and Quantification of Mercury Releases. Coal combustion in power "
        f"plants and industrial boilers was identified among the largest sources of "
        f"emissions to air. The presenter noted the difficulty of obtaining plant-specific "
        f"data on the mercury content of coal, and that default factors were used where "
        f"measurements were missing, which makes the estimates uncertain.")
    pdf.para(
        f"Regarding regulation, emission limit values for power plants were introduced or "
        f"revised in {year} under the responsibility of the {body}. Continuous emission "
        f"monitoring is being extended, although the monitoring of mercury itself remains "
        f"limited to periodic stack measurements at a few facilities. The country intends "
        f"to use the guidance on best available techniques and best environmental practices "
        f"adopted by the Conference of the Parties when permitting new plants.")
    pdf.para(
        f"Among the needs identified by {name} were training of laboratory staff in "
        f"sampling and analysis, the sharing of efficient and affordable control options "
        f"for small boilers, and financial support for retrofitting existing plants. The "
        f"presentation concluded that the workshop offered a useful opportunity to learn "
        f"from neighbouring countries facing similar challenges.")
    pdf.para(
        f"In the questions that followed, participants asked {name} how plant operators are "
        f"informed of new requirements, whether the mercury content of imported coal is "
        f"checked at the port, and how the costs of monitoring are shared between the "
        f"authorities and the operators. The presenter replied that operators are consulted "
        f"before any regulation is adopted, that imported coal is sampled only occasionally, "
        f"and that operators bear the costs of the monitoring required in their permits.")


def report(path):
    pdf = Report("UNEP/MC/WS.2019/HAN/1", "Workshop report - Hanoi, 31 October-1 November 2019",
                 ligatures=True)
    pdf.title_block([
        "Report of the Asia-Pacific regional workshop on reducing mercury emissions from "
        "coal combustion",
        "Hanoi, Viet Nam, 31 October - 1 November 2019",
        "English only"], NOTICE)
    pdf.heading("I. Opening of the workshop")
    pdf.para(
        "The workshop was opened at 9 a.m. on Thursday, 31 October 2019, at the Hanoi "
        "University of Natural Resources and Environment, which hosted the meeting. It was a "
        "joint event of the capacity-building project of the Secretariat of the Minamata "
        "Convention on Mercury, funded by the European Union, and the project of the United "
        "Nations Environment Programme (UNEP) under the China Trust Fund. The workshop "
        "followed a meeting of the coal partnership area of the Global Mercury Partnership.")
    pdf.para(
        "Welcoming remarks were made by the Rector of the University, by a representative of "
        "the Ministry of Natural Resources and Environment of Viet Nam and by a representative "
        "of the Secretariat. Speakers recalled that coal combustion is one of the largest "
        "anthropogenic sources of mercury emissions to the atmosphere, and that Article 8 of "
        "the Convention requires Parties to control emissions from coal-fired power plants, "
        "coal-fired industrial boilers and other listed point sources.")
    pdf.para(
        "Participants from China, India, Indonesia, Mongolia, Sri Lanka, Thailand and Viet "
        "Nam attended the workshop, together with experts from the Global Mercury "
        "Partnership, academic institutions and industry. The list of participants is "
        "contained in annex II to the present report.")
    pdf.heading("II. Objectives and organization of work")
    pdf.para(
        "The overall objective of the workshop was to exchange information on efforts to "
        "reduce mercury emissions from coal and to identify opportunities and challenges for "
        "international cooperation in this area. Specific objectives were to share current "
        "situations and future plans regarding the use of best available techniques and best "
        "environmental practices (BAT/BEP), the development of emission inventories, and "
        "regulatory approaches to control mercury emissions in line with the Minamata "
        "Convention.")
    pdf.para(
        "The workshop was organized in five sessions: the obligations of the Convention "
        "regarding emissions; country presentations; control technologies and their "
        "co-benefits; emission inventories and monitoring; and opportunities for regional "
        "cooperation. The agenda is contained in annex I. Each session ended with a "
        "discussion in which participants raised questions and shared their experience.")
    pdf.heading("III. The Minamata Convention and emissions from coal combustion")
    pdf.para(
        "A representative of the Secretariat presented the requirements of Article 8 on "
        "emissions. For new sources, Parties shall require the use of best available "
        "techniques and best environmental practices within five years of the entry into "
        "force of the Convention for the Party concerned. For existing sources, each Party "
        "shall include in its national plan, and implement, one or more measures, such as a "
        "quantified goal, emission limit values, the use of BAT/BEP, a multi-pollutant "
        "control strategy, or alternative measures to reduce emissions.")
    pdf.para(
        "Parties are also required to establish, as soon as practicable and no later than "
        "five years after entry into force, an inventory of emissions from relevant sources, "
        "and to report on the effectiveness of their measures. The guidance on BAT/BEP and "
        "the guidance on inventories adopted at the first meeting of the Conference of the "
        "Parties were introduced, and participants were invited to use them.")
    pdf.para(
        "In the discussion, participants asked how the obligations apply to plants that run "
        "only part of the year, and to small industrial boilers below the thresholds used in "
        "national law. The Secretariat explained that the Convention leaves Parties "
        "flexibility in defining relevant sources, provided that the criteria chosen cover at "
        "least 75 per cent of the emissions from a source category.")
    pdf.heading("IV. Country presentations")
    pdf.para(
        "Each participating country presented the role of coal in its energy mix, its "
        "inventory of mercury emissions, the regulatory framework and its plans. The "
        "presentations are available on the meeting page. The main points are summarized "
        "below.")
    for row in COUNTRIES:
        country_section(pdf, *row)
    pdf.heading("V. Control technologies and co-benefits")
    pdf.para(
        "Experts of the coal partnership area presented the main techniques for reducing "
        "mercury emissions. Coal washing and blending can lower the mercury content of the "
        "fuel before combustion. Particulate matter controls such as electrostatic "
        "precipitators and fabric filters capture particle-bound mercury, while wet flue gas "
        "desulphurization captures oxidized mercury. Selective catalytic reduction systems "
        "installed for nitrogen oxides also oxidize elemental mercury, improving its capture "
        "downstream.")
    pdf.para(
        "Where co-benefits are insufficient, mercury-specific techniques can be added, in "
        "particular the injection of activated carbon, either plain or brominated, upstream "
        "of the particulate control device. Costs were presented for plants of different "
        "sizes. Participants noted that the choice of techniques depends on the type of coal, "
        "the existing configuration of the plant and the available budget, and that the most "
        "efficient strategy is often a multi-pollutant one.")
    pdf.para(
        "Table 1 summarizes the typical mercury removal efficiencies presented during the "
        "session. The figures are indicative ranges only and were discussed at length by "
        "participants, who stressed the need for measurements at their own plants.")
    pdf.table(["Control configuration", "Typical removal of mercury (%)", "Remarks"], [
        ["Electrostatic precipitator (ESP) only", "10-40", "Depends on unburned carbon"],
        ["Fabric filter", "30-70", "Higher with bituminous coal"],
        ["ESP + wet FGD", "40-70", "Captures oxidized mercury"],
        ["SCR + ESP + wet FGD", "60-90", "SCR oxidizes elemental mercury"],
        ["Activated carbon injection + fabric filter", "80-95", "Mercury-specific technique"],
    ], widths=(70, 40, 60))
    pdf.heading("VI. Emission inventories and monitoring")
    pdf.para(
        "The session on inventories presented the levels of the UNEP Toolkit and the "
        "experience of countries in moving from default factors to plant-specific data. "
        "Participants agreed that measuring the mercury content of the coal actually burned "
        "is the most cost-effective first step. A demonstration of sorbent trap sampling "
        "was given, and laboratories were encouraged to take part in intercomparison "
        "exercises organized by the Global Mercury Partnership.")
    pdf.para(
        "Participants discussed the reporting obligations under Article 21 and the "
        "usefulness of a common format for plant-level data in the region. The "
        "representative of Thailand described a national database of stack measurements "
        "that is being extended to mercury, and the representative of China presented the "
        "results of a multi-year monitoring programme at more than one hundred units.")
    pdf.heading("VII. Opportunities and challenges for international cooperation")
    pdf.para(
        "In a final round table, participants identified opportunities for cooperation: "
        "twinning between laboratories, regional training on sampling and analysis, "
        "exchanges of regulators between countries, joint proposals to the financial "
        "mechanism of the Convention, and the translation of guidance into national "
        "languages. Challenges included limited budgets, the lack of measured data, "
        "competing priorities of energy security, and the need to involve the private "
        "owners of power plants.")
    pdf.para(
        "Participants welcomed the continued support of the European Union and of the "
        "China Trust Fund, and expressed the wish that the Secretariat organize follow-up "
        "activities in the region, including a workshop on the effectiveness of control "
        "measures. The workshop was closed at 5 p.m. on Friday, 1 November 2019.")
    pdf.heading("VIII. Conclusions")
    for text in [
        "Coal combustion remains the main source of mercury emissions to air in the region, "
        "and its share will remain high for the coming decade in most participating countries.",
        "Co-benefits of existing air pollution controls are significant, and optimizing them "
        "is the most efficient first step for existing plants.",
        "Plant-specific data on the mercury content of coal and on stack emissions are needed "
        "to move to higher inventory levels and to evaluate the effectiveness of measures.",
        "Regional cooperation on laboratories, training and exchange of regulators would "
        "help all participating countries meet their obligations under Article 8.",
    ]:
        pdf.para(text)
    pdf.add_page()
    pdf.heading("Annex I - Agenda")
    pdf.table(["Time", "Thursday, 31 October 2019"], [
        ["09:00 - 09:30", "Opening of the workshop; welcoming remarks"],
        ["09:30 - 10:30", "Session 1: The Minamata Convention and emissions (Article 8)"],
        ["11:00 - 12:30", "Session 2: Country presentations (China, India, Indonesia)"],
        ["14:00 - 15:30", "Session 2 (continued): Mongolia, Sri Lanka, Thailand, Viet Nam"],
        ["16:00 - 17:30", "Session 3: Control technologies and co-benefits"],
    ], widths=(35, 135))
    pdf.table(["Time", "Friday, 1 November 2019"], [
        ["09:00 - 10:30", "Session 4: Emission inventories and monitoring"],
        ["11:00 - 12:30", "Demonstration of sorbent trap sampling"],
        ["14:00 - 15:30", "Session 5: Opportunities for regional cooperation (round table)"],
        ["16:00 - 17:00", "Conclusions and closing of the workshop"],
    ], widths=(35, 135))
    pdf.heading("Annex II - List of participants (by country)")
    rows = []
    for name, _, _, _, _, body in COUNTRIES:
        rows.append([name, body, "Government"])
        rows.append([name, "National university or research institute", "Expert"])
    rows += [["-", "Secretariat of the Minamata Convention", "Organizer"],
             ["-", "UNEP Chemicals and Health Branch", "Organizer"],
             ["-", "Hanoi University of Natural Resources and Environment", "Host"],
             ["-", "Global Mercury Partnership, coal area", "Expert"]]
    pdf.table(["Country", "Institution", "Role"], rows, widths=(30, 110, 30))
    pdf.output(path)


def slides_china(path):
    s = Slides("Hanoi workshop on mercury emissions from coal combustion, 31 Oct - 1 Nov 2019")
    s.slide("Controlling mercury emissions from coal-fired power plants in China", [
        "Country presentation - China", "Regional workshop, Hanoi, 31 October 2019",
        "Ministry of Ecology and Environment"], notice=NOTICE)
    s.slide("Coal in China's power sector", [
        "Coal provides about 64 % of electricity generation",
        "Over 1,000 coal-fired power plants; most units fitted with ESP and wet FGD",
        "Ultra-low emission retrofits since 2015 reduced particulate, SO2 and NOx",
        "Mercury captured as a co-benefit of these controls"])
    s.slide("Emission standard and monitoring", [
        "Emission limit value for mercury in power plants: 0.03 mg/m3 (GB 13223-2011)",
        "Monitoring programme at more than 100 units, sorbent trap and continuous monitors",
        "Average measured concentration well below the limit value"])
    s.slide("Lessons and next steps", [
        "Co-benefit approach is cost-effective for large units",
        "Industrial boilers remain a challenge: many small units, limited monitoring",
        "Willing to share experience with countries in the region"])
    s.output(path)


def slides_viet_nam(path):
    s = Slides("Hanoi workshop on mercury emissions from coal combustion, 31 Oct - 1 Nov 2019")
    s.slide("Mercury emission inventory for coal combustion in Viet Nam", [
        "Viet Nam Environment Administration",
        "Regional workshop, Hanoi, 31 October - 1 November 2019"], notice=NOTICE)
    s.slide("Coal-fired power in Viet Nam", [
        "28 coal-fired power plants in operation in 2019, more under construction",
        "Coal share of generation about 38 % and rising",
        "Domestic anthracite and imported bituminous coal"])
    s.slide("Initial inventory (Level 1)", [
        "Prepared with the UNEP Toolkit during the Minamata Initial Assessment",
        "Coal combustion estimated as the largest source of mercury emissions to air",
        "Default factors used: mercury content of coal not measured systematically"])
    s.slide("Needs", [
        "Laboratory capacity to analyse mercury in coal and flue gas",
        "Guidance on BAT/BEP for circulating fluidized bed boilers",
        "Support to report under Article 21 of the Convention"])
    s.output(path)


def slides_indonesia_scanned(path):
    s = Slides(footer="")
    scanned_slide(s, "Indonesia: coal power and mercury", [
        "SAMPLE - not an official document (scanned slides)",
        "Ministry of Environment and Forestry", "Hanoi, 31 October 2019"])
    scanned_slide(s, "Coal-fired power plants", [
        "About 95 plants; coal 60 % of electricity", "New emission standard in 2019",
        "Mercury monitoring planned for large units"])
    scanned_slide(s, "Challenges", [
        "Data on mercury in domestic coal", "Costs of retrofits",
        "Small industrial boilers"])
    s.output(path)


def slides_secretariat_fr(path):
    s = Slides("Atelier de Hanoï sur les émissions de mercure dues à la combustion du charbon")
    s.slide("La Convention de Minamata et les émissions de mercure : l'article 8", [
        "Secrétariat de la Convention de Minamata sur le mercure",
        "Atelier régional Asie-Pacifique, Hanoï (Viet Nam), 31 octobre 2019"],
        notice="ÉCHANTILLON - DOCUMENT NON OFFICIEL. Rédigé pour le répertoire des documents "
               "de Minamata à partir de la page publique du Secrétariat.")
    s.slide("Ce que demande l'article 8", [
        "Nouvelles sources : utilisation des meilleures techniques disponibles et des "
        "meilleures pratiques environnementales (MTD/MPE) dans un délai de cinq ans",
        "Sources existantes : une ou plusieurs mesures (objectif chiffré, valeurs limites "
        "d'émission, MTD/MPE, stratégie de contrôle multipolluants)",
        "Inventaire des émissions des sources pertinentes"])
    s.slide("Sources visées à l'annexe D", [
        "Centrales électriques alimentées au charbon",
        "Chaudières industrielles alimentées au charbon",
        "Procédés de fusion et de grillage utilisés dans la production de métaux non ferreux",
        "Installations d'incinération des déchets ; installations de production de clinker"])
    s.slide("Appui du Secrétariat", [
        "Orientations sur les MTD/MPE et sur les inventaires adoptées par la Conférence des Parties",
        "Projet de renforcement des capacités financé par l'Union européenne",
        "Réunions régionales et échanges d'expériences entre pays"])
    s.output(path)


def slides_secretariat_en(path):
    # The English language version of the French presentation above: same slides, same
    # numbers and names, so the repository can suggest that they are versions of one work.
    s = Slides("Hanoi workshop on mercury emissions from coal combustion")
    s.slide("The Minamata Convention and mercury emissions: article 8", [
        "Secretariat of the Minamata Convention on Mercury",
        "Asia-Pacific regional workshop, Hanoi (Viet Nam), 31 October 2019"], notice=NOTICE)
    s.slide("What article 8 requires", [
        "New sources: use of best available techniques and best environmental practices "
        "(BAT/BEP) within five years",
        "Existing sources: one or more measures (quantified goal, emission limit values, "
        "BAT/BEP, multi-pollutant control strategy)",
        "Inventory of emissions from relevant sources"])
    s.slide("Sources listed in annex D", [
        "Coal-fired power plants",
        "Coal-fired industrial boilers",
        "Smelting and roasting processes used in the production of non-ferrous metals",
        "Waste incineration facilities; cement clinker production facilities"])
    s.slide("Support from the Secretariat", [
        "Guidance on BAT/BEP and on inventories adopted by the Conference of the Parties",
        "Capacity-building project funded by the European Union",
        "Regional meetings and exchanges of experience between countries"])
    s.output(path)
