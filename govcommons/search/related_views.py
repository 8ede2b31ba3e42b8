"""The "Did someone already share this?" list beside the contribution form: an htmx partial
while the member types, and the same list when the form is posted with its "Check for similar
contributions" button (without JavaScript; see `checked_similar`)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from govcommons.core.models import ItemKind

from . import related

# As long as the form's own fields: anything longer is cut, never an error.
MAX_TITLE = 200
MAX_SUMMARY = 1500


def _similar_contributions(user, params, exclude_item_id: int | None) -> dict:
    title = (params.get("title") or "")[:MAX_TITLE]
    summary = (params.get("summary") or "")[:MAX_SUMMARY]
    return {
        "similar": related.similar_to_text(
            user, title, summary, exclude_item_id, kinds=[ItemKind.PRACTICE]
        ),
        # Something was typed: an empty list then says "nothing similar yet".
        "similar_checked": bool(title.strip() or summary.strip()),
    }


def _item_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# Who may ask: signed-in members, who are the ones writing contributions. The list only ever
# holds published contributions the member may read (search applies the visibility).
@login_required
@require_GET
def similar(request):
    """GET ?title=&summary=[&exclude=<item id being edited>]: the partial for the form."""
    context = _similar_contributions(
        request.user, request.GET, _item_id(request.GET.get("exclude"))
    )
    return render(request, "search/_similar.html", context)


def checked_similar(request, *, exclude_item_id: int | None = None) -> dict | None:
    """For the contribution form views: when the form was posted with "Check for similar
    contributions", the list to show (the form is rendered again with the member's text, and
    nothing is saved); None otherwise."""
    if request.method != "POST" or "check_similar" not in request.POST:
        return None
    return _similar_contributions(request.user, request.POST, exclude_item_id)
