"""Related content: contributions that look like the one a member is writing, the published
items most similar to an item, and what the organisations that adopted a practice also adopted.
Similarity goes through search (only published items the viewer may read are ever candidates);
adoptions go through core.permissions.visibility_q."""

import math
from collections.abc import Iterable

from django.db.models import Count

from govcommons.core.models import Item, ItemKind, ItemStatus
from govcommons.core.permissions import readable_levels, visibility_q

from .models import SearchDocument, SearchWord
from .selectors import SearchFilters, search
from .text import stem, words

MAX_QUERY_WORDS = 8
MIN_WORD_LENGTH = 3
TITLE_WEIGHT = 5  # a title word says more about the subject than a body word
BODY_WORDS_READ = 3000  # the start of a long text says enough, and keeps the page fast
WORDS_LOOKED_UP = 40  # candidates whose frequency in the index is checked
# An item must share at least two of the chosen words, and a third of them, to count as similar
# (all of them when fewer were chosen): one or two shared words ("residents", "district") are a
# coincidence, not a likeness.
MIN_SHARED_WORDS = 2
MIN_SHARED_FRACTION = 0.3

# Words too common to tell texts apart, folded (no accents). English and French first, as the
# site's main languages; a few of the most frequent words of the other indexed languages.
STOPWORDS = frozenset(
    """
    about above after again against all also among and any are around because been before
    being below between both but can cannot could did does doing done down during each even
    ever every few for from further get gets got had has have having her here hers him his how
    however into its itself just least less like made make makes many may might more most much
    must near need needs new not now off often once one only onto other others our ours out
    over own per rather same several she should since some such than that the their theirs them
    then there these they this those though through thus too under until upon use used uses
    using very via was way ways well were what when where whether which while who whom whose
    why will with within without would yet you your yours back people
    day days week weeks month months year years time times today first second last next
    two three four five six seven eight nine ten twelve twenty hundred thousand million percent
    alors au aucun aussi autre autres aux avant avec avoir bien car ce cela celle celles celui
    ces cet cette ceux chaque comme comment dans des donc dont du elle elles en encore entre est
    et etaient etait ete etre eux fait faire fois ici il ils je la le les leur leurs lors lui
    mais meme mes moins mon ne ni nos notre nous ont ou par parce pas peu peut plus pour pourquoi
    quand que quel quelle quelles quels qui sans ses selon si son sont sous sur ta tandis tes
    toujours tous tout toute toutes tres trop une vers voici voila vos votre vous
    aber als auch auf aus bei das dass dem den der des die durch ein eine einem einen einer eines
    fur hat ist mit nach nicht noch oder sich sie sind uber und vom von wie wir wird zum zur
    jour jours semaine semaines mois annee annees deux trois quatre cinq dix cent mille
    como con del las los para pero por que una uno
    che degli della delle dello gli nel nella per sono una
    een het niet van voor zijn
    """.split()  # noqa: SIM905 - a long word list reads better as text
)


def distinctive_words(
    title: str, body: str = "", *, language: str = "en", limit: int = MAX_QUERY_WORDS
) -> list[str]:
    """The words that best say what a text is about: frequent in it (title words count more),
    rare in the index's titles, one form per stem; short and common words left out. One query
    (the vocabulary's counts), none when nothing is left."""
    weights: dict[str, int] = {}
    forms: dict[str, list[str]] = {}
    for weight, text in ((TITLE_WEIGHT, title), (1, body)):
        for word in words(text or "")[:BODY_WORDS_READ]:
            if len(word) < MIN_WORD_LENGTH or word.isdigit() or word in STOPWORDS:
                continue
            key = stem(word, language)
            weights[key] = weights.get(key, 0) + weight
            if word not in forms.setdefault(key, []):
                forms[key].append(word)
    if not weights:
        return []
    candidates = sorted(weights, key=lambda key: (-weights[key], key))[:WORDS_LOOKED_UP]
    looked_up = {form for key in candidates for form in forms[key][:3]}
    title_counts = dict(
        SearchWord.objects.filter(word__in=looked_up).values_list("word", "document_count")
    )

    def score(key: str) -> float:
        # A word in many titles ("city", "digital") matches much and tells little: and a
        # query made of rare words is also the cheapest to answer on a large index.
        in_titles = sum(title_counts.get(form, 0) for form in forms[key])
        return weights[key] / math.log(2 + in_titles)

    chosen = sorted(candidates, key=lambda key: (-score(key), key))[:limit]
    # The first form met stands for its stem: the search stems it again in every language.
    return [forms[key][0] for key in chosen]


def _shares_enough(document: SearchDocument, chosen: list[str]) -> bool:
    wanted = {stem(word, document.language) for word in chosen}
    needed = min(len(wanted), max(MIN_SHARED_WORDS, math.ceil(MIN_SHARED_FRACTION * len(wanted))))
    text = f"{document.title} {document.body}"
    found = {stem(word, document.language) for word in words(text)[:BODY_WORDS_READ]}
    return len(wanted & found) >= needed


def _similar(
    user,
    chosen: list[str],
    *,
    exclude_item_id: int | None,
    limit: int,
    kinds: Iterable[str] | None,
) -> list[Item]:
    """Published items the user may read that share enough of `chosen`, best first."""
    if not chosen or limit <= 0:
        return []
    kinds = list(kinds or [])
    filters = SearchFilters({"kind": kinds}) if kinds else None
    # Any of the words may match ("a OR b OR c" is one clause): ranking puts first the items
    # that share the most, and the rarest, of them. A few more than needed, as some may fall out.
    results = search(
        user,
        " OR ".join(chosen),
        filters,
        per_page=2 * limit + 1,
        with_facets=False,
        with_total=False,
        with_snippets=False,
    )
    levels = readable_levels(user)
    similar = []
    for hit in results.hits:
        item = hit.item
        if item.pk == exclude_item_id:
            continue
        # The index follows the items in their transaction; this holds even if it lagged.
        if item.status != ItemStatus.PUBLISHED or item.visibility not in levels:
            continue
        if not _shares_enough(hit.document, chosen):
            continue
        similar.append(item)
        if len(similar) == limit:
            break
    return similar


def similar_to_text(
    user,
    title: str,
    summary: str,
    exclude_item_id: int | None = None,
    limit: int = 5,
    *,
    kinds: Iterable[str] | None = None,
    language: str = "en",
) -> list[Item]:
    """Published items the user may read that look like a text being written (its title and
    summary), e.g. "Did someone already share this?" beside the contribution form. `kinds`
    narrows to some kinds of Item (ItemKind values); each Item comes with its organisation."""
    chosen = distinctive_words(title, summary, language=language)
    return _similar(user, chosen, exclude_item_id=exclude_item_id, limit=limit, kinds=kinds)


def related_items(user, item: Item, limit: int = 5) -> list[Item]:
    """The published items most similar to `item` (any kind), itself left out: from the words
    of its search document, or of its title and summary while it has none."""
    document = (
        SearchDocument.objects.filter(item_id=item.pk)
        .values_list("title", "body", "language")
        .first()
    )
    title, body, language = document or (item.title, item.summary, item.language)
    chosen = distinctive_words(title, body, language=language)
    return _similar(user, chosen, exclude_item_id=item.pk, limit=limit, kinds=None)


def also_adopted(user, practice, limit: int = 5) -> list[Item]:
    """What "organisations that adopted this also adopted" lists: the published practices the
    user may read that were adopted by the organisations that adopted `practice`, those shared
    by the most of them first. Each Item carries `shared_adopters` (how many of those
    organisations) and its organisation. One query; none when the page has already fetched no
    adoption."""
    from govcommons.practices.models import Adoption

    prefetched = getattr(practice, "_prefetched_objects_cache", {}).get("adoptions")
    if prefetched is not None and not prefetched:
        return []
    adopters = Adoption.objects.filter(practice_id=practice.pk).values("organization_id")
    return list(
        Item.objects.filter(
            visibility_q(user),
            kind=ItemKind.PRACTICE,
            status=ItemStatus.PUBLISHED,
            practice__adoptions__organization_id__in=adopters,
        )
        .exclude(pk=practice.pk)
        # Counted over the adoptions kept by the filter above: those by the same organisations.
        .annotate(shared_adopters=Count("practice__adoptions", distinct=True))
        .select_related("organization")
        .order_by("-shared_adopters", "-adoption_count", "-published_at", "-pk")[:limit]
    )
