"""Topic pages."""

from django.http import Http404
from django.shortcuts import render

from govcommons.core.pagination import paginate
from govcommons.practices.selectors import practices_in_topic

from . import selectors
from .models import Topic

PRACTICES_SHOWN = 10


def topics(request):
    return render(request, "taxonomy/topics.html", {"tree": selectors.topic_tree()})


def topic(request, slug: str):
    try:
        current = selectors.get_topic(slug)
    except Topic.DoesNotExist as exc:
        raise Http404 from exc
    experts = current.experts.filter(is_active=True).order_by("display_name", "pk")
    if not request.user.is_authenticated:
        experts = experts.filter(public_expertise=True)
    return render(
        request,
        "taxonomy/topic.html",
        {
            "topic": current,
            "children": selectors.topic_children(current),
            "experts_page": paginate(experts, request.GET.get("page")),
            # One more than shown, to know whether to offer "see all" without a count query.
            "practices": list(practices_in_topic(request.user, current)[: PRACTICES_SHOWN + 1]),
            "practices_shown": PRACTICES_SHOWN,
        },
    )
