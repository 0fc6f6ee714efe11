"""What an audit entry changed, field by field, for people to read.

Audit entries keep whole records before and after a change (JSON); a reader wants only
what differs: a title from one text to another, a topic added to a list."""
from dataclasses import dataclass, field


@dataclass
class FieldChange:
    """One field that differs between two records. For lists, `added` and `removed` say
    which items came and went (in their order)."""

    field: str
    old: object
    new: object
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)

    @property
    def is_list(self):
        """Whether the field holds a list (shown as items added and removed)."""
        return isinstance(self.old, list) or isinstance(self.new, list)


def changes(before, after):
    """The fields that differ between two records (dicts, or None for "no record"), in
    the order of their names. A nested dict (titles per language) gives one change per
    key, named `field.key`; a record that is not a dict is one change named ''."""
    if before == after:
        return []
    if not isinstance(before, (dict, type(None))) or not isinstance(after, (dict, type(None))):
        return [_change("", before, after)]
    before, after = before or {}, after or {}
    found = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if _blank(old) and _blank(new) or old == new:
            continue
        if isinstance(old, (dict, type(None))) and isinstance(new, (dict, type(None))) \
                and (isinstance(old, dict) or isinstance(new, dict)):
            found += [FieldChange(f"{name}.{c.field}", c.old, c.new, c.added, c.removed)
                      for c in changes(old, new)]
        else:
            found.append(_change(name, old, new))
    return found


def _change(name, old, new):
    if isinstance(old, list) or isinstance(new, list):
        old_items, new_items = _as_list(old), _as_list(new)
        return FieldChange(name, old, new,
                           added=[x for x in new_items if x not in old_items],
                           removed=[x for x in old_items if x not in new_items])
    return FieldChange(name, old, new)


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _blank(value):
    # A field absent on one side and empty on the other has not changed for a reader.
    return value is None or value == "" or value == [] or value == {}


def shorten(text, limit=120):
    """`text` cut to `limit` characters at a word boundary, with an ellipsis; unchanged
    when short enough."""
    text = "" if text is None else str(text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(" ,;.") + "…"


# Of a whole record added, deleted or restored, the fields a reader identifies it by.
RECORD_SUMMARY = ("title", "titles", "event_id", "type", "status", "city", "start", "role")


def entry_changes(before, after):
    """What an audit entry shows: the fields that changed; for a record that appeared or
    went (added, deleted, restored), only the fields that say what it is."""
    found = changes(before, after)
    if before is None or after is None:
        summary = [c for c in found if c.field.split(".")[0] in RECORD_SUMMARY]
        return summary or found[:5]
    return found
