"""Helpers that walk contributions through peer review with the real services."""

from govcommons.practices.models import Practice
from govcommons.practices.tests.factories import practice_input, write_draft
from govcommons.reviews import services
from govcommons.reviews.models import Criterion, ReviewInvitation, Submission

GOOD_SCORES = {c.value: 4 for c in Criterion}


def submitted(author, topic, **fields) -> Submission:
    """A new contribution in `topic`, written and submitted by a verified author."""
    practice = write_draft(author, topics=[topic], **fields)
    return services.submit_for_review(member=author, practice_id=practice.pk)


def invite(editor, submission: Submission, reviewer, *, accept: bool = True) -> ReviewInvitation:
    invitation = services.invite_reviewer(
        editor=editor, submission_id=submission.pk, reviewer_id=reviewer.pk
    )
    if accept:
        services.respond_to_invitation(reviewer=reviewer, invitation_id=invitation.pk, accept=True)
    invitation.refresh_from_db()
    return invitation


def review(invitation: ReviewInvitation, recommendation: str = "accept", **kwargs):
    return services.submit_review(
        reviewer=invitation.reviewer,
        invitation_id=invitation.pk,
        scores=kwargs.pop("scores", GOOD_SCORES),
        recommendation=recommendation,
        to_authors=kwargs.pop("to_authors", "Clear and useful."),
        to_editor=kwargs.pop("to_editor", "Confidential: solid work."),
        **kwargs,
    )


def revise(author, practice: Practice, topic, **fields) -> Practice:
    """An author's edit through the service (a new revision)."""
    from govcommons.practices import services as practice_services

    practice = Practice.objects.select_related("item").get(pk=practice.pk)
    practice_services.update_practice(
        member=author,
        practice_id=practice.pk,
        data=practice_input(topics=[topic], **fields),
        base_revision=practice.item.revision_number,
    )
    return Practice.objects.select_related("item").get(pk=practice.pk)


def published(author, topic, editor, reviewers, *, evidence_level: int = 3, **fields) -> Practice:
    """A contribution taken through the whole review and published."""
    submission = submitted(author, topic, **fields)
    for reviewer in reviewers:
        review(invite(editor, submission, reviewer))
    services.decide(editor=editor, submission_id=submission.pk, decision="accept")
    services.publish(
        editor=editor,
        submission_id=submission.pk,
        evidence_level=evidence_level,
        note="Well documented; the outcomes are measured against last year's baseline.",
    )
    return Practice.objects.select_related("item").get(pk=submission.practice_id)
