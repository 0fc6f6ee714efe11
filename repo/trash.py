"""The trash: deleted documents kept whole (PDF, kept text, record) until restored.

A document is copied into trash/<id>/ before its catalog row goes, so a crash at any
point leaves it either still catalogued or safely in the trash."""
import json
import shutil
from pathlib import Path

from repo.errors import NotFound
from repo.files import atomic_write
from repo.models import Document


class Trash:
    """Deleted documents under data_dir/trash/<document id>/."""

    def __init__(self, root):
        self.root = Path(root)

    def keep(self, doc, pdf_path, text_path):
        """Copy a document's PDF, kept text and record into the trash (atomically each)."""
        place = self.root / doc.id
        for source, name in ((pdf_path, "document.pdf"), (text_path, "text.json")):
            atomic_write(place / name, lambda out, s=source: out.write(Path(s).read_bytes()))
        record = json.dumps(doc.to_dict(), ensure_ascii=False, indent=1).encode()
        atomic_write(place / "record.json", lambda out: out.write(record))   # last: complete

    def get(self, doc_id):
        """(Document, pdf path, kept text) of a trashed document, or NotFound."""
        place = self.root / doc_id
        try:
            record = json.loads((place / "record.json").read_text(encoding="utf-8"))
            text = json.loads((place / "text.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise NotFound(f"no document {doc_id!r} in the trash") from None
        record.pop("languages", None)
        return Document(**record), place / "document.pdf", text

    def ids(self):
        """The ids of the trashed documents."""
        return sorted(p.name for p in self.root.glob("*") if (p / "record.json").is_file())

    def documents(self):
        """The records of the trashed documents (a damaged entry is left out), by id."""
        found = []
        for doc_id in self.ids():
            try:
                found.append(self.get(doc_id)[0])
            except (NotFound, TypeError):
                continue
        return found

    def forget(self, doc_id):
        """Remove a document from the trash (after it was restored)."""
        shutil.rmtree(self.root / doc_id, ignore_errors=True)
