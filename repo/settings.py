"""Settings in one declared table: name, default, environment variable and help text."""
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path


def _setting(default, env, help_text):
    return field(default=default, metadata={"env": env, "help": help_text})


@dataclass(frozen=True)
class Settings:
    """Every tunable of the store, the indexer and the CLI, with its default."""

    data_dir: Path = _setting(Path("instance"), "MINAMATA_DATA",
                              "Where the catalog, stored files, kept text and index live.")
    manifest: Path = _setting(Path("documents/manifest.json"), "MINAMATA_MANIFEST",
                              "The manifest of the shipped corpus that `index` loads.")
    max_file_bytes: int = _setting(100 * 1024 * 1024, "MINAMATA_MAX_FILE_BYTES",
                                   "Largest PDF accepted, in bytes.")
    max_pages: int = _setting(2000, "MINAMATA_MAX_PAGES", "Most pages a PDF may have.")
    extract_timeout: float = _setting(120.0, "MINAMATA_EXTRACT_TIMEOUT",
                                      "Seconds one PDF's text extraction may take.")
    extract_memory_mb: int = _setting(2048, "MINAMATA_EXTRACT_MEMORY_MB",
                                      "Address-space cap of an extraction worker, in MiB.")
    workers: int = _setting(2, "MINAMATA_WORKERS", "Extraction worker processes.")
    lock_timeout: float = _setting(0.0, "MINAMATA_LOCK_TIMEOUT",
                                   "Seconds to wait for another writer before giving up.")
    ocr_command: str = _setting("ocrmypdf", "MINAMATA_OCR_COMMAND",
                                "The OCRmyPDF command that reads scanned pages.")
    ocr_timeout: float = _setting(900.0, "MINAMATA_OCR_TIMEOUT",
                                  "Seconds the OCR of one document may take.")
    ocr_attempts: int = _setting(3, "MINAMATA_OCR_ATTEMPTS",
                                 "Times a document's OCR is tried when its worker dies.")
    ocr_workers: int = _setting(1, "MINAMATA_OCR_WORKERS",
                                "Documents OCR'd at once by a `minamata worker`.")
    index_pace: float = _setting(1.0, "MINAMATA_INDEX_PACE",
                                 "Least seconds between a worker's index commits: uploads "
                                 "arriving meanwhile are indexed together, and searches "
                                 "renew their caches at most this often.")
    search_time_limit: float = _setting(3.0, "MINAMATA_SEARCH_TIME_LIMIT",
                                        "Seconds one search may run before it is cut short.")
    engine: str = _setting("", "MINAMATA_ENGINE",
                           "The search engine: whoosh or tantivy; empty keeps the live "
                           "index's (Whoosh for a first index). Choosing another rebuilds "
                           "the index from the kept text at the next write or `index`; "
                           "searches use the engine of the live index.")

    @classmethod
    def from_env(cls, environ=None, **overrides):
        """Defaults, overridden by environment variables, overridden by keyword arguments."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = environ.get(f.metadata["env"])
            if raw not in (None, ""):
                values[f.name] = _convert(f, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        # Absolute: a relative data directory would be read relative to whatever a library
        # takes as its base (Flask-Babel: the package folder, not the working directory).
        return replace(settings, data_dir=Path(settings.data_dir).resolve(),
                       manifest=Path(settings.manifest))

    @classmethod
    def describe(cls):
        """(name, environment variable, default, help) for each setting, for docs and --help."""
        return [(f.name, f.metadata["env"], f.default, f.metadata["help"]) for f in fields(cls)]


def _convert(f, raw):
    kind = type(f.default)
    try:
        return Path(raw) if kind is Path else kind(raw)
    except ValueError as e:
        raise ValueError(f"{f.metadata['env']}={raw!r}: expected {kind.__name__}") from e
