"""Demo ideas for `seed_demo`: an ideas board with ideas in every state, votes from many
members, decisions by the demo moderator with their reasons, a few discussions, and one adopted
idea linked to the contribution that implements it (idea -> practice -> adoptions).

Idempotent (an idea is keyed on its title; each state change on the state it leaves) and
written only through the services, so votes, the ranking, the state log and notifications are
real. The stories and figures are illustrative.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from govcommons.accounts.models import User
from govcommons.accounts.permissions import can_moderate
from govcommons.core.models import Item, ItemKind
from govcommons.discussions.demo import (
    ADMIN,
    AINO,
    CLAIRE,
    ELENA,
    JORDI,
    KADRI,
    LUCIA,
    MARC,
    MODERATOR,
    POTHOLES,
    PRIYA,
    SAM,
    Say,
    current_members,
    newest_notification_pk,
    play_thread,
    published_contribution,
    read_as_history,
    text,
)
from govcommons.discussions.models import Comment
from govcommons.taxonomy.models import Topic

from . import services
from .models import Idea, IdeaEvent, IdeaState, IdeaVote

OPEN = IdeaState.OPEN
CONSIDERED = IdeaState.UNDER_CONSIDERATION
SELECTED = IdeaState.SELECTED
PILOTED = IdeaState.PILOTED
ADOPTED = IdeaState.ADOPTED
DECLINED = IdeaState.DECLINED

# Each idea: when it was proposed, who voted (before any decision: voting closes with one),
# and the moderator's decisions as (state, hours after the proposal, reason). Proposal times
# and votes are chosen so that "hot", "top" and "newest" give different orders.
IDEAS: list[dict] = [
    {
        "title": "Show residents the repaired street, with the crew's photo",
        "author": MARC,
        "topics": ["Citizen reporting", "Service design"],
        "hours_ago": 75 * 24,
        "problem": """
            Residents report a pothole or a broken light and never hear back. They report it
            again, call the switchboard, or conclude that reporting is pointless.
        """,
        "proposal": """
            When a crew closes a report, it takes an "after" photo and the resident receives
            it with the date of the repair. Reports of the same fault are merged, and every
            reporter is told.
        """,
        "benefit": "Fewer duplicate reports and calls; more trust that reporting works.",
        "who_might_try": "Any city with a reporting app and crews who carry a phone.",
        "votes": [CLAIRE, AINO, JORDI, PRIYA, KADRI, ELENA, SAM, LUCIA, ADMIN],
        "decisions": [
            (
                CONSIDERED,
                72,
                "Several cities with reporting apps are interested; we are asking which could "
                "test it.",
            ),
            (
                SELECTED,
                240,
                "Lyon will try it in two districts, with the crews' existing work phones.",
            ),
            (
                PILOTED,
                800,
                "Piloted for three months in two Lyon districts: duplicate reports fell by a "
                "third and calls about open reports by half.",
            ),
            (
                ADOPTED,
                1500,
                "Lyon now sends the crew's photo with every closed report. The approach is "
                "documented in the pothole case study, which six cities have adopted.",
            ),
        ],
        "implemented_by": POTHOLES,
    },
    {
        "title": "Text-message reminders with one-tap cancellation for outpatient appointments",
        "author": PRIYA,
        "topics": ["Waiting times", "Primary care"],
        "hours_ago": 50 * 24,
        "problem": """
            One outpatient appointment in nine is missed. Most patients who miss it would have
            cancelled, but cancelling means calling a switchboard during office hours.
        """,
        "proposal": """
            Send a reminder five days and one day before the appointment, with a link that
            cancels it in one tap and offers the slot to the next patient on the list.
        """,
        "benefit": "Fewer empty slots and shorter waits, at the cost of a text message.",
        "who_might_try": "Hospitals with electronic booking; regions that run the booking.",
        "votes": [SAM, ELENA, AINO, JORDI, CLAIRE, MARC, KADRI],
        "decisions": [
            (CONSIDERED, 48, "Two regions have offered to test it; we are comparing the offers."),
            (
                SELECTED,
                200,
                "The Region of Southern Denmark will pilot it in two hospitals from next month.",
            ),
            (
                PILOTED,
                1000,
                "Piloted for four months in two hospitals: missed appointments fell from 11% "
                "to 7%. The evaluation is being written up as a contribution.",
            ),
        ],
        "comments": [
            Say(
                "jordi-language",
                JORDI,
                """
                Did the pilot send the reminders in more than one language? In Barcelona the
                missed appointments were concentrated among patients who do not read Catalan
                or Spanish.
                """,
                hours=1010,
            ),
            Say(
                "priya-language",
                PRIYA,
                """
                Danish and English only, and the evaluation shows the same gap you describe.
                The next round adds Arabic and Polish.
                """,
                reply_to="jordi-language",
                useful=(JORDI, SAM),
                hours=1030,
            ),
        ],
    },
    {
        "title": "Shared evaluation panels for innovation tenders in small municipalities",
        "author": KADRI,
        "topics": ["Innovation procurement"],
        "hours_ago": 30 * 24,
        "problem": """
            Small municipalities rarely have the experts to evaluate an innovation tender,
            so they buy what they know, or nothing.
        """,
        "proposal": """
            A panel of evaluators from several municipalities and the national procurement
            office, shared by the municipalities that tender in the same year.
        """,
        "benefit": "Better evaluations and more innovation tenders from smaller bodies.",
        "who_might_try": "National procurement offices; associations of municipalities.",
        "votes": [LUCIA, CLAIRE, SAM, ELENA, MARC, JORDI],
        "decisions": [
            (CONSIDERED, 30, "The Public Procurement Office is checking the legal basis."),
            (
                SELECTED,
                400,
                "Selected for a pilot: the Public Procurement Office will run one shared panel "
                "for three municipalities' tenders this year.",
            ),
        ],
        "comments": [
            Say(
                "lucia-volunteer",
                LUCIA,
                """
                We can host the panel's secretariat. @{kadri}, shall we start with the three
                municipalities that asked us about school transport?
                """,
                hours=410,
            ),
        ],
    },
    {
        "title": "A heat-risk map shared by every city in the region",
        "author": AINO,
        "topics": ["Climate adaptation", "Open data"],
        "hours_ago": 12 * 24,
        "problem": """
            Each city pays a consultant for its own heat map, with different methods, so the
            maps cannot be compared or combined at the city limits.
        """,
        "proposal": """
            One open method based on satellite data, run once for the whole region and
            published as open data, with each city adding its own vulnerability data.
        """,
        "benefit": "Comparable maps for a fraction of the cost; heat does not stop at borders.",
        "who_might_try": "Regional councils and their largest cities.",
        "votes": [CLAIRE, MARC, JORDI, ELENA, PRIYA],
        "decisions": [
            (
                CONSIDERED,
                96,
                "Under consideration: we are asking the cities that published heat maps "
                "whether their method can be shared as open source.",
            ),
        ],
    },
    {
        "title": "Let pupils decide part of the school playground budget",
        "author": JORDI,
        "topics": ["Participatory budgeting"],
        "hours_ago": 8 * 24,
        "problem": "Playgrounds are redesigned by adults; pupils are asked, if at all, last.",
        "proposal": """
            Give each school a small share of the renovation budget that pupils allocate
            themselves, after a term of proposals and class debates.
        """,
        "benefit": "Playgrounds that pupils use, and a first lesson in participation.",
        "who_might_try": "Cities with a participatory budget and a school renovation plan.",
        "votes": [CLAIRE, AINO, MARC, ELENA],
        "decisions": [
            (
                CONSIDERED,
                60,
                "Lyon and Helsinki plan school renovations next year: we are asking both "
                "cities whether a school would take part.",
            ),
        ],
    },
    {
        "title": "Replace the non-emergency phone line with a chatbot",
        "author": SAM,
        "topics": ["Citizen reporting", "Service design"],
        "hours_ago": 40 * 24,
        "problem": "Non-emergency phone lines are expensive and closed at night.",
        "proposal": "Answer non-emergency requests with a chatbot, at any hour.",
        "benefit": "Lower costs and answers outside office hours.",
        "votes": [MARC, LUCIA, ADMIN],
        "decisions": [
            (CONSIDERED, 24, "We are collecting the experience of cities that tried chatbots."),
            (
                DECLINED,
                300,
                "Declined for now: in the cities that tried, a third of requests still come "
                "by phone, and Helsinki's permit chatbot increased calls. A chatbot that works "
                "alongside the phone line would be welcome as a new idea.",
            ),
        ],
        "comments": [
            Say(
                "sam-fair",
                SAM,
                """
                Fair enough. I will come back with a proposal that keeps the phone line and
                uses a chatbot only for status questions ("where is my report?").
                """,
                hours=310,
            ),
            Say(
                "claire-status",
                CLAIRE,
                """
                > uses a chatbot only for status questions

                That part would help us: about a quarter of our calls are people asking
                where their report is.
                """,
                reply_to="sam-fair",
                useful=(SAM, MARC),
                hours=330,
            ),
        ],
    },
    {
        "title": "One national app for reports to every municipality",
        "author": LUCIA,
        "topics": ["Citizen reporting"],
        "hours_ago": 20 * 24,
        "problem": "Residents do not know which authority to report a problem to.",
        "proposal": "A single national app that forwards each report to the right authority.",
        "votes": [SAM, KADRI],
        "decisions": [
            (
                DECLINED,
                100,
                "Declined: reports must reach the crews who fix them, and municipalities run "
                "dozens of different work-order systems. Routing reports between neighbouring "
                "authorities, as the Lyon case study does, gets most of the benefit.",
            ),
        ],
    },
    {
        "title": "Publish the notes of every market consultation before the tender",
        "author": LUCIA,
        "topics": ["Open contracting", "Innovation procurement"],
        "hours_ago": 4 * 24,
        "problem": """
            Companies that did not take part in a market consultation suspect that the tender
            was written for those who did.
        """,
        "proposal": """
            Publish the questions asked and a summary of the answers of every market
            consultation, with the tender documents.
        """,
        "benefit": "More bidders, and fewer complaints about favouritism.",
        "votes": [KADRI, SAM, CLAIRE],
    },
    {
        "title": "A ride-along day: policy staff spend a day with front-line crews",
        "author": CLAIRE,
        "topics": ["Service design"],
        "hours_ago": 20,
        "problem": "The people who write the rules rarely see how they land on the street.",
        "proposal": """
            Every member of a policy team spends one day a year with a front-line crew:
            road maintenance, the call centre, a social worker's home visits.
        """,
        "votes": [PRIYA, MARC],
    },
    {
        "title": "A shared library of plain-language letter templates",
        "author": SAM,
        "topics": ["Service design"],
        "hours_ago": 9,
        "problem": """
            Every body rewrites the same letters (reminders, refusals, appointment letters)
            and most of them are still hard to read.
        """,
        "proposal": """
            A shared library of tested plain-language templates, free to reuse and adapt,
            with the reading test results for each.
        """,
        "benefit": "Fewer calls from confused residents; less time spent on drafting.",
        "who_might_try": "Any public body that sends letters; the health ministry first.",
        "votes": [PRIYA, CLAIRE, ELENA, AINO, LUCIA, JORDI, KADRI],
        "comments": [
            Say(
                "priya-rules",
                PRIYA,
                """
                Happy to contribute our appointment letters: they follow the five rules in our
                plain-language practice. @{elena}, could GovCommons host the library as a
                collection of tools and templates?
                """,
                hours=4,
            ),
        ],
    },
    {
        "title": "Common outcome indicators for citizen reporting apps",
        "author": ELENA,
        "topics": ["Citizen reporting", "Open data"],
        "hours_ago": 3,
        "problem": """
            Every city reports different figures for its reporting app, so nobody can tell
            which approach works best.
        """,
        "proposal": """
            Agree on five indicators (days to fix, reports per 1,000 residents, share of
            reporters told the outcome, duplicates, repeat reporters) and publish them the
            same way.
        """,
        "votes": [CLAIRE],
    },
]


def _path(states: list[str]) -> list[str]:
    return [OPEN, *states]


def _propose(spec: dict, members: dict[str, User], topics: dict[str, Topic], now: datetime):
    """The idea, its votes and discussion, dated as if proposed `hours_ago`."""
    start = now - timedelta(hours=spec["hours_ago"])
    author = members[spec["author"]]
    idea = services.propose_idea(
        author=author,
        title=spec["title"],
        problem=text(spec["problem"], members),
        proposal=text(spec["proposal"], members),
        benefit=text(spec.get("benefit", ""), members),
        who_might_try=text(spec.get("who_might_try", ""), members),
        topics=[topics[name] for name in spec["topics"]],
    )
    decisions = spec.get("decisions", [])
    # Votes come in before the first decision closes voting (or until now).
    voting_ends = start + timedelta(hours=decisions[0][1]) if decisions else now
    voters = spec["votes"]
    for n, email in enumerate(voters, start=1):
        services.vote_for_idea(idea_id=idea.pk, member=members[email])
        voted_at = start + (voting_ends - start) * n / (len(voters) + 1)
        IdeaVote.objects.filter(idea=idea, member=members[email]).update(created_at=voted_at)
    if spec.get("comments"):
        play_thread(idea.item, spec["comments"], members, start=start)
    Item.objects.filter(pk=idea.pk).update(created_at=start, published_at=start, updated_at=start)
    IdeaEvent.objects.filter(idea=idea).update(created_at=start)
    idea.refresh_from_db()
    # The ranking is fixed when the idea is proposed or voted for: recompute it for its date.
    Idea.objects.filter(pk=idea.pk).update(
        state_changed_at=start, hot_score=services.hot_score(idea.vote_count, start)
    )
    return idea


def _decide(idea: Idea, spec: dict, moderator: User, now: datetime) -> int:
    """The moderator's decisions not taken yet, each dated `hours` after the proposal.
    Returns how many were taken."""
    path = _path([state for state, _hours, _reason in spec.get("decisions", [])])
    if idea.state not in path:
        return 0  # moved by hand since: the demo leaves it alone
    taken = 0
    for state, hours, reason in spec["decisions"][path.index(idea.state) :]:
        idea = services.move_idea(idea_id=idea.pk, to=state, by=moderator, reason=reason)
        decided_at = min(idea.item.created_at + timedelta(hours=hours), now)
        IdeaEvent.objects.filter(idea=idea, to_state=state).update(created_at=decided_at)
        Idea.objects.filter(pk=idea.pk).update(state_changed_at=decided_at)
        taken += 1
    return taken


def seed_ideas(members: dict[str, User], stdout) -> None:
    """Add the demo ideas that are missing and take the moderator's decisions not yet taken;
    run it as often as you like. `members` are the demo members by email."""
    members = current_members(members)
    now = timezone.now()
    topics = {topic.name: topic for topic in Topic.objects.all()}
    moderator = members[MODERATOR]
    moderator_may = can_moderate(moderator)
    proposed = decided = 0
    for spec in IDEAS:
        idea = (
            Idea.objects.select_related("item")
            .filter(item__kind=ItemKind.IDEA, item__title=spec["title"])
            .first()
        )
        before = newest_notification_pk()
        if idea is None:
            idea = _propose(spec, members, topics, now)
            proposed += 1
        if moderator_may and spec.get("decisions"):
            decided += _decide(idea, spec, moderator, now)
        if spec.get("implemented_by") and idea.implemented_by_id is None:
            practice = published_contribution(spec["implemented_by"])
            if practice is not None:
                # The idea's author says which contribution came of it.
                services.link_outcome(
                    idea_id=idea.pk, by=members[spec["author"]], practice_item_id=practice.pk
                )
        read_as_history(before, now - timedelta(hours=spec["hours_ago"]))
    if not moderator_may:
        stdout.write(
            "The ideas' state changes were skipped: the demo moderator needs two-factor "
            "authentication when REQUIRE_MFA_FOR_STAFF is on. They are made on the next run "
            "without it."
        )
    by_state = dict.fromkeys(IdeaState.values, 0)
    for state in Idea.objects.values_list("state", flat=True):
        by_state[state] += 1
    stdout.write(
        f"Demo ideas: {proposed} proposed and {decided} decisions added; "
        f"{sum(by_state.values())} ideas in all ("
        + ", ".join(f"{IdeaState(state).label.lower()} {n}" for state, n in by_state.items())
        + f"), {IdeaVote.objects.count()} votes, "
        f"{Comment.objects.filter(item__kind=ItemKind.IDEA, removed_at__isnull=True).count()} "
        "comments."
    )
