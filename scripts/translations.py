"""The French and Spanish interface strings, and the tool that writes them into the .po files.

Run `python -m scripts.translations` after adding strings to the templates or webui/*.py:
it extracts the messages (pybabel), fills each language's catalogue from the tables
below, and lists any string still missing a translation.
"""
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
T = {  # English: (French, Spanish)
    "Something went wrong on our side.": ("Une erreur s'est produite de notre côté.", "Algo salió mal por nuestra parte."),
    "Report": ("Rapport", "Informe"),
    "Chair's summary": ("Résumé du président", "Resumen de la presidencia"),
    "Presentation": ("Présentation", "Presentación"),
    "Agenda": ("Ordre du jour", "Programa"),
    "Other document": ("Autre document", "Otro documento"),
    "Africa": ("Afrique", "África"),
    "Asia-Pacific": ("Asie-Pacifique", "Asia y el Pacífico"),
    "Eastern Europe": ("Europe orientale", "Europa Oriental"),
    "Latin America and the Caribbean": ("Amérique latine et Caraïbes", "América Latina y el Caribe"),
    "Western European and other States": ("États d'Europe occidentale et autres États", "Estados de Europa Occidental y otros Estados"),
    "Event": ("Événement", "Evento"),
    "Year": ("Année", "Año"),
    "Country": ("Pays", "País"),
    "Region": ("Région", "Región"),
    "Document type": ("Type de document", "Tipo de documento"),
    "Language": ("Langue", "Idioma"),
    "Topic": ("Thème", "Tema"),
    "Undetermined": ("Indéterminée", "Indeterminado"),
    "Narrow the results": ("Affiner les résultats", "Afinar los resultados"),
    "Show %(n)s more": ("Afficher %(n)s de plus", "Mostrar %(n)s más"),
    "Apply": ("Appliquer", "Aplicar"),
    "No text layer (scanned): found by its description only": ("Sans couche texte (numérisé) : trouvé par sa description seulement", "Sin capa de texto (escaneado): encontrado solo por su descripción"),
    ("On page", "On pages"): (("À la page", "Aux pages"), ("En la página", "En las páginas")),
    "Open page %(n)s": ("Ouvrir la page %(n)s", "Abrir la página %(n)s"),
    "what did the workshops say about coal power plants?": (
        "qu'ont dit les ateliers sur les centrales au charbon ?",
        "¿qué dijeron los talleres sobre las centrales de carbón?"),
    "ask as you would ask a colleague: documents with most of the words come first, small words such as “the” or “de” are left out": (
        "posez la question comme à un collègue : les documents qui ont le plus de mots viennent d'abord ; les petits mots comme « le » ou « de » sont ignorés",
        "pregunte como a un colega: los documentos con más palabras aparecen primero; las palabras pequeñas como «el» o «de» se omiten"),
    "a document symbol or a number, found exactly": (
        "une cote de document ou un nombre, trouvés tels quels",
        "una signatura de documento o un número, encontrados tal cual"),
    "the exact phrase; a word that must be there; a word that must not": (
        "l'expression exacte ; un mot qui doit y être ; un mot qui ne doit pas y être",
        "la frase exacta; una palabra que debe estar; una palabra que no debe estar"),
    "“%(prefix)s*” begins %(words)s words: only the %(searched)s most common were searched. Type more letters to find the others.": (
        "« %(prefix)s* » commence %(words)s mots : seuls les %(searched)s plus courants ont été cherchés. Tapez plus de lettres pour trouver les autres.",
        "«%(prefix)s*» inicia %(words)s palabras: solo se buscaron las %(searched)s más comunes. Escriba más letras para encontrar las demás."),
    "“%(prefix)s*”: a * can only end a single word (for example emiss*); for documents whose symbol begins so, type symbol:%(prefix)s*": (
        "« %(prefix)s* » : un * ne peut terminer qu'un seul mot (par exemple emiss*) ; pour les documents dont la cote commence ainsi, tapez symbol:%(prefix)s*",
        "«%(prefix)s*»: un * solo puede terminar una sola palabra (por ejemplo emiss*); para los documentos cuya signatura empieza así, escriba symbol:%(prefix)s*"),
    "Too many failed attempts on this account. Please wait %(n)s seconds and try again.": (
        "Trop de tentatives infructueuses sur ce compte. Veuillez attendre %(n)s secondes et réessayer.",
        "Demasiados intentos fallidos en esta cuenta. Espere %(n)s segundos e inténtelo de nuevo."),
    "Shown to delegates even before one of its documents is published": (
        "Visible par les délégués avant même qu'un de ses documents soit publié",
        "Visible para los delegados incluso antes de que se publique uno de sus documentos"),
    "Open at page %(n)s": ("Ouvrir à la page %(n)s", "Abrir en la página %(n)s"),
    "also on pages": ("aussi aux pages", "también en las páginas"),
    "best match first": ("les plus pertinentes d'abord", "las más pertinentes primero"),
    "Page %(n)s": ("Page %(n)s", "Página %(n)s"),
    "Symbol": ("Cote", "Signatura"),
    "Document symbol (optional, one file only), e.g. UNEP/MC/WS.2019/HAN/1": (
        "Cote du document (facultative, un seul fichier), p. ex. UNEP/MC/WS.2019/HAN/1",
        "Signatura del documento (opcional, un solo archivo), p. ej. UNEP/MC/WS.2019/HAN/1"),
    "Document symbol (optional), e.g. UNEP/MC/WS.2019/HAN/1": (
        "Cote du document (facultative), p. ex. UNEP/MC/WS.2019/HAN/1",
        "Signatura del documento (opcional), p. ej. UNEP/MC/WS.2019/HAN/1"),
    "A document symbol is made of parts joined by / . or -, e.g. UNEP/MC/WS.2019/HAN/1.": (
        "Une cote se compose de parties reliées par / . ou -, p. ex. UNEP/MC/WS.2019/HAN/1.",
        "Una signatura se compone de partes unidas por / . o -, p. ej. UNEP/MC/WS.2019/HAN/1."),
    ("There is only %(num)s page of results; page %(asked)s does not exist.",
     "There are only %(num)s pages of results; page %(asked)s does not exist. Here is the last one."): (
        ("Il n'y a qu'une page de résultats ; la page %(asked)s n'existe pas.",
         "Il n'y a que %(num)s pages de résultats ; la page %(asked)s n'existe pas. Voici la dernière."),
        ("Solo hay una página de resultados; la página %(asked)s no existe.",
         "Solo hay %(num)s páginas de resultados; la página %(asked)s no existe. Esta es la última.")),
    "The query is too long (%(length)s characters): the limit is %(limit)s characters.": (
        "La requête est trop longue (%(length)s caractères) : la limite est de %(limit)s caractères.",
        "La consulta es demasiado larga (%(length)s caracteres): el límite es de %(limit)s caracteres."),
    "Open the PDF": ("Ouvrir le PDF", "Abrir el PDF"),
    "Minamata Convention meeting documents": ("Documents des réunions de la Convention de Minamata", "Documentos de las reuniones del Convenio de Minamata"),
    "Skip to content": ("Aller au contenu", "Ir al contenido"),
    "Main": ("Principal", "Principal"),
    "Search": ("Rechercher", "Buscar"),
    "Events": ("Événements", "Eventos"),
    "Interface language": ("Langue de l'interface", "Idioma de la interfaz"),
    "Workshops and meetings on capacity building and technical assistance under the Minamata Convention on Mercury.": (
        "Ateliers et réunions sur le renforcement des capacités et l'assistance technique au titre de la Convention de Minamata sur le mercure.",
        "Talleres y reuniones sobre fortalecimiento de capacidades y asistencia técnica en el marco del Convenio de Minamata sobre el Mercurio."),
    "Search help": ("Aide à la recherche", "Ayuda para buscar"),
    "JSON API": ("API JSON", "API JSON"),
    "Breadcrumb": ("Fil d'Ariane", "Ruta de navegación"),
    "Back to the results for “%(q)s”": ("Retour aux résultats pour « %(q)s »", "Volver a los resultados de «%(q)s»"),
    "View the PDF": ("Voir le PDF", "Ver el PDF"),
    "Download (%(size)s KB)": ("Télécharger (%(size)s Ko)", "Descargar (%(size)s KB)"),
    "Where “%(q)s” is in this document": ("Où se trouve « %(q)s » dans ce document", "Dónde aparece «%(q)s» en este documento"),
    "The words are not in the text of this document (they may be in its title or description).": (
        "Les mots ne figurent pas dans le texte de ce document (ils sont peut-être dans son titre ou sa description).",
        "Las palabras no están en el texto de este documento (quizá estén en su título o descripción)."),
    "Place and dates": ("Lieu et dates", "Lugar y fechas"),
    "Languages": ("Langues", "Idiomas"),
    "Pages": ("Pages", "Páginas"),
    "no text layer (scanned): its text cannot be searched": ("sans couche texte (numérisé) : son texte n'est pas consultable", "sin capa de texto (escaneado): su texto no se puede buscar"),
    "some pages have no text layer": ("certaines pages n'ont pas de couche texte", "algunas páginas no tienen capa de texto"),
    "File": ("Fichier", "Archivo"),
    "Other documents of this event": ("Autres documents de cet événement", "Otros documentos de este evento"),
    "More like this": ("Documents similaires", "Documentos similares"),
    "Page not found": ("Page introuvable", "Página no encontrada"),
    "File too large": ("Fichier trop volumineux", "Archivo demasiado grande"),
    "Something went wrong": ("Une erreur s'est produite", "Algo salió mal"),
    "This request could not be handled": ("Cette demande n'a pas pu être traitée", "No se pudo atender esta solicitud"),
    "Go to the search page": ("Aller à la page de recherche", "Ir a la página de búsqueda"),
    "Place": ("Lieu", "Lugar"),
    "Dates": ("Dates", "Fechas"),
    "Organisers": ("Organisateurs", "Organizadores"),
    "Funded by": ("Financé par", "Financiado por"),
    "Participating countries": ("Pays participants", "Países participantes"),
    "Topics": ("Thèmes", "Temas"),
    "Documents": ("Documents", "Documentos"),
    "No document of this event is in the repository yet.": ("Aucun document de cet événement n'est encore dans le répertoire.", "Aún no hay ningún documento de este evento en el repositorio."),
    "Search within this event": ("Rechercher dans cet événement", "Buscar en este evento"),
    "Workshops and meetings": ("Ateliers et réunions", "Talleres y reuniones"),
    "All years": ("Toutes les années", "Todos los años"),
    "All regions": ("Toutes les régions", "Todas las regiones"),
    "Show": ("Afficher", "Mostrar"),
    "No event matches these filters.": ("Aucun événement ne correspond à ces filtres.", "Ningún evento corresponde a estos filtros."),
    "“%(q)s” – search": ("« %(q)s » – recherche", "«%(q)s» – búsqueda"),
    "Search the documents": ("Rechercher dans les documents", "Buscar en los documentos"),
    "Search the text of the reports, summaries and presentations": ("Rechercher dans le texte des rapports, résumés et présentations", "Buscar en el texto de los informes, resúmenes y presentaciones"),
    "e.g. mercury emissions coal": ("p. ex. émissions mercure charbon", "p. ej. emisiones mercurio carbón"),
    "Your search could not be run:": ("Votre recherche n'a pas pu être effectuée :", "No se pudo realizar su búsqueda:"),
    "Selected filters": ("Filtres choisis", "Filtros seleccionados"),
    "Remove filter %(f)s: %(v)s": ("Retirer le filtre %(f)s : %(v)s", "Quitar el filtro %(f)s: %(v)s"),
    ("%(num)s document", "%(num)s documents"): (("%(num)s document", "%(num)s documents"), ("%(num)s documento", "%(num)s documentos")),
    "No documents found": ("Aucun document trouvé", "No se encontró ningún documento"),
    "Sort by:": ("Trier par :", "Ordenar por:"),
    "relevance": ("pertinence", "pertinencia"),
    "date": ("date", "fecha"),
    "Did you mean": ("Vouliez-vous dire", "Quiso decir"),
    "This search took too long and was cut short: some documents may be missing.": (
        "Cette recherche a pris trop de temps et a été interrompue : des documents peuvent manquer.",
        "Esta búsqueda tardó demasiado y se interrumpió: pueden faltar documentos."),
    "Try fewer or other words, or remove a filter. Examples:": ("Essayez moins de mots ou d'autres mots, ou retirez un filtre. Exemples :", "Pruebe con menos palabras u otras, o quite un filtro. Ejemplos:"),
    "Result pages": ("Pages de résultats", "Páginas de resultados"),
    "Previous": ("Précédente", "Anterior"),
    "Next": ("Suivante", "Siguiente"),
    "How to search": ("Comment rechercher", "Cómo buscar"),
    "documents with both words, in any form (coal, Coal; emission, emissions) and with or without accents": (
        "les documents qui contiennent les deux mots, sous toutes leurs formes (déchet, déchets) et avec ou sans accents",
        "los documentos con ambas palabras, en cualquier forma (emisión, emisiones) y con o sin tildes"),
    "either word; the first word but not the second": ("l'un ou l'autre mot ; le premier mot mais pas le second", "una u otra palabra; la primera palabra pero no la segunda"),
    "words that start with these letters (at least 3)": ("les mots qui commencent par ces lettres (au moins 3)", "las palabras que empiezan por estas letras (al menos 3)"),
    "a filter written in the query": ("un filtre écrit dans la requête", "un filtro escrito en la consulta"),
    "There is no event with this address.": ("Il n'y a pas d'événement à cette adresse.", "No hay ningún evento en esta dirección."),
    "There is no document with this address.": ("Il n'y a pas de document à cette adresse.", "No hay ningún documento en esta dirección."),
    "The file of this document is missing.": ("Le fichier de ce document est manquant.", "Falta el archivo de este documento."),
    "The search index is not available: %(reason)s": ("L'index de recherche n'est pas disponible : %(reason)s", "El índice de búsqueda no está disponible: %(reason)s"),
    "A * may only end a word, after at least %(n)s letters (for example emiss*).": ("Un * ne peut que terminer un mot, après au moins %(n)s lettres (par exemple émiss*).", "Un * solo puede terminar una palabra, tras al menos %(n)s letras (por ejemplo emis*)."),
    "“%(prefix)s*”: a word search with * needs at least %(n)s letters before the *.": ("« %(prefix)s* » : une recherche avec * demande au moins %(n)s lettres avant le *.", "«%(prefix)s*»: una búsqueda con * necesita al menos %(n)s letras antes del *."),
    "Sign out": ("Se déconnecter", "Cerrar sesión"),
    "Staff sign-in": ("Connexion du personnel", "Acceso del personal"),
    "For Secretariat staff who add and correct documents. Delegates do not need an account.": (
        "Pour le personnel du Secrétariat qui ajoute et corrige les documents. Les délégués n'ont pas besoin de compte.",
        "Para el personal de la Secretaría que añade y corrige documentos. Los delegados no necesitan cuenta."),
    "User name": ("Nom d'utilisateur", "Nombre de usuario"),
    "Password": ("Mot de passe", "Contraseña"),
    "Sign in": ("Se connecter", "Iniciar sesión"),
    "Too many failed attempts. Please wait %(n)s minutes and try again.": (
        "Trop de tentatives échouées. Veuillez attendre %(n)s minutes et réessayer.",
        "Demasiados intentos fallidos. Espere %(n)s minutos e inténtelo de nuevo."),
    "Wrong name or password.": ("Nom ou mot de passe incorrect.", "Nombre o contraseña incorrectos."),
    "This form has expired or did not come from this site; please try again.": (
        "Ce formulaire a expiré ou ne vient pas de ce site ; veuillez réessayer.",
        "Este formulario ha caducado o no procede de este sitio; inténtelo de nuevo."),
    "Published": ("Publié", "Publicado"),
    "Draft": ("Brouillon", "Borrador"),
    "Retracted": ("Retiré", "Retirado"),
    "Add documents": ("Ajouter des documents", "Añadir documentos"),
    "only Secretariat staff can see this document.": ("seul le personnel du Secrétariat peut voir ce document.", "solo el personal de la Secretaría puede ver este documento."),
    "Please correct the fields marked below.": ("Veuillez corriger les champs signalés ci-dessous.", "Corrija los campos señalados a continuación."),
    "Files": ("Fichiers", "Archivos"),
    "PDF files (one or several, %(mb)s MB in all at most)": ("Fichiers PDF (un ou plusieurs, %(mb)s Mo en tout au maximum)", "Archivos PDF (uno o varios, %(mb)s MB en total como máximo)"),
    "Choose…": ("Choisir…", "Elegir…"),
    "A new event (fill in below)": ("Un nouvel événement (à remplir ci-dessous)", "Un evento nuevo (rellenar abajo)"),
    "New event": ("Nouvel événement", "Evento nuevo"),
    "Title": ("Titre", "Título"),
    "Language of the title": ("Langue du titre", "Idioma del título"),
    "City": ("Ville", "Ciudad"),
    "First day": ("Premier jour", "Primer día"),
    "Last day": ("Dernier jour", "Último día"),
    "Hosts and organisers (separated by ;)": ("Hôtes et organisateurs (séparés par ;)", "Anfitriones y organizadores (separados por ;)"),
    "Funders (separated by ;)": ("Bailleurs de fonds (séparés par ;)", "Financiadores (separados por ;)"),
    "Topics (separated by ;)": ("Thèmes (séparés par ;)", "Temas (separados por ;)"),
    "Description": ("Description", "Descripción"),
    "Document": ("Document", "Documento"),
    "Title (one file only; leave empty to take it from the PDF)": ("Titre (un seul fichier ; laisser vide pour le prendre dans le PDF)", "Título (un solo archivo; dejar vacío para tomarlo del PDF)"),
    "Language (leave empty to use the one detected)": ("Langue (laisser vide pour utiliser celle détectée)", "Idioma (dejar vacío para usar el detectado)"),
    "Source note, e.g. “English only”": ("Note de source, p. ex. « en anglais uniquement »", "Nota de origen, p. ej. «solo en inglés»"),
    "Visibility": ("Visibilité", "Visibilidad"),
    "Publish now": ("Publier maintenant", "Publicar ahora"),
    "Keep as a draft (staff only)": ("Garder comme brouillon (personnel seulement)", "Guardar como borrador (solo el personal)"),
    "Add": ("Ajouter", "Añadir"),
    "Documents added": ("Documents ajoutés", "Documentos añadidos"),
    "What was found in the files": ("Ce qui a été trouvé dans les fichiers", "Lo que se encontró en los archivos"),
    "added as": ("ajouté comme", "añadido como"),
    ("%(num)s page", "%(num)s pages"): (("%(num)s page", "%(num)s pages"), ("%(num)s página", "%(num)s páginas")),
    "No text layer: scanned? Only its title and event can be searched.": ("Pas de couche texte : numérisé ? Seuls son titre et son événement sont consultables.", "Sin capa de texto: ¿escaneado? Solo se pueden buscar su título y su evento."),
    "Some pages have no text layer.": ("Certaines pages n'ont pas de couche texte.", "Algunas páginas no tienen capa de texto."),
    "refused:": ("refusé :", "rechazado:"),
    "See the document already there": ("Voir le document déjà présent", "Ver el documento ya presente"),
    "Add more documents": ("Ajouter d'autres documents", "Añadir más documentos"),
    "See the event": ("Voir l'événement", "Ver el evento"),
    "This file is already in the repository.": ("Ce fichier est déjà dans le répertoire.", "Este archivo ya está en el repositorio."),
    "The file is empty.": ("Le fichier est vide.", "El archivo está vacío."),
    "The file is not a PDF.": ("Le fichier n'est pas un PDF.", "El archivo no es un PDF."),
    "The PDF is damaged and cannot be read.": ("Le PDF est endommagé et illisible.", "El PDF está dañado y no se puede leer."),
    "The PDF is password-protected; upload it without a password.": ("Le PDF est protégé par un mot de passe ; téléversez-le sans mot de passe.", "El PDF está protegido con contraseña; súbalo sin contraseña."),
    "The file is larger than the limit.": ("Le fichier dépasse la taille maximale.", "El archivo supera el tamaño máximo."),
    "The PDF has more pages than the limit.": ("Le PDF dépasse le nombre maximal de pages.", "El PDF supera el número máximo de páginas."),
    "Reading the PDF took too long; it was stopped.": ("La lecture du PDF a pris trop de temps ; elle a été arrêtée.", "La lectura del PDF tardó demasiado; se detuvo."),
    "Choose at least one PDF.": ("Choisissez au moins un PDF.", "Elija al menos un PDF."),
    "At most %(n)s files at once.": ("Au plus %(n)s fichiers à la fois.", "Como máximo %(n)s archivos a la vez."),
    "Choose a document type.": ("Choisissez un type de document.", "Elija un tipo de documento."),
    "Choose whether to publish now or keep a draft.": ("Choisissez de publier maintenant ou de garder un brouillon.", "Elija publicar ahora o guardar un borrador."),
    "Use a two-letter language code such as en, fr or es.": ("Utilisez un code de langue à deux lettres comme en, fr ou es.", "Use un código de idioma de dos letras como en, fr o es."),
    "Choose an event, or create one.": ("Choisissez un événement, ou créez-en un.", "Elija un evento o cree uno."),
    "At most 500 characters.": ("Au plus 500 caractères.", "Como máximo 500 caracteres."),
    "The new event needs a title.": ("Le nouvel événement doit avoir un titre.", "El evento nuevo necesita un título."),
    "The new event needs a city.": ("Le nouvel événement doit avoir une ville.", "El evento nuevo necesita una ciudad."),
    "Choose a country.": ("Choisissez un pays.", "Elija un país."),
    "Choose a region.": ("Choisissez une région.", "Elija una región."),
    "The event cannot end before it starts.": ("L'événement ne peut pas finir avant de commencer.", "El evento no puede terminar antes de empezar."),
    "Give the dates as YYYY-MM-DD.": ("Indiquez les dates au format AAAA-MM-JJ.", "Indique las fechas en el formato AAAA-MM-DD."),
    "The repository is busy; please try again in a minute.": ("Le répertoire est occupé ; veuillez réessayer dans une minute.", "El repositorio está ocupado; inténtelo de nuevo en un minuto."),
    "Correct or retract": ("Corriger ou retirer", "Corregir o retirar"),
    "Correct a document": ("Corriger un document", "Corregir un documento"),
    "Status": ("Statut", "Estado"),
    "Save": ("Enregistrer", "Guardar"),
    "A title of 1 to 500 characters is needed.": ("Un titre de 1 à 500 caractères est nécessaire.", "Se necesita un título de 1 a 500 caracteres."),
    "Choose a status.": ("Choisissez un statut.", "Elija un estado."),
    "Audit trail": ("Journal d'audit", "Registro de auditoría"),
    "Who": ("Qui", "Quién"),
    "Action": ("Action", "Acción"),
    "All": ("Toutes", "Todas"),
    "What": ("Quoi", "Qué"),
    "Since": ("Depuis", "Desde"),
    "Export:": ("Exporter :", "Exportar:"),
    "When": ("Quand", "Cuándo"),
    "Before": ("Avant", "Antes"),
    "After": ("Après", "Después"),
    "From": ("Depuis l'adresse", "Desde la dirección"),
    "No entries match these filters.": ("Aucune entrée ne correspond à ces filtres.", "Ninguna entrada corresponde a estos filtros."),
    "Only the 500 newest entries are shown; the exports hold up to 5,000.": ("Seules les 500 entrées les plus récentes sont affichées ; les exports en contiennent jusqu'à 5 000.", "Solo se muestran las 500 entradas más recientes; las exportaciones contienen hasta 5.000."),
    "Deleting removes the document from the repository; it is kept in the trash, from which an administrator can restore it (minamata restore %(id)s).": (
        "La suppression retire le document du répertoire ; il est conservé dans la corbeille, d'où un administrateur peut le restaurer (minamata restore %(id)s).",
        "Eliminar quita el documento del repositorio; se conserva en la papelera, desde donde un administrador puede restaurarlo (minamata restore %(id)s)."),
    "Delete this document": ("Supprimer ce document", "Eliminar este documento"),
    "Replace the file by a corrected version": ("Remplacer le fichier par une version corrigée", "Sustituir el archivo por una versión corregida"),
    "The current file is kept in the document's history; searches will find the new one.": (
        "Le fichier actuel est conservé dans l'historique du document ; les recherches trouveront le nouveau.",
        "El archivo actual se conserva en el historial del documento; las búsquedas encontrarán el nuevo."),
    "PDF file": ("Fichier PDF", "Archivo PDF"),
    "Replace": ("Remplacer", "Sustituir"),
    "Earlier versions": ("Versions antérieures", "Versiones anteriores"),
    "replaced on %(date)s": ("remplacée le %(date)s", "sustituida el %(date)s"),
    "Correct this event": ("Corriger cet événement", "Corregir este evento"),
    "Correct an event": ("Corriger un événement", "Corregir un evento"),
    "Participating countries (codes separated by ;)": ("Pays participants (codes séparés par ;)", "Países participantes (códigos separados por ;)"),
    "The event needs a title.": ("L'événement doit avoir un titre.", "El evento necesita un título."),
    "Give the countries as two-letter codes (VN; BO; JP).": ("Indiquez les pays par leur code à deux lettres (VN; BO; JP).", "Indique los países con su código de dos letras (VN; BO; JP)."),
    "Announced, not yet in the repository": ("Annoncés, pas encore dans le répertoire", "Anunciados, aún no en el repositorio"),
    "not yet in the repository": ("pas encore dans le répertoire", "aún no en el repositorio"),
    "Add it": ("L'ajouter", "Añadirlo"),
    "Import events": ("Importer des événements", "Importar eventos"),
    "Import events from a listing": ("Importer des événements depuis une page de liste", "Importar eventos desde una página de lista"),
    "The Secretariat's page of workshops and meetings, in French, English or Spanish, as saved from the browser (HTML) or as text. You will see what would change before anything is written.": (
        "La page des ateliers et réunions du Secrétariat, en français, anglais ou espagnol, enregistrée depuis le navigateur (HTML) ou en texte. Vous verrez ce qui changerait avant que rien ne soit écrit.",
        "La página de talleres y reuniones de la Secretaría, en francés, inglés o español, guardada desde el navegador (HTML) o como texto. Verá lo que cambiaría antes de que se escriba nada."),
    "Listing page (HTML or text)": ("Page de liste (HTML ou texte)", "Página de lista (HTML o texto)"),
    "or paste its text": ("ou collez son texte", "o pegue su texto"),
    "Language of the listing": ("Langue de la page", "Idioma de la página"),
    "Detect": ("Détecter", "Detectar"),
    "Preview": ("Aperçu", "Vista previa"),
    "Imported.": ("Importé.", "Importado."),
    "No event found in this listing.": ("Aucun événement trouvé dans cette page.", "No se encontró ningún evento en esta página."),
    "Lines left for a person to check": ("Lignes à vérifier par une personne", "Líneas que debe revisar una persona"),
    "line %(n)s:": ("ligne %(n)s :", "línea %(n)s:"),
    "Confirm the import": ("Confirmer l'importation", "Confirmar la importación"),
    "Cancel": ("Annuler", "Cancelar"),
    "The listing must be a text or HTML file in UTF-8.": ("La page doit être un fichier texte ou HTML en UTF-8.", "La página debe ser un archivo de texto o HTML en UTF-8."),
    "Upload the listing page, or paste its text.": ("Téléversez la page de liste, ou collez son texte.", "Suba la página de lista o pegue su texto."),
    "Also searched, in other languages:": ("Également recherché, dans d'autres langues :", "También se buscó, en otros idiomas:"),
    "Search only the words as typed": ("Rechercher seulement les mots saisis", "Buscar solo las palabras escritas"),
    "Also search in the other languages": ("Rechercher aussi dans les autres langues", "Buscar también en los otros idiomas"),
    # Language versions (works)
    "Available in": ("Disponible en", "Disponible en"),
    "%(language)s version": ("Version en %(language)s", "Versión en %(language)s"),
    "Found in the %(language)s version:": ("Trouvé dans la version en %(language)s :", "Encontrado en la versión en %(language)s:"),
    "Suggested: these look like language versions of this document": ("Suggestion : ces documents semblent être des versions linguistiques de celui-ci", "Sugerencia: estos documentos parecen versiones lingüísticas de este"),
    "in both: %(items)s": ("dans les deux : %(items)s", "en ambos: %(items)s"),
    "Confirm: same work": ("Confirmer : même document", "Confirmar: mismo documento"),
    "also in": ("existe aussi en", "también en"),
    "Language versions": ("Versions linguistiques", "Versiones lingüísticas"),
    "This document and these are one work in several languages; searches show them as one result.": ("Ce document et ceux-ci sont un même document en plusieurs langues ; les recherches les présentent comme un seul résultat.", "Este documento y estos son un mismo documento en varios idiomas; las búsquedas los muestran como un solo resultado."),
    "This document is not a version of the others": ("Ce document n'est pas une version des autres", "Este documento no es una versión de los demás"),
    "No other language version of this document is recorded.": ("Aucune autre version linguistique de ce document n'est enregistrée.", "No consta ninguna otra versión lingüística de este documento."),
    "This document is a language version of": ("Ce document est une version linguistique de", "Este documento es una versión lingüística de"),
    "Record": ("Enregistrer", "Registrar"),
    "Language version of (optional: the id of a document of the same event, e.g. its English original)": ("Version linguistique de (facultatif : l'identifiant d'un document de la même réunion, par exemple l'original anglais)", "Versión lingüística de (opcional: el identificador de un documento de la misma reunión, por ejemplo el original en inglés)"),
    "Recorded as a language version of %(id)s.": ("Enregistré comme version linguistique de %(id)s.", "Registrado como versión lingüística de %(id)s."),
    "Choose the document this one is a language version of.": ("Choisissez le document dont celui-ci est une version linguistique.", "Elija el documento del que este es una versión lingüística."),
    "There is no such document.": ("Ce document n'existe pas.", "Ese documento no existe."),
    "There is no document with the id %(id)s.": ("Aucun document n'a l'identifiant %(id)s.", "Ningún documento tiene el identificador %(id)s."),
    "Language versions belong to the same event: %(id)s is a document of another event.": ("Les versions linguistiques appartiennent à la même réunion : %(id)s est un document d'une autre réunion.", "Las versiones lingüísticas pertenecen a la misma reunión: %(id)s es un documento de otra reunión."),
}


def main():
    """Extract the messages and (re)write webui/translations/{fr,es}/LC_MESSAGES/messages.po."""
    pot = ROOT / "webui" / "translations" / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext", "--no-location",
                    "--omit-header", "-o", str(pot), str(ROOT)], check=True,
                   capture_output=True)
    missing = []
    for i, lang in enumerate(("fr", "es")):
        with open(pot, "rb") as f:
            catalog = read_po(f, locale=lang)
        for message in catalog:
            if not message.id:
                continue
            entry = T.get(message.id)
            if entry is None:
                missing.append((lang, message.id))
                continue
            text = entry[i]
            if isinstance(text, tuple):     # plural: pad to the language's plural forms
                text = text + (text[-1],) * (catalog.num_plurals - len(text))
            message.string = text
        target = ROOT / "webui" / "translations" / lang / "LC_MESSAGES" / "messages.po"
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as f:
            write_po(f, catalog, omit_header=False, no_location=True)
    for lang, msgid in missing:
        print(f"missing {lang}: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
