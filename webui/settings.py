"""The web UI's settings, declared in one table with defaults and help text."""
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from repo.accounts import ThrottleRules
from repo.settings import Settings


def _setting(default, help_text):
    return field(default=default, metadata={"help": help_text})


PDFJS_ENV = "MINAMATA_PDFJS_DIR"
# Where `npm ci` at the repository's root installs PDF.js (package.json pins it).
DEFAULT_PDFJS_DIR = Path(__file__).resolve().parent.parent / "node_modules" / "pdfjs-dist"


@dataclass(frozen=True)
class WebSettings:
    """Settings of the web app; `store` carries the repository's own Settings."""

    store: Settings = _setting(None, "The repository's settings (data directory, limits).")
    languages: tuple = _setting(("en", "fr", "es"), "Interface languages, first is default.")
    page_size: int = _setting(10, "Hits per results page.")
    max_page_size: int = _setting(50, "Largest page size a request may ask for.")
    facet_limit: int = _setting(6, "Values of a facet shown before 'show more'.")
    search_cache: int = _setting(512, "Recent queries whose matches and pages each server "
                                 "process keeps (0: none).")
    secure_cookies: bool = _setting(False, "Send the session cookie over HTTPS only (set "
                                    "when served behind HTTPS).")
    sign_in_rules: ThrottleRules = _setting(ThrottleRules(), "How failed sign-ins are "
                                            "limited (per address, per account).")
    writers_per_process: int = _setting(1, "Request threads of a server process that may "
                                        "write at once; others are answered 'busy' (503) "
                                        "so that searches always have threads.")
    process_memory_mb: int = _setting(2048, "Heap cap of each server process, in MiB "
                                      "(RLIMIT_DATA; the index's mapped files do not "
                                      "count). A request needing more is refused (503) "
                                      "and its process replaced. 0: no cap.")
    zip_max_documents: int = _setting(100, "Most documents in the ZIP of a search's "
                                      "results (the first ones are included).")
    zip_max_bytes: int = _setting(500 * 1024 * 1024, "Most bytes of PDFs in the ZIP of a "
                                  "search's results.")
    pdfjs_dir: Path = _setting(None, "The pdfjs-dist package the PDF viewer is served "
                               f"from (None: ${PDFJS_ENV}, else node_modules/pdfjs-dist "
                               "at the repository's root). Missing: page links open the "
                               "plain PDF.")
    testing: bool = _setting(False, "Flask testing mode.")

    @classmethod
    def describe(cls):
        """(name, default, help) of each setting."""
        return [(f.name, f.default, f.metadata["help"]) for f in fields(cls)]

    def pdfjs_folder(self, environ=None):
        """Where PDF.js is looked for: `pdfjs_dir`, else the environment's
        MINAMATA_PDFJS_DIR, else the repository's node_modules/pdfjs-dist."""
        environ = os.environ if environ is None else environ
        return Path(self.pdfjs_dir or environ.get(PDFJS_ENV) or DEFAULT_PDFJS_DIR)
