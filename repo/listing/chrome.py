"""Page chrome in a pasted or saved listing: navigation, footers, sign-in links, cookie
notices, share buttons, breadcrumbs. None of it is about an event, so none of it may end
up in a description, an organiser or a title.

Two means, because a listing comes as HTML or as the text a browser copies: the HTML
elements that hold chrome are skipped whole (`CHROME_ELEMENTS`), and in text, lines made
only of known chrome words (in English, French and Spanish) are dropped."""
import re

from repo.listing.places import fold

# Elements a page puts its chrome in; their text is never read.
CHROME_ELEMENTS = frozenset({"nav", "header", "footer", "aside", "script", "style", "form",
                             "noscript", "template", "button", "select", "iframe", "svg"})

# Whole lines (folded: lower case, no accents) that are chrome in en, fr or es.
CHROME_WORDS = frozenset(p.strip() for p in """
login; log in; sign in; sign out; logout; log out; register; my account; connexion;
se connecter; deconnexion; se deconnecter; s'identifier; inscription; mon compte;
iniciar sesion; cerrar sesion; registrarse; mi cuenta; acceder;
home; accueil; inicio; menu; main menu; menu principal; search; rechercher; recherche;
buscar; busqueda; skip to content; skip to main content; aller au contenu;
ir al contenido; share; share this page; partager; partager cette page; compartir; tweet;
print; imprimer; imprimir; email; e-mail; facebook; twitter; x; linkedin; youtube;
instagram; flickr; rss; back to top; retour en haut; haut de page; volver arriba;
ir arriba; top; contact; contact us; contactez-nous; nous contacter; contacto;
contactenos; privacy; privacy policy; politique de confidentialite; confidentialite;
politica de privacidad; privacidad; terms of use; conditions d'utilisation;
mentions legales; terminos de uso; aviso legal; sitemap; site map; plan du site;
mapa del sitio; cookies; cookie settings; parametres des cookies; accept; accept all;
accepter; tout accepter; aceptar; decline; refuser; rechazar; ok; close; fermer; cerrar;
read more; lire la suite; leer mas; more; en savoir plus; english; francais; espanol;
you are here; vous etes ici; usted esta aqui; breadcrumb; fil d'ariane
""".split(";"))
_PHRASES = CHROME_WORDS
# Single words too, for lines such as "Accueil | Événements | Connexion".
_WORDS = frozenset(" ".join(CHROME_WORDS).split())

# Separators of navigation bars, breadcrumbs and share bars ("Partager : Facebook"); never
# "/" or "-", which titles use.
_SEPARATORS = re.compile(r"\s*(?:\||›|»|•|·|>>|:)\s*")
_HOME = frozenset({"home", "accueil", "inicio", "you are here", "vous etes ici",
                   "usted esta aqui"})
_LEADING = re.compile(r"^(?:copyright\b|©|\(c\)\s*\d{4}|all rights reserved|"
                      r"tous droits reserves|todos los derechos reservados)")
_COOKIES = re.compile(r"\bcookies?\b.*\b(use|utilis|usamos|utiliza|accept|acept|consent)|"
                      r"\b(use|utilis|usamos|utiliza)\w*\b.*\bcookies?\b")


def is_chrome_line(line):
    """Whether a line of text is page chrome rather than listing content."""
    folded = fold(line).strip(" .:|")
    if not folded:
        return False
    if _LEADING.match(folded) or folded in _PHRASES or _COOKIES.search(folded):
        return True
    parts = [p.strip(" .:") for p in _SEPARATORS.split(folded) if p.strip(" .:")]
    if len(parts) > 1 and parts[0] in _HOME:        # a breadcrumb: Accueil › Ateliers › ...
        return True
    return len(parts) > 1 and all(_is_nav_item(p) for p in parts)


def without_trailing_chrome(line):
    """The line without chrome items appended after a bar ("... the IETC. | Login")."""
    parts = re.split(r"\s+\|\s*", line)
    while len(parts) > 1 and is_chrome_line(parts[-1]):
        parts.pop()
    return " | ".join(parts).rstrip()


def _is_nav_item(part):
    # A breadcrumb or menu item: a known chrome phrase, or a short label of known words.
    return part in _PHRASES or (len(part.split()) <= 3 and all(
        w in _WORDS for w in part.split()))
