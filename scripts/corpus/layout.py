"""Page layout for the sample PDFs: reports with running headers, hyphenated paragraphs and
tables, slides, and scanned (image-only) slides. Same input, same bytes, every run."""
import io
from datetime import datetime, timezone
from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FIXED_DATE = datetime(2019, 11, 15, 9, 0, tzinfo=timezone.utc)
LIGATURES = {"ffi": "\ufb03", "fi": "\ufb01", "fl": "\ufb02"}


def ligate(text):
    """Typeset fi/fl/ffi as ligature glyphs, as a ligature font would."""
    for letters, glyph in LIGATURES.items():
        text = text.replace(letters, glyph)
    return text


def _fonts(pdf):
    if not (FONT_DIR / "DejaVuSans.ttf").is_file():
        raise SystemExit("needs Debian's fonts-dejavu-core (apt-get install -y fonts-dejavu-core)")
    pdf.add_font("Sans", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("Sans", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.add_font("Sans", "I", str(FONT_DIR / "DejaVuSans-Oblique.ttf"))
    pdf.add_font("Serif", "", str(FONT_DIR / "DejaVuSerif.ttf"))
    pdf.add_font("Serif", "B", str(FONT_DIR / "DejaVuSerif-Bold.ttf"))


class Report(FPDF):
    """An A4 meeting document: symbol and title in the header, page x of y in the footer."""

    def __init__(self, symbol, running_title, footer_word="Page", ligatures=False):
        super().__init__(format="A4")
        self.symbol, self.running_title = symbol, running_title
        self.footer_word, self.ligatures = footer_word, ligatures
        self.set_creation_date(FIXED_DATE)
        self.set_auto_page_break(True, margin=22)
        self.set_margins(25, 24, 25)
        _fonts(self)
        self.alias_nb_pages()
        self.paragraph_number = 0

    def header(self):
        self.set_font("Sans", "", 8)
        self.set_y(10)
        self.cell(0, 5, self.symbol, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, self.running_title, align="R", new_x="LMARGIN", new_y="NEXT")
        self.line(self.l_margin, 16, self.w - self.r_margin, 16)
        self.set_y(24)

    def footer(self):
        self.set_y(-15)
        self.set_font("Sans", "", 8)
        self.cell(0, 5, f"{self.footer_word} {self.page_no()}/{{nb}}", align="C")

    def title_block(self, lines, sample_notice):
        """The document's title lines and the notice that it is a sample."""
        self.add_page()
        self.set_font("Sans", "B", 9)
        self.set_fill_color(255, 243, 205)
        self.multi_cell(0, 5, sample_notice, border=1, fill=True, new_x="LMARGIN", new_y="NEXT")
        self.ln(6)
        for i, line in enumerate(lines):
            self.set_font("Sans", "B", 15 if i == 0 else 11)
            self.multi_cell(0, 8 if i == 0 else 6, line, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(6)

    def heading(self, text):
        """A section heading."""
        if self.get_y() > self.h - 60:
            self.add_page()
        self.ln(3)
        self.set_font("Sans", "B", 11.5)
        self.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def para(self, text, numbered=True):
        """A paragraph, numbered as UN reports number them, hyphenated at line ends."""
        self.set_font("Serif", "", 11)
        indent = 0
        if numbered:
            self.paragraph_number += 1
            label = f"{self.paragraph_number}."
            indent = 9
            self.cell(indent, 6.2, label)
        if self.ligatures:
            text = ligate(text)
        width = self.w - self.l_margin - self.r_margin - indent
        for line in self._wrap(text, width):
            self.set_x(self.l_margin + indent)
            self.cell(width, 6.2, line, new_x="LMARGIN", new_y="NEXT")
        self.ln(2.2)

    def _wrap(self, text, width):
        lines, current = [], ""
        for word in text.split():
            trial = f"{current} {word}" if current else word
            if self.get_string_width(trial) <= width:
                current = trial
                continue
            head, tail = self._hyphenate(word, current, width)
            if head:
                lines.append(f"{current} {head}-" if current else f"{head}-")
                current = tail
            else:
                lines.append(current)
                current = word
        if current:
            lines.append(current)
        return lines

    def _hyphenate(self, word, current, width):
        # Break a long word across the line end, as a typesetter would: keep at least
        # three letters on each side, and only break between letters.
        if len(word) < 8 or not word.isalpha():
            return None, None
        for cut in range(len(word) - 3, 2, -1):
            head = word[:cut]
            if self.get_string_width(f"{current} {head}-") <= width:
                return head, word[cut:]
        return None, None

    def table(self, header, rows, widths=None):
        """A table with a bold header row."""
        self.set_font("Sans", "", 8.5)
        with super().table(col_widths=widths, text_align="LEFT", line_height=5) as t:
            for i, row in enumerate([header] + rows):
                r = t.row()
                for cell in row:
                    r.cell(str(cell))
        self.ln(4)


class Slides(FPDF):
    """A 16:9 slide deck."""

    def __init__(self, footer):
        super().__init__(orientation="L", unit="mm", format=(142.9, 254))
        self.footer_text = footer
        self.set_creation_date(FIXED_DATE)
        self.set_auto_page_break(False)
        _fonts(self)

    def footer(self):
        if not self.footer_text:
            return      # scanned decks: not one character of text on the page
        self.set_y(-10)
        self.set_font("Sans", "", 7)
        self.cell(0, 5, f"{self.footer_text}   {self.page_no()}", align="R")

    def slide(self, title, bullets, notice=None):
        """One slide: a title bar and bullet points."""
        self.add_page()
        self.set_fill_color(0, 84, 122)
        self.rect(0, 0, self.w, 24, style="F")
        self.set_text_color(255, 255, 255)
        self.set_font("Sans", "B", 17)
        self.set_xy(12, 6)
        self.multi_cell(self.w - 24, 8, title)
        self.set_text_color(0, 0, 0)
        self.set_xy(14, 32)
        if notice:
            self.set_font("Sans", "I", 9)
            self.multi_cell(self.w - 28, 5, notice, new_x="LMARGIN", new_y="NEXT")
            self.ln(2)
        for bullet in bullets:
            self.set_x(14)
            self.set_font("Sans", "", 12.5 if len(bullets) < 6 else 11)
            self.multi_cell(self.w - 28, 6.5, f"•  {bullet}", new_x="LMARGIN", new_y="NEXT")
            self.ln(1.5)


def scanned_slide(pdf, title, bullets):
    """A slide that is only a picture (as a scan is): no text layer at all."""
    from PIL import Image, ImageDraw, ImageFont
    img = Image.new("L", (1600, 900), 250)
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 0, 1600, 150], fill=60)
    big = ImageFont.truetype(str(FONT_DIR / "DejaVuSans-Bold.ttf"), 54)
    small = ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), 38)
    draw.text((60, 45), title, font=big, fill=255)
    y = 210
    for bullet in bullets:
        draw.text((80, y), f"•  {bullet}", font=small, fill=20)
        y += 80
    buffer = io.BytesIO()
    img.save(buffer, format="PNG", optimize=False)
    pdf.add_page()
    pdf.image(buffer, x=0, y=0, w=pdf.w, h=pdf.h)
