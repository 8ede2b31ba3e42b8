"""Keeping the index current: services that publish, edit or remove an Item call index_item in
their transaction; search_rebuild re-indexes everything for recovery."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from govcommons.core.models import Item, ItemStatus

from .backends import backend
from .documents import document_for
from .models import SearchDocument, SearchFacet, SearchWord
from .text import words

# Words shorter than this are not worth suggesting as spellings.
VOCABULARY_MIN_LENGTH = 3


@transaction.atomic
def index_item(item_id: int) -> bool:
    """Bring one Item's document up to date: written when it is published, removed otherwise.
    True when the Item is now in the index."""
    item = Item.objects.filter(pk=item_id).first()
    if item is None or item.status != ItemStatus.PUBLISHED or item.published_at is None:
        remove_item(item_id)
        return False
    data = document_for(item)
    old = SearchDocument.objects.filter(item_id=item_id).values_list("title", flat=True).first()
    _count_words(old or "", data.title)
    SearchDocument.objects.update_or_create(
        item=item,
        defaults={
            "kind": item.kind,
            "language": item.language,
            "visibility": item.visibility,
            "title": data.title,
            "body": data.body,
            "published_at": item.published_at,
            "adoption_count": item.adoption_count,
            "indexed_at": timezone.now(),
        },
    )
    SearchFacet.objects.filter(document_id=item.pk).delete()
    SearchFacet.objects.bulk_create(
        SearchFacet(document_id=item.pk, name=name, value=value[:100])
        for name, value in dict.fromkeys(data.facets)
    )
    backend().write(item.pk, title=data.title, body=data.body, language=item.language)
    return True


@transaction.atomic
def remove_item(item_id: int) -> None:
    old = SearchDocument.objects.filter(item_id=item_id).values_list("title", flat=True).first()
    if old is not None:
        _count_words(old, "")
    SearchDocument.objects.filter(item_id=item_id).delete()
    backend().delete(item_id)


def _vocabulary(title: str) -> set[str]:
    return {w for w in words(title) if len(w) >= VOCABULARY_MIN_LENGTH and not w.isdigit()}


def _count_words(old_title: str, new_title: str) -> None:
    """Keep the vocabulary of titles (spelling suggestions) in step with the documents."""
    old, new = _vocabulary(old_title), _vocabulary(new_title)
    gone, added = old - new, new - old
    if gone:
        SearchWord.objects.filter(word__in=gone, document_count__gt=0).update(
            document_count=F("document_count") - 1
        )
    if added:
        existing = set(SearchWord.objects.filter(word__in=added).values_list("word", flat=True))
        SearchWord.objects.filter(word__in=existing).update(document_count=F("document_count") + 1)
        SearchWord.objects.bulk_create(
            [SearchWord(word=w, document_count=1) for w in sorted(added - existing)],
            ignore_conflicts=True,
        )


def rebuild(*, batch_size: int = 500, progress=None) -> int:
    """Re-index every published Item (and drop documents of anything else); one transaction per
    batch, so a rebuild of a large site never holds one long lock. Returns how many."""
    ids = list(
        Item.objects.filter(status=ItemStatus.PUBLISHED).order_by("pk").values_list("pk", flat=True)
    )
    stale = SearchDocument.objects.exclude(item__status=ItemStatus.PUBLISHED)
    for item_id in stale.values_list("item_id", flat=True):
        remove_item(item_id)
    done = 0
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            for item_id in ids[start : start + batch_size]:
                index_item(item_id)
        done += len(ids[start : start + batch_size])
        if progress:
            progress(done, len(ids))
    return done
