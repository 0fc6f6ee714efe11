"""The La Paz workshop (mercury trade, 8-10 October 2019): Spanish report and slides."""
from scripts.corpus.layout import Report, Slides

AVISO = ("MUESTRA - NO ES UN DOCUMENTO OFICIAL. Redactado para el repositorio de documentos "
         "de Minamata a partir de la página pública de la Secretaría; los nombres, cifras y "
         "conclusiones son ilustrativos.")

PAISES = [
    # nombre, autoridad ambiental, aduana, decomisos (kg), importaciones 2018 (t), MAPE
    ("Bolivia", "Ministerio de Medio Ambiente y Agua", "Aduana Nacional", 1250, 180, "alta"),
    ("Colombia", "Ministerio de Ambiente y Desarrollo Sostenible", "DIAN", 2300, 0, "alta"),
    ("Ecuador", "Ministerio del Ambiente", "Servicio Nacional de Aduana del Ecuador", 640, 12,
     "media"),
    ("México", "Secretaría de Medio Ambiente y Recursos Naturales", "Aduanas de México", 900,
     35, "baja"),
    ("Panamá", "Ministerio de Ambiente", "Autoridad Nacional de Aduanas", 150, 2, "baja"),
    ("Perú", "Ministerio del Ambiente", "SUNAT", 1800, 95, "alta"),
]


def seccion_pais(pdf, nombre, ambiente, aduana, decomisos, importaciones, mape):
    pdf.heading(nombre)
    pdf.para(
        f"La delegación de {nombre}, integrada por representantes del {ambiente} y de "
        f"{aduana}, presentó el marco normativo nacional sobre el comercio de mercurio. "
        f"Según los datos presentados, las importaciones registradas de mercurio en 2018 "
        f"fueron de aproximadamente {importaciones} toneladas, y las autoridades realizaron "
        f"decomisos por un total de {decomisos} kilogramos en los últimos tres años.")
    pdf.para(
        f"La delegación explicó que la demanda de mercurio en el país está vinculada "
        f"principalmente a la minería aurífera artesanal y en pequeña escala, cuya "
        f"importancia se considera {mape}. Se describieron las dificultades para distinguir "
        f"el mercurio comercializado legalmente del que circula de manera ilícita, así como "
        f"la falta de códigos arancelarios específicos para los compuestos de mercurio.")
    pdf.para(
        f"En cuanto al procedimiento de consentimiento previo establecido en el artículo 3 "
        f"del Convenio, {nombre} indicó que su autoridad nacional designada ha recibido "
        f"pocas solicitudes y que se requiere una mejor coordinación con la aduana para "
        f"verificar que cada importación cuente con el consentimiento por escrito. La "
        f"manipulación y el almacenamiento del mercurio decomisado plantean además problemas "
        f"de seguridad para el personal de aduanas.")
    pdf.para(
        "Entre las necesidades señaladas figuran la capacitación de los funcionarios de "
        "aduanas en la identificación del mercurio, el equipamiento para su detección, "
        "instalaciones de almacenamiento provisional ambientalmente racional y el "
        "intercambio de información con los países vecinos sobre las rutas del comercio.")
    pdf.para(
        f"En el debate posterior, los participantes preguntaron a la delegación de {nombre} "
        f"cómo se comunican las autoridades ambientales y aduaneras cuando se detecta un "
        f"envío sospechoso, qué sanciones se aplican al comercio ilícito y cómo se registra "
        f"el mercurio decomisado. La delegación respondió que existen protocolos de "
        f"comunicación, aunque su aplicación es desigual en los distintos pasos fronterizos, "
        f"y que las sanciones previstas en la legislación nacional rara vez se aplican.")


def informe(path):
    pdf = Report("UNEP/MC/WS.2019/LPZ/1", "Informe del taller - La Paz, 8 a 10 de octubre de 2019",
                 footer_word="Página")
    pdf.title_block([
        "Informe del taller de intercambio de conocimientos sobre el comercio de mercurio "
        "entre Bolivia, Colombia, el Ecuador, México, Panamá y el Perú",
        "La Paz (Estado Plurinacional de Bolivia), 8 a 10 de octubre de 2019",
        "Solo en español"], AVISO)
    pdf.heading("I. Apertura del taller")
    pdf.para(
        "El taller se inauguró el martes 8 de octubre de 2019 en La Paz. Pronunciaron "
        "palabras de bienvenida un representante del Ministerio de Medio Ambiente y Agua del "
        "Estado Plurinacional de Bolivia y un representante de la Secretaría del Convenio de "
        "Minamata sobre el Mercurio. El taller contó con la financiación de la Unión Europea "
        "en el marco del proyecto de fortalecimiento de capacidades de la Secretaría.")
    pdf.para(
        "Participaron representantes de los ministerios de medio ambiente y de las "
        "administraciones de aduanas de Bolivia, Colombia, el Ecuador, México, Panamá y el "
        "Perú, así como expertos de organizaciones internacionales. La lista de "
        "participantes figura en el anexo II del presente informe.")
    pdf.heading("II. Objetivos del taller")
    pdf.para(
        "El objetivo general del taller fue ayudar a los países a cumplir sus obligaciones "
        "comerciales en virtud del Convenio de Minamata. El taller ofreció también a los "
        "representantes de los ministerios de medio ambiente la oportunidad de dialogar con "
        "sus respectivos funcionarios de aduanas para compartir experiencias sobre cuestiones "
        "relacionadas con el comercio, como el consentimiento previo a la importación, las "
        "fuentes del mercurio comercializado, la manipulación y el almacenamiento del "
        "mercurio decomisado y el uso del mercurio comercializado en la extracción "
        "artesanal y en pequeña escala de oro.")
    pdf.heading("III. Las disposiciones comerciales del Convenio de Minamata")
    pdf.para(
        "La Secretaría presentó las disposiciones del artículo 3 del Convenio relativas a "
        "las fuentes de suministro y el comercio de mercurio. Ninguna Parte permitirá la "
        "exportación de mercurio salvo a una Parte que haya dado su consentimiento por "
        "escrito a la Parte exportadora, y únicamente para un uso permitido o para su "
        "almacenamiento provisional ambientalmente racional. Las exportaciones a Estados que "
        "no son Parte requieren además una certificación sobre el origen del mercurio y las "
        "medidas de protección de la salud humana y el medio ambiente.")
    pdf.para(
        "Se recordó que la minería primaria de mercurio está prohibida para las nuevas minas "
        "desde la entrada en vigor del Convenio, y que el mercurio procedente del "
        "desmantelamiento de plantas de cloro-álcali no puede destinarse a la minería "
        "aurífera artesanal y en pequeña escala. Se presentaron los formularios y las "
        "orientaciones adoptados por la Conferencia de las Partes.")
    pdf.heading("IV. Presentaciones de los países")
    pdf.para(
        "Cada país presentó su situación en materia de comercio de mercurio, sus "
        "procedimientos aduaneros y los principales desafíos encontrados. A continuación se "
        "resumen los puntos principales.")
    for fila in PAISES:
        seccion_pais(pdf, *fila)
    pdf.para(
        "El cuadro 1 resume las cifras presentadas por las delegaciones. Las cifras son "
        "indicativas y proceden de las presentaciones nacionales.")
    pdf.table(["País", "Importaciones 2018 (t)", "Decomisos (kg, 3 años)", "Importancia MAPE"],
              [[n, i, f"{d:,}".replace(",", "."), m] for n, _, _, d, i, m in PAISES],
              widths=(40, 40, 45, 35))
    pdf.heading("V. Manipulación y almacenamiento del mercurio decomisado")
    pdf.para(
        "Los participantes intercambiaron experiencias sobre la manipulación segura del "
        "mercurio decomisado. Se señaló que muchas oficinas de aduanas no disponen de "
        "equipos de protección personal ni de recipientes adecuados, y que el mercurio "
        "decomisado se almacena a menudo en depósitos no diseñados para ese fin. Se "
        "presentaron las directrices sobre el almacenamiento provisional ambientalmente "
        "racional del mercurio adoptadas por la Conferencia de las Partes.")
    pdf.para(
        "Se destacó la necesidad de definir el destino final del mercurio decomisado, ya "
        "que su devolución al mercado no es compatible con los objetivos del Convenio. "
        "Algunos países estudian su consideración como desecho de mercurio y su gestión "
        "conforme al artículo 11.")
    pdf.heading("VI. Cooperación subregional y observatorio andino")
    pdf.para(
        "Los participantes identificaron los desafíos encontrados en la aplicación del "
        "Convenio de Minamata y exploraron soluciones y enfoques para superarlos a nivel "
        "nacional y subregional. Ello incluye la puesta en marcha del nuevo observatorio "
        "andino, encargado de la gestión de la información oficial sobre el mercurio, que "
        "permitirá compartir datos sobre importaciones, exportaciones y decomisos.")
    pdf.para(
        "Se propuso crear una red de puntos de contacto de aduanas y de medio ambiente, "
        "armonizar los códigos arancelarios nacionales para el mercurio y sus compuestos, y "
        "organizar capacitaciones conjuntas en los pasos fronterizos más utilizados.")
    pdf.heading("VII. Conclusiones y recomendaciones")
    for texto in [
        "Fortalecer la coordinación entre las autoridades ambientales y las aduanas para "
        "aplicar el procedimiento de consentimiento previo del artículo 3.",
        "Capacitar a los funcionarios de aduanas en la identificación, manipulación y "
        "almacenamiento del mercurio, y dotarlos del equipo necesario.",
        "Compartir información sobre el comercio ilícito de mercurio a través del "
        "observatorio andino y de la red de puntos de contacto.",
        "La Secretaría organizará un evento paralelo en la tercera reunión de la "
        "Conferencia de las Partes (COP3) para difundir los resultados del taller y dar "
        "seguimiento a las recomendaciones.",
    ]:
        pdf.para(texto)
    pdf.add_page()
    pdf.heading("Anexo I - Programa")
    pdf.table(["Día", "Sesiones"], [
        ["Martes 8 de octubre", "Apertura; disposiciones comerciales del Convenio (artículo 3)"],
        ["Martes 8 de octubre", "Presentaciones de Bolivia, Colombia y el Ecuador"],
        ["Miércoles 9 de octubre", "Presentaciones de México, Panamá y el Perú"],
        ["Miércoles 9 de octubre", "Manipulación y almacenamiento del mercurio decomisado"],
        ["Jueves 10 de octubre", "Cooperación subregional; observatorio andino; clausura"],
    ], widths=(45, 115))
    pdf.heading("Anexo II - Lista de participantes (por país)")
    filas = []
    for n, amb, adu, _, _, _ in PAISES:
        filas += [[n, amb, "Medio ambiente"], [n, adu, "Aduanas"]]
    filas += [["-", "Secretaría del Convenio de Minamata", "Organizador"],
              ["-", "Unión Europea", "Financiador"]]
    pdf.table(["País", "Institución", "Función"], filas, widths=(30, 100, 30))
    pdf.add_page()
    pdf.heading("Anexo III - Glosario de términos utilizados en el taller")
    pdf.table(["Término", "Significado en el contexto del Convenio"], [
        ["Consentimiento previo", "Consentimiento por escrito de la Parte importadora antes "
         "de toda exportación de mercurio (artículo 3)"],
        ["Autoridad nacional designada", "Entidad que recibe y responde las solicitudes de "
         "consentimiento"],
        ["MAPE", "Minería aurífera artesanal y en pequeña escala (artículo 7)"],
        ["Almacenamiento provisional", "Almacenamiento ambientalmente racional del mercurio "
         "destinado a un uso permitido (artículo 10)"],
        ["Desechos de mercurio", "Sustancias u objetos que contienen mercurio y se eliminan "
         "(artículo 11)"],
        ["Código arancelario", "Código del Sistema Armonizado con el que se declara una "
         "mercancía en aduana (2805.40 para el mercurio)"],
        ["Decomiso", "Incautación por la autoridad de una mercancía ingresada ilícitamente"],
        ["Observatorio andino", "Plataforma subregional de información oficial sobre el "
         "mercurio"],
    ], widths=(45, 115))
    pdf.output(path)


def slides_peru(path):
    s = Slides("Taller sobre el comercio de mercurio, La Paz, 8-10 de octubre de 2019")
    s.slide("Control del comercio de mercurio en el Perú", [
        "Ministerio del Ambiente - SUNAT", "La Paz, 8 de octubre de 2019"], notice=AVISO)
    s.slide("Marco normativo", [
        "Registro de usuarios de mercurio y control de insumos químicos",
        "Autoridad nacional designada para el consentimiento previo (artículo 3)",
        "Prohibición del uso de mercurio en la minería aurífera ilegal"])
    s.slide("Decomisos y almacenamiento", [
        "1.800 kg de mercurio decomisados en tres años, sobre todo en Madre de Dios",
        "Almacenamiento provisional en depósitos de la SUNAT",
        "Necesidad de un destino final ambientalmente racional"])
    s.output(path)


def slides_colombia(path):
    s = Slides("Taller sobre el comercio de mercurio, La Paz, 8-10 de octubre de 2019")
    s.slide("Trazabilidad del mercurio y aduanas en Colombia", [
        "Ministerio de Ambiente y Desarrollo Sostenible - DIAN",
        "La Paz, 9 de octubre de 2019"], notice=AVISO)
    s.slide("Eliminación del mercurio en la minería", [
        "Ley 1658 de 2013: eliminación del uso del mercurio en la minería desde julio de 2018",
        "Importaciones de mercurio reducidas a cero para la minería",
        "Registro único de usuarios de mercurio"])
    s.slide("Control aduanero", [
        "Perfiles de riesgo para envíos con mercurio",
        "Cooperación con Ecuador y Perú en pasos fronterizos",
        "Capacitación de funcionarios en la identificación de sustancias"])
    s.output(path)


def slides_bilingual(path):
    s = Slides("La Paz, 8-10 October 2019 / 8 a 10 de octubre de 2019")
    s.slide("Trade provisions of the Minamata Convention / Disposiciones comerciales", [
        "Secretariat of the Minamata Convention on Mercury",
        "Secretaría del Convenio de Minamata sobre el Mercurio"],
        notice="SAMPLE - NOT AN OFFICIAL DOCUMENT / MUESTRA - NO ES UN DOCUMENTO OFICIAL")
    s.slide("Article 3: export of mercury / Artículo 3: exportación de mercurio", [
        "Export only to a Party that has given its written consent, for an allowed use or "
        "environmentally sound interim storage.",
        "Exportación solo a una Parte que haya dado su consentimiento por escrito, para un "
        "uso permitido o su almacenamiento provisional ambientalmente racional."])
    s.slide("Non-Parties / Estados que no son Parte", [
        "Export to a non-Party requires its consent and a certification of the measures "
        "it takes to protect human health and the environment.",
        "La exportación a un Estado que no es Parte requiere su consentimiento y una "
        "certificación de las medidas que adopta para proteger la salud y el ambiente."])
    s.slide("Customs / Aduanas", [
        "Customs officers are the front line: training, equipment and risk profiles help "
        "them detect shipments of mercury.",
        "Los funcionarios de aduanas son la primera línea: la capacitación, el equipo y los "
        "perfiles de riesgo les ayudan a detectar los envíos de mercurio."])
    s.output(path)
