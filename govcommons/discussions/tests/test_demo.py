"""The demo conversation (discussions, questions and ideas): lively, consistent with what the
services would have written, and safe to seed twice."""

from io import StringIO

from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db.models import Count, Q, Sum

from govcommons.accounts.models import User
from govcommons.core.models import Item, ItemKind
from govcommons.discussions.models import (
    Answer,
    AnswerCitation,
    AnswerVote,
    Comment,
    CommentEdit,
    CommentReaction,
    Question,
    QuestionVote,
)
from govcommons.discussions.selectors import citation_count
from govcommons.ideas import selectors as idea_selectors
from govcommons.ideas.demo import seed_ideas
from govcommons.ideas.models import Idea, IdeaEvent, IdeaState, IdeaVote
from govcommons.ideas.services import hot_score
from govcommons.notifications.models import EmailCategory, EmailStatus, Notification, OutgoingEmail

POTHOLES = "fixing-potholes-in-6-days-with-a-citizen-reporting-app"
MODERATOR = "moderator@govcommons.example"


def counts() -> dict[str, int]:
    return {
        "comments": Comment.objects.count(),
        "removed_comments": Comment.objects.filter(removed_at__isnull=False).count(),
        "replies": Comment.objects.filter(parent__isnull=False).count(),
        "useful": CommentReaction.objects.count(),
        "edits": CommentEdit.objects.count(),
        "questions": Question.objects.count(),
        "answers": Answer.objects.count(),
        "answer_votes": AnswerVote.objects.count(),
        "question_votes": QuestionVote.objects.count(),
        "citations": AnswerCitation.objects.count(),
        "ideas": Idea.objects.count(),
        "idea_votes": IdeaVote.objects.count(),
        "idea_events": IdeaEvent.objects.count(),
        "conversation_emails": OutgoingEmail.objects.filter(
            category__in=[EmailCategory.DISCUSSIONS, EmailCategory.IDEAS]
        ).count(),
    }


def test_seed_demo_twice_gives_the_same_conversation(db, settings):
    # The ideas' states are changed by the demo moderator, who has no two-factor.
    settings.REQUIRE_MFA_FOR_STAFF = False
    first, second = StringIO(), StringIO()

    call_command("seed_demo", "--force", stdout=first)
    after_first = counts()
    call_command("seed_demo", "--force", stdout=second)

    assert counts() == after_first
    assert after_first == {
        "comments": 49,
        "removed_comments": 1,
        "replies": 24,
        "useful": 36,
        "edits": 2,
        "questions": 10,
        "answers": 18,
        "answer_votes": 46,
        "question_votes": 29,
        "citations": 11,
        "ideas": 11,
        "idea_votes": 49,
        "idea_events": 25,
        "conversation_emails": 69,
    }
    assert "5 discussions and 10 questions added" in first.getvalue()
    assert "0 discussions and 0 questions added" in second.getvalue()
    assert "11 proposed and 14 decisions added" in first.getvalue()
    assert "0 proposed and 0 decisions added" in second.getvalue()
    # The made-up history notified people, but its emails are never sent.
    assert not (
        OutgoingEmail.objects.filter(category__in=[EmailCategory.DISCUSSIONS, EmailCategory.IDEAS])
        .exclude(status=EmailStatus.SKIPPED)
        .exists()
    )

    # A discussion on a case study, with replies, mentions, quotes, useful marks, an answer,
    # an edit and a removed comment whose replies stay.
    potholes = Item.objects.get(slug=POTHOLES)
    thread = Comment.objects.filter(item=potholes)
    assert thread.filter(parent__isnull=False).count() == 6
    kadri = User.objects.get(email="kadri.tamm@tallinnlv.ee")
    mentioning = thread.filter(body__contains=f"@{kadri.handle}")
    assert mentioning.count() == 2
    assert all(f'href="{kadri.get_absolute_url()}"' in c.body_html for c in mentioning)
    told = Notification.objects.filter(recipient=kadri, key__startswith="mention:c")
    assert told.filter(url__in=[c.get_absolute_url() for c in mentioning]).count() == 2
    answer = thread.get(is_answer=True)
    assert (answer.author.email, answer.parent.author.email) == (
        "marc.dubois@example.com",
        "kadri.tamm@tallinnlv.ee",
    )
    assert thread.filter(body__startswith="> ").count() == 1
    assert thread.filter(edited_at__isnull=False, version=2).count() == 1
    removed = Comment.objects.get(removed_at__isnull=False)
    assert (removed.reply_count, removed.replies.count(), removed.parent_id) == (3, 3, None)
    assert Item.objects.filter(slow_mode_minutes__gt=0).get().slug == (
        "cutting-outpatient-waiting-times-with-clinical-triage-of-referrals"
    )

    # Questions: answered and accepted, answered only, and waiting for a first answer.
    questions = Question.objects.all()
    assert questions.filter(accepted_answer__isnull=False).count() == 6
    assert questions.filter(answer_count=0).count() == 2
    assert questions.filter(answer_count__gt=0, accepted_answer__isnull=True).count() == 2
    assert AnswerVote.objects.filter(value=-1).count() == 3
    assert Comment.objects.filter(item__kind=ItemKind.QUESTION).count() == 4
    # An answer linking to a contribution cites it: "cited in 2 answers".
    assert citation_count(potholes) == 2

    # Ideas in every state, decided by the moderator, the declined ones with a reason.
    assert dict(Idea.objects.values_list("state").annotate(n=Count("pk"))) == {
        IdeaState.OPEN: 4,
        IdeaState.UNDER_CONSIDERATION: 2,
        IdeaState.SELECTED: 1,
        IdeaState.PILOTED: 1,
        IdeaState.ADOPTED: 1,
        IdeaState.DECLINED: 2,
    }
    decisions = IdeaEvent.objects.exclude(from_state="")
    assert set(decisions.values_list("actor__email", flat=True)) == {MODERATOR}
    for idea in Idea.objects.filter(state=IdeaState.DECLINED):
        assert idea.state_reason
        assert idea.events.last().reason == idea.state_reason
    adopted = Idea.objects.select_related("implemented_by").get(state=IdeaState.ADOPTED)
    chain = idea_selectors.idea_chain(adopted, AnonymousUser())
    assert (chain.practice.item.slug, chain.adoption_count, len(chain.adoptions)) == (
        POTHOLES,
        6,
        6,
    )
    assert Comment.objects.filter(item__kind=ItemKind.IDEA).count() == 6
    # The three orders of the board differ.
    orders = {
        sort: list(idea_selectors.idea_list(AnonymousUser(), sort=sort).values_list("pk"))
        for sort in idea_selectors.IdeaSort.CHOICES
    }
    assert len({tuple(order) for order in orders.values()}) == 3
    assert_counters_and_dates_agree_with_the_rows()


def assert_counters_and_dates_agree_with_the_rows():
    """What the services would have counted, and dates that follow each other."""
    for item in Item.objects.filter(comments__isnull=False).distinct():
        live = item.comments.filter(removed_at__isnull=True).count()
        assert item.comment_count == live, item.slug
    for comment in Comment.objects.annotate(
        live_replies=Count("replies", filter=Q(replies__removed_at__isnull=True), distinct=True),
        marks=Count("reactions", distinct=True),
    ):
        assert (comment.reply_count, comment.useful_count) == (
            comment.live_replies,
            comment.marks,
        )
        assert comment.parent is None or comment.parent.created_at <= comment.created_at
    for question in Question.objects.annotate(votes_sum=Sum("votes__value")):
        assert question.answer_count == question.answers.count()
        assert question.score == (question.votes_sum or 0)
        for answer in question.answers.all():
            assert answer.created_at >= question.item.created_at
            assert answer.score == sum(answer.votes.values_list("value", flat=True))
    for idea in Idea.objects.select_related("item"):
        assert idea.vote_count == idea.votes.count()
        # The ranking is the one the service gives for the idea's (demo) date.
        assert idea.hot_score == hot_score(idea.vote_count, idea.item.created_at)
        assert idea.item.published_at == idea.item.created_at
        assert idea.state_changed_at == idea.events.last().created_at
        assert list(idea.events.values_list("created_at", flat=True)) == sorted(
            idea.events.values_list("created_at", flat=True)
        )
    # Questions and ideas were asked over the past weeks, not all at once.
    dates = Item.objects.filter(kind__in=[ItemKind.QUESTION, ItemKind.IDEA]).values_list(
        "created_at__date", flat=True
    )
    assert len(set(dates)) >= 15


def test_without_two_factor_the_ideas_wait_for_the_moderator_then_a_rerun_decides(db, settings):
    settings.REQUIRE_MFA_FOR_STAFF = True
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)

    assert "The ideas' state changes were skipped" in out.getvalue()
    assert set(Idea.objects.values_list("state", flat=True)) == {IdeaState.OPEN}
    assert IdeaVote.objects.count() == 49
    # Linking what came of an idea is its author's to do: no moderator needed.
    assert Idea.objects.filter(implemented_by__slug=POTHOLES).count() == 1

    settings.REQUIRE_MFA_FOR_STAFF = False
    rerun = StringIO()
    seed_ideas({member.email: member for member in User.objects.all()}, rerun)

    assert "0 proposed and 14 decisions added" in rerun.getvalue()
    assert set(Idea.objects.values_list("state", flat=True)) == set(IdeaState.values)
