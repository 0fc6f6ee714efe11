"""An OCRmyPDF plugin, loaded by the `ocrmypdf` command (`--plugin <this file>`) in its own
Python, never imported by ours.

It is OCRmyPDF's Tesseract engine as is, plus a report per OCR'd page: the page's text and
Tesseract's mean word confidence (from the hOCR's `x_wconf`), written as JSON into the
folder named by MINAMATA_OCR_REPORT. Our side reads those reports for the text, the
confidence and the progress ("page k of n"), instead of parsing the sidecar file.
"""
import json
import os
import re
from pathlib import Path

from ocrmypdf import hookimpl
from ocrmypdf.builtin_plugins.tesseract_ocr import TesseractOcrEngine

_CONFIDENCE = re.compile(r"x_wconf (\d+)")


class ReportingTesseract(TesseractOcrEngine):
    """Tesseract, reporting each page it reads."""

    @staticmethod
    def generate_hocr(input_file, output_hocr, output_text, options):
        """Run Tesseract on one page image (hOCR and text), then report the page."""
        TesseractOcrEngine.generate_hocr(input_file, output_hocr, output_text, options)
        _report(Path(input_file), Path(output_hocr), Path(output_text))


def _report(image, hocr, text_file):
    folder = os.environ.get("MINAMATA_OCR_REPORT")
    match = re.match(r"(\d+)", image.name)      # OCRmyPDF names page images 000003_...
    if not folder or not match:
        return
    try:
        confidences = [int(c) for c in _CONFIDENCE.findall(hocr.read_text(errors="replace"))]
    except OSError:
        confidences = []
    try:
        text = text_file.read_text(errors="replace")
    except OSError:
        text = ""
    page = int(match.group(1))
    report = {"page": page, "text": text, "words": len(confidences),
              "confidence": round(sum(confidences) / len(confidences), 1)
              if confidences else None}
    target = Path(folder) / f"page-{page:06d}.json"
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, target)       # a reader sees the whole report or none


@hookimpl
def get_ocr_engine():
    """Our engine in place of the built-in one."""
    return ReportingTesseract()
