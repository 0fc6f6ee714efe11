"""Works and their language versions.

A work is one document in one or more languages: the English report and its French
translation are two language versions of one work, as the UN's documents are. Each
document names its work by `work_id`; an empty `work_id` means the document is a work on
its own (its key is its own id). The key is opaque: when versions are linked, every member
takes the key of the work joined, so no member ever has to be renamed later.

Staff say which documents are versions of which (the indexer's `versions` module suggests
likely ones for them to confirm).
"""
from dataclasses import dataclass, field


@dataclass
class Work:
    """One work: its key and its language versions (documents), in language order."""

    key: str
    versions: list = field(default_factory=list)

    @property
    def languages(self):
        """Every language the work is available in, in version order, without repeats."""
        seen = []
        for doc in self.versions:
            seen += [lang for lang in doc.languages if lang not in seen]
        return seen

    def public(self):
        """The same work with only the versions delegates may see (None if none)."""
        shown = [d for d in self.versions if d.is_public]
        return Work(self.key, shown) if shown else None

    def version_in(self, language):
        """The version whose languages include `language`, or None."""
        return next((d for d in self.versions if language in d.languages), None)


def group_works(documents):
    """The works of some documents, in the order their first version comes."""
    works = {}
    for doc in documents:
        works.setdefault(doc.work, Work(doc.work)).versions.append(doc)
    for work in works.values():
        work.versions.sort(key=lambda d: (d.languages[0], d.id))
    return list(works.values())


def link(doc, target, members_of):
    """Make `doc` a language version of `target`'s work. `members_of(key)` lists a work's
    documents. Returns every document whose `work_id` changed (to be saved together)."""
    if doc.id == target.id:
        raise ValueError("a document cannot be a language version of itself")
    if doc.work == target.work:
        return []
    changed = detach(doc, members_of)
    key = target.work
    if target.work_id != key:          # a work of one becomes a work of two
        target.work_id = key
        changed.append(target)
    doc.work_id = key
    return _unique(changed + [doc])


def detach(doc, members_of):
    """Take `doc` out of its work (it stands alone again). Returns the documents whose
    `work_id` changed, `doc` included when it had one."""
    others = [d for d in members_of(doc.work) if d.id != doc.id]
    changed = []
    if len(others) == 1:
        # The one left is a work on its own again.
        if others[0].work_id:
            others[0].work_id = ""
            changed.append(others[0])
    elif others and doc.work == doc.id:
        # The others were keyed by this document's id: they take one of their own.
        for other in others:
            other.work_id = others[0].id
            changed.append(other)
    if doc.work_id:
        doc.work_id = ""
        changed.append(doc)
    return changed


def _unique(docs):
    out = {}
    for doc in docs:
        out[doc.id] = doc
    return list(out.values())
