"""Ideas board pages: the ranked board, proposing and editing, voting (htmx or a plain form),
the idea page with what came of it, and the moderators' state changes."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from govcommons.core.errors import DomainError
from govcommons.core.forms import add_service_error
from govcommons.core.markdown import render_markdown
from govcommons.core.pagination import paginate
from govcommons.core.ratelimit import limit_posts
from govcommons.discussions.views import discussion_context

from . import permissions, selectors, services
from .forms import IdeaForm, LinkForm, MoveForm, TopicFilterForm
from .models import Idea, IdeaState

SORT_TABS = [
    (selectors.IdeaSort.HOT, gettext_lazy("Rising")),
    (selectors.IdeaSort.TOP, gettext_lazy("Top")),
    (selectors.IdeaSort.NEWEST, gettext_lazy("Newest")),
]


@dataclass
class VoteBox:
    """What the vote control shows one viewer for one idea."""

    idea: Idea
    voted: bool
    refusal: str
    is_own: bool = False
    compact: bool = False

    @property
    def can_vote(self) -> bool:
        return not self.refusal

    @property
    def voting_open(self) -> bool:
        return self.idea.state in permissions.VOTING_STATES

    @property
    def note(self) -> str:
        """Why there is no button: in two words on the board's cards, in a sentence on the
        idea page."""
        if not self.voting_open:
            if self.compact:
                return _("Voting closed")
            return _("Voting is closed: this idea is %(state)s.") % {
                "state": self.idea.get_state_display().lower()
            }
        if self.compact and self.is_own:
            return _("Your idea")
        return self.refusal


def _vote_box(user, idea: Idea, *, voted: bool, compact: bool = False) -> VoteBox:
    return VoteBox(
        idea=idea,
        voted=voted,
        refusal=permissions.vote_refusal(user, idea),
        is_own=user.is_authenticated and idea.item.author_id == user.pk,
        compact=compact,
    )


def _board_url(*, sort: str, state: str | None, topic: str | None) -> str:
    params = {
        "sort": sort if sort != selectors.IdeaSort.HOT else None,
        "state": state,
        "topic": topic,
    }
    query = urlencode({k: v for k, v in params.items() if v})
    return reverse("ideas:list") + (f"?{query}" if query else "")


def idea_list(request):
    sort = request.GET.get("sort")
    if sort not in selectors.IdeaSort.CHOICES:
        sort = selectors.IdeaSort.HOT
    state = request.GET.get("state")
    if state not in IdeaState.values:
        state = None
    topic_form = TopicFilterForm(request.GET)
    topic = topic_form.chosen_topic()
    topic_slug = topic.slug if topic else None

    page = paginate(
        selectors.idea_list(request.user, sort=sort, state=state, topic=topic),
        request.GET.get("page"),
    )
    voted = selectors.voted_ids(page.object_list, request.user)
    counts = selectors.state_counts(request.user, topic=topic)
    context = {
        "page_obj": page,
        "boxes": [
            _vote_box(request.user, idea, voted=idea.pk in voted, compact=True)
            for idea in page.object_list
        ],
        "sort": sort,
        "state": state,
        "state_label": IdeaState(state).label if state else "",
        "topic": topic,
        "topic_form": topic_form,
        "sort_tabs": [
            (label, _board_url(sort=key, state=state, topic=topic_slug), key == sort)
            for key, label in SORT_TABS
        ],
        "state_links": [
            (
                _("All states"),
                sum(counts.values()),
                _board_url(sort=sort, state=None, topic=topic_slug),
                state is None,
            ),
            *[
                (
                    label,
                    counts[value],
                    _board_url(sort=sort, state=value, topic=topic_slug),
                    value == state,
                )
                for value, label in IdeaState.choices
            ],
        ],
        "clear_url": _board_url(sort=sort, state=None, topic=None),
        "filtered": bool(state or topic),
        "next_url": request.get_full_path(),
    }
    return render(request, "ideas/list.html", context)


def idea_detail(request, slug: str):
    idea = selectors.get_idea_for(request.user, slug)
    return _render_detail(request, idea)


def _render_detail(request, idea: Idea, *, move_form=None, link_form=None):
    """The idea page; after a refused state change or link, with that form as it was posted."""
    user = request.user
    may_move = permissions.can_move_idea(user)
    may_link = permissions.can_link_outcome(user, idea)
    if may_move and move_form is None:
        move_form = MoveForm(moves=services.allowed_moves(idea))
    if may_link and link_form is None:
        initial = {}
        if idea.implemented_by_id:
            initial["practice"] = request.build_absolute_uri(idea.implemented_by.get_absolute_url())
        link_form = LinkForm(initial=initial)
    context = {
        "idea": idea,
        "item": idea.item,
        "vote": _vote_box(user, idea, voted=selectors.has_voted(idea, user)),
        "can_edit": permissions.can_edit_idea(user, idea),
        "can_move": may_move,
        "move_form": move_form if may_move else None,
        "can_link": may_link,
        "link_form": link_form if may_link else None,
        "chain": selectors.idea_chain(idea, user),
        "events": selectors.idea_events(idea),
        "topics": list(idea.topics.all()),
        "parts": _parts(idea),
        "next_url": idea.get_absolute_url(),
        **discussion_context(request, idea.item),
    }
    return render(request, "ideas/detail.html", context)


def _parts(idea: Idea) -> list[tuple[str, str, str]]:
    """(anchor, heading, html) of the idea's filled parts. A member's "#" heading sits below
    the part's own heading, and each part's anchors get their own prefix (no duplicate ids)."""
    parts = [
        ("problem", _("The problem")),
        ("proposal", _("The proposal")),
        ("benefit", _("Expected benefit")),
        ("who-might-try", _("Who might try it")),
    ]
    return [
        (
            anchor,
            heading,
            render_markdown(text, heading_offset=2, anchor_prefix=f"{anchor}-"),
        )
        for anchor, heading in parts
        if (text := getattr(idea, anchor.replace("-", "_"))).strip()
    ]


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("idea")
def idea_create(request):
    form = IdeaForm(request.POST or None, mentions_url=reverse("discussions:mentions"))
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.propose_idea(
                author=request.user,
                title=form.cleaned_data["title"],
                problem=form.cleaned_data["problem"],
                proposal=form.cleaned_data["proposal"],
                benefit=form.cleaned_data["benefit"],
                who_might_try=form.cleaned_data["who_might_try"],
                topics=form.cleaned_data["topics"],
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Your idea is on the board. Members can now vote for it and discuss it.")
            )
            return redirect(idea)
    return render(request, "ideas/form.html", {"form": form, "idea": None})


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("idea")
def idea_edit(request, slug: str):
    idea = selectors.get_idea_for(request.user, slug)
    if not permissions.can_edit_idea(request.user, idea):
        raise PermissionDenied
    form = IdeaForm(
        request.POST or None,
        initial=IdeaForm.initial_for(idea),
        mentions_url=reverse("discussions:mentions"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_idea(
                idea_id=idea.pk,
                editor=request.user,
                title=form.cleaned_data["title"],
                problem=form.cleaned_data["problem"],
                proposal=form.cleaned_data["proposal"],
                benefit=form.cleaned_data["benefit"],
                who_might_try=form.cleaned_data["who_might_try"],
                topics=form.cleaned_data["topics"],
                base_revision=form.cleaned_data["base_revision"],
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(idea)
    return render(request, "ideas/form.html", {"form": form, "idea": idea})


def _came_from(request, idea: Idea) -> str:
    """The page a vote was cast on (the board or the idea), if it is one of ours."""
    target = request.POST.get("next", "").split("#")[0]
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = idea.get_absolute_url()
    return target


@login_required
@require_POST
@limit_posts("vote")
def idea_vote(request, slug: str):
    """Vote for an idea or withdraw one's vote; htmx gets the vote box back, a plain form
    post goes back to the page it came from."""
    idea = selectors.get_idea_for(request.user, slug)
    action = request.POST.get("action")
    error = ""
    try:
        if action == "vote":
            idea = services.vote_for_idea(idea_id=idea.pk, member=request.user)
            done = _("Your vote is counted.")
        elif action == "withdraw":
            idea = services.withdraw_idea_vote(idea_id=idea.pk, member=request.user)
            done = _("Your vote is withdrawn.")
        else:
            raise DomainError(_("Choose to vote or to withdraw your vote."))
    except DomainError as refused:
        error = refused.message
    if request.htmx:
        box = _vote_box(
            request.user,
            idea,
            voted=selectors.has_voted(idea, request.user),
            compact=request.POST.get("compact") == "1",
        )
        return render(
            request,
            "ideas/_vote_body.html",
            {
                "vote": box,
                "vote_error": error,
                "vote_done": "" if error else done,
                "next_url": _came_from(request, idea),
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    # Back where the member was, at the idea's vote box.
    return redirect(f"{_came_from(request, idea)}#vote-{idea.pk}")


@login_required
@require_POST
def idea_move(request, slug: str):
    """A moderator moves the idea to another state; a refusal re-renders the page with the
    form as posted and the reason beside the field."""
    idea = selectors.get_idea_for(request.user, slug)
    if not permissions.can_move_idea(request.user):
        raise PermissionDenied
    form = MoveForm(request.POST, moves=services.allowed_moves(idea))
    if form.is_valid():
        try:
            moved = services.move_idea(
                idea_id=idea.pk,
                to=form.cleaned_data["to"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The idea is now: %(state)s.") % {"state": moved.get_state_display().lower()},
            )
            return redirect(idea)
    return _render_detail(request, idea, move_form=form)


@login_required
@require_POST
def idea_link(request, slug: str):
    """The idea's authors or a moderator say which contribution implements it (or unlink)."""
    idea = selectors.get_idea_for(request.user, slug)
    if not permissions.can_link_outcome(request.user, idea):
        raise PermissionDenied
    form = LinkForm(request.POST)
    if "remove" in request.POST:
        form = LinkForm()
        practice_item_id = None
    elif form.is_valid() and (form.cleaned_data["practice"] or idea.implemented_by_id):
        # An emptied field removes the link, like the "Remove" button.
        practice_item_id = form.cleaned_data["practice"]
    else:
        if not form.errors:
            form.add_error("practice", _("Paste the address of a published contribution."))
        return _render_detail(request, idea, link_form=form)
    try:
        services.link_outcome(idea_id=idea.pk, by=request.user, practice_item_id=practice_item_id)
    except DomainError as error:
        add_service_error(form, error)
        return _render_detail(request, idea, link_form=form)
    if practice_item_id is None:
        messages.success(request, _("The link to the contribution is removed."))
    else:
        messages.success(request, _("The idea now links to the contribution that implements it."))
    return redirect(idea)
