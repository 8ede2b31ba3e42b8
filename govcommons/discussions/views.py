"""Discussion pages: the comments under any Item (contribution, question, idea) and what members
do with them (post, reply, quote, edit, remove, find useful, mark the answer), polling for new
comments, the discussion's settings, the moderators' edit history and @mention suggestions.

Every page works without JavaScript; htmx only swaps parts of it. `discussion_context` is what
an item page passes to `{% include "discussions/_discussion.html" %}`.
"""

from dataclasses import dataclass, field
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.forms import Form
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govcommons.core.errors import ConflictError, DomainError
from govcommons.core.forms import add_service_error
from govcommons.core.models import Item, ItemStatus
from govcommons.core.pagination import paginate
from govcommons.core.permissions import can_view_item
from govcommons.core.ratelimit import limit_posts

from . import permissions, selectors, services
from .forms import CommentEditForm, CommentForm, DiscussionOptionsForm, ReplyForm
from .models import Comment, CommentReaction

# Field ids: the main form's and each thread's reply form's must differ on one page.
MAIN_FORM_IDS = "comment-%s"
OPTIONS_FORM_IDS = "discussion-%s"


def _reply_form_ids(thread_id: int) -> str:
    return f"reply-{thread_id}-%s"


# --- What the viewer may do ---------------------------------------------------------------------


@dataclass(frozen=True)
class ViewerRules:
    """The discussion rules for one viewer, asked once per page. The rules in permissions.py
    depend only on the discussion and on whether a comment is the viewer's own (and removed),
    so they are asked of one stand-in comment of each kind instead of each of 50 threads."""

    user_pk: int | None
    edit_own: bool
    remove_own: bool
    remove_others: bool
    react_to_others: bool
    manage: bool
    see_history: bool

    @classmethod
    def of(cls, user, item: Item) -> "ViewerRules":
        user_pk = user.pk if user.is_authenticated else None
        own = Comment(item=item, author_id=user_pk)
        others = Comment(item=item, author_id=None)
        return cls(
            user_pk=user_pk,
            edit_own=permissions.can_edit_comment(user, own),
            remove_own=permissions.can_remove_comment(user, own),
            remove_others=permissions.can_remove_comment(user, others),
            react_to_others=permissions.can_react(user, others),
            manage=permissions.can_manage_discussion(user, item),
            see_history=permissions.can_see_edit_history(user),
        )

    def dress(self, comment: Comment, useful_ids: set[int]) -> Comment:
        """Attach what the templates show for this viewer (no query)."""
        own = self.user_pk is not None and comment.author_id == self.user_pk
        live = not comment.is_removed
        # Sanitised by nh3 when it was written (services.render_body), never raw member input.
        comment.body_safe = mark_safe(comment.body_html)  # noqa: S308
        comment.is_own = own
        comment.may_edit = live and own and self.edit_own
        comment.may_remove = live and (self.remove_own if own else self.remove_others)
        comment.may_react = live and not own and self.react_to_others
        comment.viewer_useful = comment.pk in useful_ids
        return comment


@dataclass
class Discussion:
    """Everything discussions/_discussion.html shows for one viewer."""

    item: Item
    rules: ViewerRules
    refusal: str
    threads: list[Comment] = field(default_factory=list)
    page: Page | None = None
    page_number: int = 1
    is_last_page: bool = True
    # The newest comment id shown: polling asks for what came after it.
    after: int = 0
    answer_id: int | None = None
    form: Form | None = None
    options_form: Form | None = None
    # The comment just posted through htmx: it takes the focus.
    posted_id: int | None = None
    # How often the last page asks for new comments (settings.DISCUSSION_POLL_SECONDS).
    poll_seconds: int = field(default_factory=lambda: settings.DISCUSSION_POLL_SECONDS)

    @property
    def can_comment(self) -> bool:
        return not self.refusal


# --- Fetching what the viewer may see ---------------------------------------------------------


def _published_item(user, item_id: int) -> Item:
    """The item whose discussion is asked for; 404 when it is not published or not readable
    by this viewer, so that a draft's existence is never revealed."""
    item = Item.objects.select_related("author", "organization").filter(pk=item_id).first()
    if item is None or item.status != ItemStatus.PUBLISHED or not can_view_item(user, item):
        raise Http404
    return item


def _comment_in_view(user, comment_id: int) -> Comment:
    comment = (
        Comment.objects.select_related("item", "author", "author__organization")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        raise Http404
    _published_item_check(user, comment.item)
    return comment


def _published_item_check(user, item: Item) -> None:
    if item.status != ItemStatus.PUBLISHED or not can_view_item(user, item):
        raise Http404


def _shown_comment_param(params, name: str, item: Item) -> Comment | None:
    """The comment named by ?reply_to= or ?quote=, when it is a live comment of this item."""
    try:
        comment_id = int(params.get(name, ""))
    except ValueError:
        return None
    return (
        Comment.objects.select_related("author")
        .filter(pk=comment_id, item=item, removed_at__isnull=True)
        .first()
    )


def _quotation(comment: Comment) -> str:
    quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in comment.body.splitlines())
    return f"{quoted}\n\n@{comment.author.handle} "


def _answer_id(item: Item) -> int | None:
    """The comment marked as the answer, for "Answered: jump to the answer" above the list
    (no query for a discussion without comments: an answer is a comment that is not removed)."""
    if not item.comment_count:
        return None
    return (
        Comment.objects.filter(item=item, is_answer=True, removed_at__isnull=True)
        .values_list("pk", flat=True)
        .first()
    )


def _thread_of(item: Item, comment_id: str) -> Comment | None:
    """The thread (top-level comment) that a reply to `comment_id` joins, if it is in this item."""
    try:
        comment_id = int(comment_id)
    except ValueError:
        return None
    comment = Comment.objects.select_related("parent").filter(pk=comment_id, item=item).first()
    if comment is None:
        return None
    return comment.parent or comment


def _page_param(value) -> str | None:
    return str(value) if value not in (None, "") else None


# --- The discussion block shared by item pages ------------------------------------------------


def discussion_context(
    request,
    item: Item,
    *,
    form: Form | None = None,
    reply_thread_id: int | None = None,
    page_number: str | int | None = None,
    posted_id: int | None = None,
    options_form: Form | None = None,
) -> dict:
    """The context `{% include "discussions/_discussion.html" %}` needs under an item page.

    An unpublished item has no discussion (`discussion` is None and the include shows nothing).
    `form` is a bound form to show again with its errors: the main form, or the reply form of
    the thread `reply_thread_id`. ?reply_to=<id> opens that thread's reply form (on the page
    the thread is on) and ?quote=<id> prefills the main form with the quoted text.
    """
    if item.status != ItemStatus.PUBLISHED:
        return {"discussion": None}
    user = request.user
    rules = ViewerRules.of(user, item)
    refusal = permissions.comment_refusal(user, item)
    mentions_url = reverse("discussions:mentions") if user.is_authenticated else ""
    # A refused text always comes back (even when the refusal is that the discussion closed).
    bound_main = form if form is not None and reply_thread_id is None else None
    bound_reply = form if form is not None and reply_thread_id is not None else None

    reply_to = quote = None
    if not refusal and form is None:
        reply_to = _shown_comment_param(request.GET, "reply_to", item)
        quote = _shown_comment_param(request.GET, "quote", item)
    open_thread_id = reply_thread_id
    reply_prefill = ""
    if reply_to is not None:
        open_thread_id = reply_to.parent_id or reply_to.pk
        # Replies are not nested further: answering a reply names its author instead.
        if reply_to.parent_id and reply_to.author_id != rules.user_pk:
            reply_prefill = f"@{reply_to.author.handle} "
    if page_number is None:
        page_number = request.GET.get("cpage")
        if not page_number and reply_to is not None:
            page_number = selectors.page_of_comment(reply_to)
    data = selectors.discussion_page(item, user, _page_param(page_number))
    threads = list(data.page.object_list)

    for thread in threads:
        rules.dress(thread, data.useful_ids)
        thread.shown_replies = [rules.dress(r, data.useful_ids) for r in thread.replies.all()]
        thread.reply_open = thread.pk == open_thread_id
        thread.reply_form = None
        if bound_reply is not None and thread.pk == reply_thread_id:
            thread.reply_form, bound_reply = bound_reply, None
        elif not refusal and not thread.is_removed:
            thread.reply_form = ReplyForm(
                auto_id=_reply_form_ids(thread.pk),
                initial={"parent": thread.pk, "body": reply_prefill if thread.reply_open else ""},
                mentions_url=mentions_url,
                autofocus=thread.reply_open,
            )
    if bound_reply is not None:
        # The thread is no longer shown (removed meanwhile): the text comes back in the main
        # form instead, with the reason, so that nothing typed is lost.
        bound_main = _as_new_comment(bound_reply, mentions_url)

    main_form = bound_main
    if main_form is None and not refusal:
        main_form = CommentForm(
            auto_id=MAIN_FORM_IDS,
            initial={"body": _quotation(quote)} if quote else None,
            mentions_url=mentions_url,
            autofocus=quote is not None,
        )
    if rules.manage and options_form is None:
        options_form = DiscussionOptionsForm(
            auto_id=OPTIONS_FORM_IDS,
            initial={"locked": item.discussion_locked, "slow_mode_minutes": item.slow_mode_minutes},
        )

    return {
        "discussion": Discussion(
            item=item,
            rules=rules,
            refusal=refusal,
            threads=threads,
            page=data.page,
            page_number=data.page.number,
            is_last_page=not data.page.has_next(),
            after=data.last_id,
            answer_id=_answer_id(item),
            form=main_form,
            options_form=options_form if rules.manage else None,
            posted_id=posted_id,
        )
    }


def _as_new_comment(reply_form: Form, mentions_url: str) -> CommentForm:
    data = reply_form.data.copy()
    data["parent"] = ""
    moved = CommentForm(data, auto_id=MAIN_FORM_IDS, mentions_url=mentions_url, autofocus=True)
    moved.is_valid()
    for name, errors in reply_form.errors.items():
        for error in errors:
            moved.add_error(name if name == "body" else None, error)
    return moved


def _render_discussion(request, item: Item, **kwargs):
    """The discussion again (after a refused post, or a post through htmx): the partial for
    htmx, else the full discussion page with the item's title and a way back."""
    context = discussion_context(request, item, **kwargs)
    if request.htmx:
        return render(request, "discussions/_discussion.html", context)
    return render(request, "discussions/comment_discussion.html", {"item": item, **context})


def _sign_in_to_post(view):
    """Reading is open to whoever may read the item; writing needs a signed-in member."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


# --- Views ---------------------------------------------------------------------------------------


@_sign_in_to_post
@require_http_methods(["GET", "POST"])
@limit_posts("comment")
def discussion(request, item_id: int):
    """The whole discussion of an item on its own page (the fallback without JavaScript, and
    where ?reply_to= and ?quote= open the form); a POST adds a comment or a reply."""
    item = _published_item(request.user, item_id)
    if request.method == "GET":
        return render(
            request,
            "discussions/comment_discussion.html",
            {"item": item, **discussion_context(request, item)},
        )

    mentions_url = reverse("discussions:mentions")
    thread = _thread_of(item, request.POST["parent"]) if request.POST.get("parent") else None
    if thread is None:
        form = CommentForm(
            request.POST, auto_id=MAIN_FORM_IDS, mentions_url=mentions_url, autofocus=True
        )
    else:
        form = ReplyForm(
            request.POST,
            auto_id=_reply_form_ids(thread.pk),
            mentions_url=mentions_url,
            autofocus=True,
        )
    if form.is_valid():
        try:
            comment = services.post_comment(
                item_id=item.pk,
                author=request.user,
                body=form.cleaned_data["body"],
                parent_id=form.cleaned_data["parent"],
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            if request.htmx:
                return render(
                    request,
                    "discussions/_discussion.html",
                    discussion_context(
                        request,
                        item,
                        page_number=selectors.page_of_comment(comment),
                        posted_id=comment.pk,
                    ),
                )
            return redirect(comment.get_absolute_url())
    if thread is not None:
        page_number = selectors.page_of_comment(thread)
    else:
        page_number = request.POST.get("cpage")
    return _render_discussion(
        request,
        item,
        form=form,
        reply_thread_id=thread.pk if thread else None,
        page_number=page_number,
    )


@require_GET
def new_comments(request, item_id: int):
    """Comments written since the newest one on the page (?after=<id>): for htmx, new threads
    appended to the list and new replies to their thread (out-of-band swaps) and the poller
    itself with its new `after`; without JavaScript, a jump to the first new comment."""
    item = _published_item(request.user, item_id)
    try:
        after = int(request.GET.get("after", ""))
    except ValueError:
        return HttpResponseBadRequest(_("“after” must be a comment number."))
    try:
        page_number = max(1, int(request.GET.get("cpage") or 1))
    except ValueError:
        page_number = 1
    comments = selectors.comments_since(item, after)
    if not request.htmx:
        if comments:
            return redirect(comments[0].get_absolute_url())
        return redirect(f"{item.get_absolute_url()}?cpage={page_number}#discussion")

    rules = ViewerRules.of(request.user, item)
    refusal = permissions.comment_refusal(request.user, item)
    mentions_url = reverse("discussions:mentions") if request.user.is_authenticated else ""
    useful_ids = _useful_ids(request.user, [c.pk for c in comments])
    # Oldest first: a new thread comes before its new replies, which then go inside it.
    threads: dict[int, Comment] = {}
    replies_by_thread: dict[int, list[Comment]] = {}
    for comment in comments:
        rules.dress(comment, useful_ids)
        if comment.parent_id is None:
            comment.shown_replies = []
            comment.reply_open = False
            comment.reply_form = (
                None
                if refusal
                else ReplyForm(
                    auto_id=_reply_form_ids(comment.pk),
                    initial={"parent": comment.pk},
                    mentions_url=mentions_url,
                )
            )
            threads[comment.pk] = comment
        elif comment.parent_id in threads:
            threads[comment.parent_id].shown_replies.append(comment)
        else:
            replies_by_thread.setdefault(comment.parent_id, []).append(comment)
    return render(
        request,
        "discussions/_new_comments.html",
        {
            "discussion": Discussion(
                item=item,
                rules=rules,
                refusal=refusal,
                page_number=page_number,
                after=max([after] + [c.pk for c in comments]),
            ),
            "new_threads": list(threads.values()),
            "new_replies": sorted(replies_by_thread.items()),
            "new_count": len(comments),
        },
    )


def _useful_ids(user, comment_ids: list[int]) -> set[int]:
    if not user.is_authenticated or not comment_ids:
        return set()
    return set(
        CommentReaction.objects.filter(member=user, comment_id__in=comment_ids).values_list(
            "comment_id", flat=True
        )
    )


@login_required
@require_POST
@limit_posts("comment")
def discussion_options(request, item_id: int):
    """Lock the discussion or set slow mode (the item's authors and moderators)."""
    item = _published_item(request.user, item_id)
    if not permissions.can_manage_discussion(request.user, item):
        raise PermissionDenied
    form = DiscussionOptionsForm(request.POST, auto_id=OPTIONS_FORM_IDS)
    if form.is_valid():
        try:
            item = services.set_discussion_options(
                item_id=item.pk,
                by=request.user,
                locked=form.cleaned_data["locked"],
                slow_mode_minutes=form.cleaned_data["slow_mode_minutes"],
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _options_message(item))
            return redirect(f"{item.get_absolute_url()}#discussion")
    return render(
        request,
        "discussions/comment_discussion.html",
        {"item": item, **discussion_context(request, item, options_form=form)},
    )


def _options_message(item: Item) -> str:
    state = (
        _("The discussion is locked.") if item.discussion_locked else _("The discussion is open.")
    )
    if item.slow_mode_minutes:
        slow = ngettext(
            "Slow mode: one comment per member every %(n)s minute.",
            "Slow mode: one comment per member every %(n)s minutes.",
            item.slow_mode_minutes,
        ) % {"n": item.slow_mode_minutes}
    else:
        slow = _("Slow mode is off.")
    return f"{state} {slow}"


@require_GET
def comment_permalink(request, comment_id: int):
    """A comment's lasting address: the item's page, on the page of the discussion it is on."""
    comment = _comment_in_view(request.user, comment_id)
    if comment.is_removed and (comment.parent_id or not comment.reply_count):
        raise Http404
    page = selectors.page_of_comment(comment)
    return redirect(f"{comment.item.get_absolute_url()}?cpage={page}#comment-{comment.pk}")


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("comment")
def comment_edit(request, comment_id: int):
    comment = _comment_in_view(request.user, comment_id)
    if not permissions.can_edit_comment(request.user, comment):
        raise PermissionDenied
    mentions_url = reverse("discussions:mentions")
    form = CommentEditForm(
        request.POST or None,
        initial={"body": comment.body, "version": comment.version},
        mentions_url=mentions_url,
    )
    current = None
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_comment(
                comment_id=comment.pk,
                editor=request.user,
                body=form.cleaned_data["body"],
                version=form.cleaned_data["version"],
            )
        except ConflictError as error:
            add_service_error(form, error)
            comment.refresh_from_db()
            current = mark_safe(comment.body_html)  # noqa: S308 - sanitised when written
            # Saving again is a knowing choice over the newer version.
            form.data = form.data.copy()
            form.data["version"] = comment.version
        except DomainError as error:
            add_service_error(form, error)
        else:
            return redirect(comment.get_absolute_url())
    return render(
        request,
        "discussions/comment_edit.html",
        {"comment": comment, "item": comment.item, "form": form, "current_html": current},
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("comment")
def comment_remove(request, comment_id: int):
    """GET asks to confirm (works without JavaScript); POST removes."""
    comment = _comment_in_view(request.user, comment_id)
    if not permissions.can_remove_comment(request.user, comment):
        raise PermissionDenied
    item = comment.item
    if request.method == "POST":
        page = selectors.page_of_comment(comment)
        comment = services.remove_comment(comment_id=comment.pk, by=request.user)
        messages.success(request, _("The comment is removed."))
        if comment.parent_id is None and comment.reply_count:
            return redirect(comment.get_absolute_url())
        return redirect(f"{item.get_absolute_url()}?cpage={page}#discussion")
    comment.body_safe = mark_safe(comment.body_html)  # noqa: S308 - sanitised when written
    return render(
        request,
        "discussions/comment_remove.html",
        {"comment": comment, "item": item, "is_own": comment.author_id == request.user.pk},
    )


@login_required
@require_POST
@limit_posts("vote")
def comment_useful(request, comment_id: int):
    """Toggle "useful": the form posts the state wanted (useful=1 or 0), so that a double
    click or two tabs never flip it back by surprise."""
    comment = _comment_in_view(request.user, comment_id)
    wanted = request.POST.get("useful") == "1"
    error = ""
    try:
        comment = services.set_useful(comment_id=comment.pk, member=request.user, useful=wanted)
    except DomainError as refusal:
        error = refusal.message
    if request.htmx:
        rules = ViewerRules.of(request.user, comment.item)
        useful_ids = _useful_ids(request.user, [comment.pk])
        return render(
            request,
            "discussions/_comment_useful.html",
            {"comment": rules.dress(comment, useful_ids), "useful_error": error},
        )
    if error:
        messages.error(request, error)
    return redirect(comment.get_absolute_url())


@login_required
@require_POST
@limit_posts("comment")
def comment_answer(request, comment_id: int):
    """Mark (is_answer=1) or unmark (0) the comment that answers the discussion's question."""
    comment = _comment_in_view(request.user, comment_id)
    if not permissions.can_manage_discussion(request.user, comment.item):
        raise PermissionDenied
    wanted = request.POST.get("is_answer") == "1"
    try:
        services.mark_answer(comment_id=comment.pk, by=request.user, is_answer=wanted)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(f"{comment.item.get_absolute_url()}#discussion")
    messages.success(
        request,
        _("The comment is marked as the answer.") if wanted else _("The answer mark is removed."),
    )
    return redirect(comment.get_absolute_url())


@login_required
@require_GET
def comment_history(request, comment_id: int):
    """The texts a comment had before each edit (and before removal): moderators only."""
    if not permissions.can_see_edit_history(request.user):
        raise PermissionDenied
    comment = (
        Comment.objects.select_related("item", "author", "removed_by").filter(pk=comment_id).first()
    )
    if comment is None:
        raise Http404
    page = paginate(selectors.edit_history(comment), request.GET.get("page"), per_page=50)
    return render(
        request,
        "discussions/comment_history.html",
        {"comment": comment, "item": comment.item, "page_obj": page},
    )


@login_required
@require_GET
def mention_suggestions(request):
    """Up to eight members whose handle or name starts with ?q= (after "@"), as JSON."""
    members = selectors.mention_suggestions(request.GET.get("q", ""))
    return JsonResponse(
        {
            "members": [
                {
                    "handle": m.handle,
                    "name": m.display_name,
                    "organisation": m.organization.name if m.organization else "",
                }
                for m in members
            ]
        }
    )
