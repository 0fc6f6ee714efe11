"""Scanned pages, made deterministically: text rendered to an image (as a page printed and
scanned), turned a few degrees, with specks of noise, placed in a PDF with no text layer.
Used by the corpus (the French scan), the tests and bench/ocr_bench.py; the words that
went in are known, so what OCR gives back can be scored."""
import io
import random

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from scripts.corpus.layout import FIXED_DATE, FONT_DIR, _fonts

DPI = 200
A4_PIXELS = (1654, 2339)         # 210 x 297 mm at 200 dpi


def page_image(lines, seed=0, angle=0.0, noise=0.0, font_size=36):
    """A grey page image of `lines` (a line starting with '# ' is a heading), turned by
    `angle` degrees, with `noise` specks per thousand pixels (0: a clean scan)."""
    img = Image.new("L", A4_PIXELS, 248)
    draw = ImageDraw.Draw(img)
    body = ImageFont.truetype(str(FONT_DIR / "DejaVuSerif.ttf"), font_size)
    heading = ImageFont.truetype(str(FONT_DIR / "DejaVuSerif-Bold.ttf"), font_size + 8)
    y = 180
    for line in lines:
        font = heading if line.startswith("# ") else body
        draw.text((150, y), line.removeprefix("# "), font=font, fill=25)
        y += int(font.size * 1.6)
    if angle:
        img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=248)
    if noise:
        rng = random.Random(seed)
        w, h = A4_PIXELS
        for _ in range(int(noise * w * h / 1000)):
            x, yy = rng.randrange(w), rng.randrange(h)
            shade = rng.randrange(0, 160)
            draw = ImageDraw.Draw(img)
            draw.point([(x, yy), (x + 1, yy)], fill=shade)
    return img


def _png(img):
    buffer = io.BytesIO()
    img.save(buffer, format="PNG", optimize=False)
    buffer.seek(0)
    return buffer


def scanned_pdf(path, pages, seed=0, angle=0.0, noise=0.0, text_pages=None):
    """Write a PDF of scanned `pages` (each a list of lines). `text_pages`: {page number:
    lines} set as ordinary text instead (a mixed PDF: typed pages and scans)."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_auto_page_break(False)
    _fonts(pdf)
    text_pages = text_pages or {}
    for n, lines in enumerate(pages, start=1):
        pdf.add_page()
        if n in text_pages:
            pdf.set_font("Serif", "", 12)
            pdf.set_xy(20, 25)
            for line in text_pages[n]:
                pdf.multi_cell(170, 7, line.removeprefix("# "), new_x="LMARGIN", new_y="NEXT")
            continue
        img = page_image(lines, seed=seed + n, angle=angle, noise=noise)
        pdf.image(_png(img), x=0, y=0, w=pdf.w, h=pdf.h)
    pdf.output(str(path))


# The French sample: a chair's summary, printed, signed and scanned slightly askew.
OSAKA_SCAN_FR = [
    "# Atelier sur les synergies dans la gestion des déchets de mercure",
    "Osaka (Japon), 30 et 31 mai 2019",
    "# Résumé de la présidence (copie numérisée)",
    "ÉCHANTILLON - document non officiel, numérisé pour",
    "le répertoire des documents de Minamata.",
    "",
    "Les participants ont examiné les seuils applicables",
    "aux déchets de mercure et les synergies avec la",
    "Convention de Bâle. Ils ont souligné l'importance",
    "de l'inventaire des déchets, de l'entreposage",
    "provisoire écologiquement rationnel et de",
    "l'élimination définitive dans des décharges",
    "spécialement aménagées.",
    "",
    "La présidence remercie le Gouvernement du Japon",
    "pour son accueil et son soutien financier.",
]


def osaka_summary_scanned_fr(path):
    """The French scanned chair's summary of the Osaka workshop (rotated 1.5°, noisy)."""
    scanned_pdf(path, [OSAKA_SCAN_FR], seed=2019, angle=1.5, noise=0.6)
