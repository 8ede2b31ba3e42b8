"""Saved search pages: the member's list (run, alerts on/off, delete with confirmation) and
saving a search from the results page. Every page is the member's own: another member's saved
search is a 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from govcommons.core.errors import DomainError
from govcommons.core.forms import add_service_error
from govcommons.core.pagination import paginate
from govcommons.core.ratelimit import limit_posts

from . import saved


class SaveSearchForm(forms.Form):
    """The words of a search being saved; its filters come with the request's parameters."""

    q = forms.CharField(
        label=gettext_lazy("Words to search for"),
        required=False,
        max_length=saved.MAX_QUERY_LENGTH,
        help_text=gettext_lazy('As in the search box: words, "exact phrases", -exclude, OR.'),
    )
    alerts = forms.BooleanField(
        label=gettext_lazy("Email me when something new matches"), required=False, initial=True
    )


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
def saved_search_list(request):
    page = paginate(saved.saved_searches_of(request.user), request.GET.get("page"))
    return render(
        request,
        "search/saved_list.html",
        {
            "page_obj": page,
            "rows": saved.describe(page.object_list),
            "limit": saved.MAX_SAVED_SEARCHES,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("saved_search")
def save_search(request):
    """GET: confirm what is saved (where the sign-in page returns to); POST: save it."""
    params = request.POST if request.method == "POST" else request.GET
    filters = saved.canonical_filters(params)
    status = 200
    if request.method == "GET":
        form = SaveSearchForm(initial={"q": request.GET.get("q", ""), "alerts": True})
    else:
        form = SaveSearchForm(request.POST)
        if form.is_valid():
            try:
                saved_search, created = saved.save_search(
                    member=request.user,
                    query=form.cleaned_data["q"],
                    filters=filters,
                    alerts=form.cleaned_data["alerts"],
                )
            except DomainError as error:
                add_service_error(form, error)
            else:
                if created and saved_search.alerts:
                    messages.success(
                        request,
                        _("Search saved. We will email you when something new matches it."),
                    )
                elif created:
                    messages.success(request, _("Search saved, without email alerts."))
                else:
                    messages.info(request, _("You had already saved this search."))
                return redirect(_safe_next(request, saved.search_path(saved_search.query, filters)))
        status = 400
    [preview] = saved.describe([saved.SavedSearch(query=params.get("q", ""), filters=filters)])
    return render(
        request,
        "search/saved_new.html",
        {
            "form": form,
            "preview": preview,
            "filters": filters,
            "next": _safe_next(request, ""),
        },
        status=status,
    )


@login_required
@require_POST
def set_alerts(request, saved_search_id: int):
    alerts = request.POST.get("alerts") == "on"
    saved_search = saved.set_alerts(
        member=request.user, saved_search_id=saved_search_id, alerts=alerts
    )
    [view] = saved.describe([saved_search])
    if alerts:
        message = _("Email alerts are on for %(search)s.")
    else:
        message = _("Email alerts are off for %(search)s.")
    messages.success(request, message % {"search": view.title})
    back = _safe_next(request, reverse("saved_searches:list"))
    return redirect(f"{back}#saved-{saved_search.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def delete_saved_search(request, saved_search_id: int):
    """GET asks for confirmation; POST deletes."""
    saved_search = saved.access_saved_search(request.user, saved_search_id)
    [view] = saved.describe([saved_search])
    if request.method == "POST":
        saved.delete_saved_search(member=request.user, saved_search_id=saved_search.pk)
        messages.success(request, _("Saved search %(search)s deleted.") % {"search": view.title})
        return redirect("saved_searches:list")
    return render(request, "search/saved_delete.html", {"row": view})
