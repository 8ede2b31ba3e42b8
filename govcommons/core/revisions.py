"""Versions of an Item's editable content: JSON snapshots, readable diffs, restore as new.

A kind provides `snapshot(obj) -> dict` (plain JSON: strings, numbers, lists of strings or of
small dicts) and a dict of field labels; this module stores, numbers and compares them.
"""

import difflib
import re
from dataclasses import dataclass

from django.db.models import F
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from govcommons.core.errors import ConflictError

from .models import Item, Revision

_TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class FieldDiff:
    field: str
    label: str
    html: SafeString


def record_revision(
    item: Item, *, author, message: str, snapshot: dict, restored_from: int | None = None
) -> Revision:
    """Store a new numbered revision. The caller holds the item's row lock (select_for_update)."""
    Item.objects.filter(pk=item.pk).update(revision_number=F("revision_number") + 1)
    item.refresh_from_db(fields=["revision_number"])
    return Revision.objects.create(
        item=item,
        number=item.revision_number,
        author=author,
        message=message.strip()[:300],
        snapshot=snapshot,
        restored_from=restored_from,
    )


def check_not_stale(item: Item, base_revision: int) -> None:
    """Refuse a save made from a form loaded at an older revision than the current one."""
    if base_revision != item.revision_number:
        raise ConflictError(
            "Someone else saved this contribution while you were editing it (version "
            f"{item.revision_number}, you started from version {base_revision}). Your text is "
            "still in the form; the differences are shown below."
        )


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(_as_text(v) for v in value)
    if isinstance(value, dict):
        return " · ".join(f"{k}: {v}" for k, v in value.items() if v not in (None, ""))
    return str(value)


def _inline_diff(old: str, new: str) -> SafeString:
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


def diff_snapshots(old: dict, new: dict, labels: dict[str, str]) -> list[FieldDiff]:
    """Field-by-field differences, in the order of `labels`; unchanged fields are left out."""
    diffs = []
    for field, label in labels.items():
        before, after = _as_text(old.get(field)), _as_text(new.get(field))
        if before != after:
            diffs.append(FieldDiff(field, label, _inline_diff(before, after)))
    return diffs


def get_revision(item: Item, number: int) -> Revision:
    return Revision.objects.select_related("author").get(item=item, number=number)
