"""Demo conversation for `seed_demo`: lively discussions under published contributions, and
questions to the community with answers, votes and accepted answers.

Idempotent (a discussion is keyed on its first comment, a question on its title) and written
only through the services, so counters, citations, mentions and notifications are real. The
people and places are the demo's; the stories and figures are illustrative.
"""

import re
from datetime import datetime, timedelta
from inspect import cleandoc
from typing import NamedTuple

from django.utils import timezone
from django.utils.text import slugify

from govcommons.accounts.models import User
from govcommons.core.models import Item, ItemKind, ItemStatus
from govcommons.notifications.models import Notification
from govcommons.notifications.services import mark_read
from govcommons.taxonomy.models import Topic

from . import services
from .models import Answer, AnswerVote, Comment, Question, QuestionVote

ADMIN = "admin@govcommons.example"
MODERATOR = "moderator@govcommons.example"
CLAIRE = "claire.martin@lyon.fr"
AINO = "aino.virtanen@hel.fi"
JORDI = "jordi.puig@bcn.cat"
PRIYA = "priya.shah@health.gov.example"
KADRI = "kadri.tamm@tallinnlv.ee"
ELENA = "elena.ferraro@opsi.example"
SAM = "sam.taylor@example.org"
LUCIA = "lucia.romano@example.net"
MARC = "marc.dubois@example.com"

# "@{kadri}" in a demo text becomes the member's real handle (handles come from display names
# and may carry a suffix, so they are read from the database, never guessed).
MENTION_PLACEHOLDER_RE = re.compile(r"@\{(\w+)\}")
MENTIONABLE = {
    "claire": CLAIRE,
    "aino": AINO,
    "jordi": JORDI,
    "priya": PRIYA,
    "kadri": KADRI,
    "elena": ELENA,
    "sam": SAM,
    "lucia": LUCIA,
    "marc": MARC,
}

# Notices about history older than this are read already; newer ones wait under the bell.
UNREAD_FOR = timedelta(days=2)


# --- Threads: the same steps for a contribution's, a question's or an idea's discussion --------


class Say(NamedTuple):
    """Post a comment (a reply when `reply_to` names an earlier one); `hours` after the item
    was published, when the item's dates are the demo's to choose."""

    key: str
    author: str
    body: str
    reply_to: str | None = None
    useful: tuple[str, ...] = ()
    hours: float | None = None


class Edit(NamedTuple):
    key: str
    body: str


class Remove(NamedTuple):
    """The author removes the comment (with replies, "comment removed" stays in its place)."""

    key: str


class MarkAnswer(NamedTuple):
    """The item's author marks the comment that answered a question asked in the discussion."""

    key: str


def text(body: str, members: dict[str, User]) -> str:
    """The demo text as a member would type it, with real @handles."""
    return MENTION_PLACEHOLDER_RE.sub(
        lambda match: "@" + members[MENTIONABLE[match.group(1)]].handle, cleandoc(body)
    )


def has_thread(item: Item, thread: list, members: dict[str, User]) -> bool:
    """The thread's first comment is there: the discussion was seeded before."""
    first = next(step for step in thread if isinstance(step, Say))
    return Comment.objects.filter(
        item=item, author=members[first.author], body=text(first.body, members)
    ).exists()


def play_thread(
    item: Item, thread: list, members: dict[str, User], start: datetime | None = None
) -> int:
    """Run the steps of a discussion through the services; with `start`, date each comment
    `hours` after it. Returns how many comments were posted."""
    posted: dict[str, Comment] = {}
    dated: list[tuple[int, datetime]] = []
    for step in thread:
        if isinstance(step, Say):
            parent = posted[step.reply_to] if step.reply_to else None
            comment = services.post_comment(
                item_id=item.pk,
                author=members[step.author],
                body=text(step.body, members),
                parent_id=parent.pk if parent else None,
            )
            posted[step.key] = comment
            for email in step.useful:
                services.set_useful(comment_id=comment.pk, member=members[email], useful=True)
            if start is not None and step.hours is not None:
                dated.append((comment.pk, start + timedelta(hours=step.hours)))
        elif isinstance(step, Edit):
            comment = posted[step.key]
            services.edit_comment(
                comment_id=comment.pk,
                editor=comment.author,
                body=text(step.body, members),
                version=comment.version,
            )
        elif isinstance(step, Remove):
            comment = posted[step.key]
            services.remove_comment(comment_id=comment.pk, by=comment.author)
        elif isinstance(step, MarkAnswer):
            services.mark_answer(comment_id=posted[step.key].pk, by=item.author, is_answer=True)
    now = timezone.now()
    for pk, when in dated:
        Comment.objects.filter(pk=pk).update(created_at=min(when, now))
    return len(posted)


def current_members(members: dict[str, User]) -> dict[str, User]:
    """The demo members as stored now: granting a role or verifying a member updates the row,
    not the objects seed_demo holds (a moderator created in this run would not yet be one)."""
    return {member.email: member for member in User.objects.filter(email__in=list(members))}


def newest_notification_pk() -> int:
    return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def read_as_history(after_pk: int, happened_at: datetime) -> None:
    """Notices from demo history older than UNREAD_FOR are read already, as on a living site;
    the recent ones wait under the bell."""
    if timezone.now() - happened_at < UNREAD_FOR:
        return
    notices = Notification.objects.filter(pk__gt=after_pk, read_at__isnull=True)
    for notice in notices.select_related("recipient"):
        mark_read(member=notice.recipient, notification_id=notice.pk)


# --- Discussions under published contributions ---------------------------------------------

POTHOLES = "Fixing potholes in 6 days with a citizen reporting app"
BUDGETING = "Participatory budgeting in Barcelona: €30 million decided by residents"
TRIAGE = "Cutting outpatient waiting times with clinical triage of referrals"
SCHOOL_TRANSPORT = "Innovation procurement in Tallinn: buying outcomes for school transport"
OPEN_DATA_API = "Helsinki open data API: one catalogue for 600 city datasets"
GUIDE_311 = "Guide: launching a 311 reporting service in 12 weeks"
WAITING_DATA = "Publishing weekly waiting-list data as open data"
ASSEMBLY = "Asamblea ciudadana por sorteo sobre la emergencia climática"
REPAIRABLE = "Marchés publics : une clause de réparabilité pour le mobilier urbain"
RETROFITS = "Energy retrofits of 120 schools through an energy performance contract"
SUPERBLOCKS = "Superblocks: giving street space back to people"
OPEN_CONTRACTING = "Open contracting: every contract above €10,000 published in OCDS"

# Contribution title -> the steps of its discussion, and the slow mode its author sets after.
DISCUSSIONS: list[dict] = [
    {
        "contribution": POTHOLES,
        "thread": [
            Say(
                "kadri-asks",
                KADRI,
                """
                Thanks for being so precise about the costs. One thing I could not work out:
                how did you buy the platform without a tender? €95,000 is above our threshold
                for a direct award in Tallinn, so our legal team would insist on at least a
                mini-competition.
                """,
            ),
            Say(
                "marc-framework",
                MARC,
                """
                The framework is ours: the Métropole tendered it in 2019, with hosting and
                integration of open source software as one lot, and every commune in the
                Métropole can place call-off orders under it. Lyon's order was a call-off, so
                the competition happened once, at framework level. The catch is that the
                framework ends in 2027.
                """,
                reply_to="kadri-asks",
                useful=(KADRI, LUCIA, SAM),
            ),
            Say(
                "lucia-adesione",
                LUCIA,
                """
                Same logic as an *adesione* to a national framework in Italy. @{kadri}, if
                Tallinn has no framework of its own, check whether a central purchasing body
                already covers hosting: it can save you months.
                """,
                reply_to="kadri-asks",
            ),
            Say(
                "claire-reference",
                CLAIRE,
                """
                Marc has it right. I have added the framework reference to the costs section
                so that the next city does not have to ask.
                """,
                reply_to="kadri-asks",
            ),
            Say(
                "aino-merge",
                AINO,
                """
                We adapted this for street faults in Helsinki last spring. The routing rules
                were the hard part, not the app. @{jordi}, this is the duplicate-merging rule I
                mentioned when we talked about the Gràcia pilot.
                """,
                useful=(JORDI,),
            ),
            Say(
                "jordi-radius",
                JORDI,
                """
                > Duplicates within 30 metres are merged and the reporters are all kept
                > informed.

                We started with 30 metres in Gràcia and had to go down to 15: the streets are
                so narrow that two different broken lamps were often merged into one report.
                The right radius depends on the street grid; worth a line in the lessons.
                """,
                reply_to="aino-merge",
                useful=(AINO, CLAIRE),
            ),
            Say(
                "sam-figure",
                SAM,
                """
                Is the 96% "told the outcome" figure measured on all reports, or only on those
                where the resident left an email address?
                """,
            ),
            Edit(
                "sam-figure",
                """
                Is the 96% "told the outcome" figure measured on all reports, or only on those
                where the resident left an email address?

                *Edit: the outcome notes say it covers all reports made in the app. Leaving
                the question here in case the phone reports are counted differently.*
                """,
            ),
            Say(
                "claire-phone",
                CLAIRE,
                """
                All reports, including those made by phone: the app notifies by push when
                there is no email address. The missing 4% are phone reports where the caller
                did not want to be contacted again.
                """,
                reply_to="sam-figure",
                useful=(SAM,),
            ),
            Say(
                "priya-photo",
                PRIYA,
                """
                The crews' "after" photo is the lesson I will take away. We saw the same with
                hospital complaints: a short reply showing what actually changed did more for
                trust than any satisfaction survey.
                """,
                useful=(CLAIRE, AINO, ELENA),
            ),
            Say(
                "elena-adaptation",
                ELENA,
                """
                Six adoptions in six countries: this is one of the most reused case studies on
                GovCommons. @{kadri}, would Tallinn write up the connection to the 1345 line as
                an adaptation? Cities that already run a helpline keep asking how that part
                works.
                """,
            ),
            Say(
                "kadri-yes",
                KADRI,
                """
                Happy to. Our helpline team has the figures for the first year; I will draft
                it next month.
                """,
                reply_to="elena-adaptation",
            ),
            MarkAnswer("marc-framework"),
        ],
    },
    {
        "contribution": BUDGETING,
        "thread": [
            Say(
                "marc-token",
                MARC,
                """
                €30 million sounds impressive, but isn't that barely 1% of the city's budget?
                From the outside it looks like a token exercise that keeps residents busy while
                the real decisions are made elsewhere.
                """,
            ),
            Say(
                "jordi-share",
                JORDI,
                """
                It is 1.1% of the total budget, but the total includes salaries, debt and the
                services the city must run by law. Of the money the districts can actually
                decide on for new investment, it is about 40%. We show both figures on the
                results page for exactly this reason.
                """,
                reply_to="marc-token",
                useful=(ELENA, SAM, AINO),
            ),
            Say(
                "elena-built",
                ELENA,
                """
                For comparison, most programmes we know of spend between 0.5% and 5% of the
                total budget. What matters more is whether the winning projects get built:
                Jordi, what share of the 2020 projects are finished?
                """,
                reply_to="marc-token",
            ),
            Say(
                "jordi-tracker",
                JORDI,
                """
                Of the 76 winning projects, 46 were finished within two years, 21 are under
                construction and 9 are delayed, mostly by building permits. The public tracker
                is updated every month.
                """,
                reply_to="marc-token",
                useful=(MARC, ELENA),
            ),
            Remove("marc-token"),
            Say(
                "marc-retracts",
                MARC,
                """
                I removed my earlier comment: I had compared the programme with the whole
                budget rather than the investment budget, and Jordi's figures answer my point.
                The public tracker is the part I would copy first.
                """,
            ),
            Say(
                "aino-capture",
                AINO,
                """
                How do you stop the same well-organised groups from winning every year? In
                Helsinki's first round, three neighbourhood associations with a strong social
                media presence won most of the money in their districts.
                """,
            ),
            Say(
                "jordi-cap",
                JORDI,
                """
                Two things helped: a cap of two winning projects per proposer per district, and
                voting points in the neighbourhoods with the lowest turnout (markets, health
                centres, school gates). Turnout in the five lowest districts went from 4% to 9%.
                """,
                reply_to="aino-capture",
                useful=(AINO, LUCIA),
            ),
            Say(
                "lucia-quote",
                LUCIA,
                """
                > voting points in the neighbourhoods with the lowest turnout

                This is the part I would like to read more about. Were they staffed by city
                employees or by local associations?
                """,
                reply_to="aino-capture",
            ),
            Say(
                "sam-evaluation",
                SAM,
                """
                For anyone comparing programmes: the university evaluation published in 2022
                is worth reading alongside this case study. It confirms the turnout figures and
                is candid about the delays.
                """,
                useful=(JORDI,),
            ),
        ],
    },
    {
        "contribution": TRIAGE,
        # Heated: the author slows the discussion down once it is seeded.
        "slow_mode_minutes": 15,
        "thread": [
            Say(
                "sam-closed-door",
                SAM,
                """
                Triage of referrals sounds sensible, but the 14% of referrals answered with
                advice instead of an appointment worries me. For a patient, that is a closed
                door. How many of them came back?
                """,
            ),
            Say(
                "priya-follow-up",
                PRIYA,
                """
                A fair challenge. We followed every one of them for a year: 3.5% came back as a
                new referral, and fewer than 1% went to the emergency department with the same
                problem. We publish both numbers every quarter, and the clinical leads review
                every emergency case.
                """,
                reply_to="sam-closed-door",
                useful=(SAM, ELENA),
            ),
            Say(
                "elena-reviewers",
                ELENA,
                """
                The follow-up of returned referrals is exactly what the reviewers asked for;
                good to see it discussed in the open.
                """,
                reply_to="sam-closed-door",
            ),
            Say(
                "aino-letter",
                AINO,
                """
                From the GP side the complaint is usually not the triage but the advice letter:
                it arrives two weeks later, when the patient has already been told to wait. Did
                you change how fast the advice goes back?
                """,
            ),
            Say(
                "priya-five-days",
                PRIYA,
                """
                Yes: the advice now goes back electronically within five working days, and the
                GP gets the name of a consultant to call. It took us a year to get there.
                """,
                reply_to="aino-letter",
                useful=(AINO,),
            ),
            Say(
                "jordi-statistics",
                JORDI,
                """
                An honest question, not an accusation: how do you make sure triage is not a
                way to make the waiting list look shorter? Patients returned with advice
                disappear from the statistics.
                """,
            ),
            Say(
                "priya-counted",
                PRIYA,
                """
                They do not disappear: the weekly figures show returned referrals as a separate
                line, and when a patient is referred again the wait is counted from the first
                referral. @{sam}, this answers part of your question too.
                """,
                reply_to="jordi-statistics",
                useful=(JORDI, SAM, MARC),
            ),
            Say(
                "sam-thanks",
                SAM,
                """
                Thanks, that is the detail I was missing. Counting from the first referral is
                the right call.
                """,
                reply_to="jordi-statistics",
            ),
            Say(
                "priya-slow",
                PRIYA,
                """
                I have turned on slow mode for a while (one comment every 15 minutes each): the
                discussion is useful but moving fast, and I would like our clinical leads to
                have time to reply.
                """,
            ),
        ],
    },
    {
        "contribution": SCHOOL_TRANSPORT,
        "thread": [
            Say(
                "lucia-on-time",
                LUCIA,
                """
                Paying for outcomes (children at school on time) instead of vehicle-kilometres
                is brave. How did you define "on time" in the contract, and who measures it?
                """,
            ),
            Say(
                "kadri-window",
                KADRI,
                """
                At school between 7:45 and 8:00, and at most 45 minutes on board, measured from
                the vehicles' GPS data and checked monthly against the schools' attendance logs.
                The contract annex is in English on our website. @{claire}, this is the clause
                you asked about at the Lisbon meeting.
                """,
                reply_to="lucia-on-time",
                useful=(LUCIA, CLAIRE),
            ),
            Say(
                "claire-small-operators",
                CLAIRE,
                """
                We re-tender our school transport next year. Did small operators manage to
                bid, or did payment by outcome favour the large companies?
                """,
            ),
            Say(
                "kadri-lots",
                KADRI,
                """
                Four bids, two of them from small local operators, and one of those won the
                northern lot. We split the contract into three lots on purpose and allowed
                joint bids.
                """,
                reply_to="claire-small-operators",
                useful=(CLAIRE, MARC),
            ),
            Say(
                "marc-lots",
                MARC,
                """
                Same experience with lots in our public transport tenders: without them, only
                the two national groups bid.
                """,
                reply_to="claire-small-operators",
            ),
            Say(
                "sam-baseline",
                SAM,
                """
                One for the evidence: the 18% lower cost per pupil is measured against the
                previous contract's final year, which included a fuel price spike. A comparison
                with the two years before would make the figure more convincing.
                """,
                useful=(ELENA, KADRI),
            ),
            Say(
                "kadri-baseline",
                KADRI,
                "Fair point. I will add 2019 and 2020 to the outcomes.",
                reply_to="sam-baseline",
            ),
        ],
    },
    {
        "contribution": OPEN_DATA_API,
        "thread": [
            Say(
                "priya-owner",
                PRIYA,
                """
                We reused your catalogue structure for our weekly waiting-list data. Naming one
                owner per dataset, on the dataset's page, made the difference.
                """,
                useful=(AINO,),
            ),
            Say(
                "jordi-licence",
                JORDI,
                """
                Barcelona is adapting this. Which licence did you choose for the API itself,
                and do you limit anonymous use?
                """,
            ),
            Say(
                "aino-licence",
                AINO,
                """
                CC BY 4.0 for the data. The API needs no key below 100 requests a minute and a
                free key above that; so far only our own test scripts have hit the limit.
                """,
                reply_to="jordi-licence",
                useful=(JORDI,),
            ),
        ],
    },
]


def published_contribution(title: str) -> Item | None:
    return Item.objects.filter(
        kind=ItemKind.PRACTICE, slug=slugify(title)[:180], status=ItemStatus.PUBLISHED
    ).first()


def practice_path(title: str) -> str:
    """The address an answer links to, which makes it cite the contribution."""
    return f"/practices/{slugify(title)[:180]}/"


def _seed_contribution_discussions(members: dict[str, User]) -> int:
    added = 0
    for spec in DISCUSSIONS:
        item = published_contribution(spec["contribution"])
        if item is None or has_thread(item, spec["thread"], members):
            continue
        play_thread(item, spec["thread"], members)
        if spec.get("slow_mode_minutes"):
            services.set_discussion_options(
                item_id=item.pk,
                by=item.author,
                locked=False,
                slow_mode_minutes=spec["slow_mode_minutes"],
            )
        added += 1
    return added


# --- Questions and answers ------------------------------------------------------------------

QUESTIONS: list[dict] = [
    {
        "title": "Has any city procured a 311 app under 100k EUR?",
        "asker": LUCIA,
        "topics": ["Citizen reporting", "Innovation procurement"],
        "days_ago": 24,
        "body": """
            Our national office is asked by several small municipalities (20,000 to 80,000
            residents) for a reporting app: potholes, lights, illegal dumping. Their budgets
            are around €80,000 including the first year of hosting. Is that realistic, and
            which procurement route did you use?
        """,
        "votes": {"up": [CLAIRE, KADRI, MARC, SAM, AINO]},
        "answers": [
            {
                "key": "claire",
                "author": CLAIRE,
                "hours": 3,
                "body": f"""
                    Lyon paid €95,000 for hosting and integration, but most of that was the
                    connection to our work-order system. The platform itself is open source.
                    We bought it as a call-off from the Métropole's framework, so there was no
                    new tender. Details and figures in
                    [our case study]({practice_path(POTHOLES)}).

                    For a town of 50,000 without a work-order system to connect, €80,000 is
                    realistic if you reuse an open source platform and start with five request
                    types.
                """,
                "up": [LUCIA, KADRI, AINO, MARC, ELENA],
            },
            {
                "key": "kadri",
                "author": KADRI,
                "hours": 9,
                "body": """
                    Tallinn connected its existing 1345 helpline to a reporting app for about
                    €60,000, through an open procedure with a ten-day market consultation
                    first. Two of the five bidders proposed hosted open source platforms; the
                    consultation is what brought them in.
                """,
                "up": [LUCIA, CLAIRE, SAM],
            },
            {
                "key": "sam",
                "author": SAM,
                "hours": 20,
                "body": """
                    Why procure at all? Several commercial apps are free for municipalities and
                    earn money from advertising.
                """,
                "down": [LUCIA, KADRI, PRIYA],
                "up": [MARC],
            },
            {
                "key": "aino",
                "author": AINO,
                "hours": 30,
                "body": f"""
                    Helsinki reused [Lyon's platform]({practice_path(POTHOLES)}) for street
                    faults, so our cost was mostly configuration and training: about €70,000.
                    The
                    [implementation guide]({practice_path(GUIDE_311)}) has a 12-week plan
                    that small towns can shorten.
                """,
                "up": [LUCIA, CLAIRE],
            },
        ],
        "accept": "claire",
        "comments": [
            Say(
                "kadri-vat",
                KADRI,
                "Does the €80,000 include VAT? It changes the procedure in most countries.",
                hours=2,
            ),
            Say(
                "lucia-vat",
                LUCIA,
                "Excluding VAT. I should have said so in the question.",
                reply_to="kadri-vat",
                hours=4,
            ),
        ],
    },
    {
        "title": "How do you keep open datasets up to date once the project team has left?",
        "asker": MARC,
        "topics": ["Open data"],
        "days_ago": 19,
        "body": """
            We published 40 datasets during a two-year mobility project. The project ended,
            and a year later half of them are out of date. How do other cities keep datasets
            alive after the launch?
        """,
        "votes": {"up": [AINO, PRIYA, SAM, JORDI]},
        "answers": [
            {
                "key": "aino",
                "author": AINO,
                "hours": 5,
                "body": f"""
                    Name one owner per dataset, in the department that produces the data, not
                    in the project team, and show the owner and the last update date on the
                    dataset's page. Anything not updated for a year is flagged automatically.
                    See [how Helsinki does it]({practice_path(OPEN_DATA_API)}).
                """,
                "up": [MARC, PRIYA, SAM, JORDI],
            },
            {
                "key": "priya",
                "author": PRIYA,
                "hours": 26,
                "body": f"""
                    Automate the export from the system of record. Our
                    [weekly waiting-list data]({practice_path(WAITING_DATA)}) is published by
                    a scheduled job; nobody has to remember to do it.
                """,
                "up": [AINO, MARC],
            },
            {
                "key": "sam",
                "author": SAM,
                "hours": 50,
                "body": """
                    Also consider retiring datasets. Telling users that a dataset is no longer
                    maintained is better than leaving it to rot.
                """,
                "up": [MARC],
            },
        ],
        "accept": "aino",
    },
    {
        "title": "What response rate should we expect when inviting residents by lottery?",
        "asker": CLAIRE,
        "topics": ["Citizen assemblies"],
        "days_ago": 15,
        "body": """
            Lyon is preparing a citizen assembly of 60 people on the use of public space. How
            many invitations should we send to fill 60 seats with a balanced group?
        """,
        "votes": {"up": [JORDI, ELENA, MARC]},
        "answers": [
            {
                "key": "jordi",
                "author": JORDI,
                "hours": 4,
                "body": f"""
                    Plan for 3 to 5% acceptance. We sent 10,000 letters for 100 seats and had
                    412 volunteers, then drew the final group from them by age, gender,
                    district and education. Paying members for their time lifted the response
                    among young people the most. More in
                    [our assembly case study]({practice_path(ASSEMBLY)}).
                """,
                "up": [CLAIRE, ELENA, MARC, AINO],
            },
            {
                "key": "elena",
                "author": ELENA,
                "hours": 28,
                "body": """
                    Across the assemblies we have looked at, acceptance ranged from 2% to 7%.
                    A second letter to those who did not answer adds one or two points.
                """,
                "up": [CLAIRE],
            },
        ],
        "accept": "jordi",
    },
    {
        "title": "Can a tender require spare parts for ten years without limiting competition?",
        "asker": KADRI,
        "topics": ["Green procurement"],
        "days_ago": 12,
        "body": """
            We want to buy street furniture that can be repaired. Our lawyers worry that a
            ten-year spare parts requirement will exclude smaller manufacturers.
        """,
        "votes": {"up": [LUCIA, CLAIRE]},
        "answers": [
            {
                "key": "claire",
                "author": CLAIRE,
                "hours": 6,
                "body": f"""
                    Make it an award criterion rather than a requirement: Lyon scored spare
                    parts availability at 20% of the mark, and ran a sourcing round with eight
                    manufacturers before publishing. We received five bids instead of two. The
                    [case study]({practice_path(REPAIRABLE)}) is in French; I can help with a
                    translation of the clause.
                """,
                "up": [KADRI, LUCIA, MARC],
            },
            {
                "key": "lucia",
                "author": LUCIA,
                "hours": 11,
                "body": """
                    The EU directives allow life-cycle criteria as long as they are linked to
                    the subject matter of the contract, and spare parts clearly are. Ask for a
                    price list of parts in the offer, so that the promise can be enforced.
                """,
                "up": [KADRI, CLAIRE],
            },
        ],
        "accept": "claire",
    },
    {
        "title": "Energy performance contracts for schools: who carried the risk of low savings?",
        "asker": MARC,
        "topics": ["Energy efficiency"],
        "days_ago": 9,
        "body": """
            If the guaranteed savings are not reached, does the contractor really pay? And how
            do you measure savings in a winter that is warmer than the baseline?
        """,
        "votes": {"up": [AINO, KADRI]},
        "answers": [
            {
                "key": "aino",
                "author": AINO,
                "hours": 3,
                "body": f"""
                    Yes: the contractor pays the difference every year, and did so for 7 of
                    our 120 schools in the first year. Savings are corrected for degree-days
                    by an independent verifier using the IPMVP protocol. See the
                    [school retrofits case study]({practice_path(RETROFITS)}).
                """,
                "up": [MARC, KADRI, LUCIA],
            },
            {
                "key": "kadri",
                "author": KADRI,
                "hours": 20,
                "body": """
                    Put the verification in a separate contract. If the contractor pays the
                    verifier, every dispute about the baseline becomes harder.
                """,
                "up": [MARC, AINO],
            },
        ],
        "accept": "aino",
    },
    {
        "title": "How did Barcelona keep deliveries and emergency access in the superblocks?",
        "asker": MARC,
        "topics": ["Mobility", "Public space"],
        "days_ago": 6,
        "body": """
            Our elected members like the idea, but the fire service and shopkeepers are
            worried. What did you agree with them before the first superblock opened?
        """,
        "votes": {"up": [CLAIRE, JORDI, AINO, ELENA]},
        "answers": [
            {
                "key": "jordi",
                "author": JORDI,
                "hours": 2,
                "body": f"""
                    Emergency vehicles and deliveries can enter every street at 10 km/h;
                    only through traffic is removed. We walked every street with the fire
                    service before the first one opened, and delivery windows were agreed
                    street by street with the shops. The
                    [superblocks practice]({practice_path(SUPERBLOCKS)}) has the full list.
                """,
                "up": [MARC, CLAIRE, AINO],
            },
            {
                "key": "claire",
                "author": CLAIRE,
                "hours": 7,
                "body": """
                    Lyon did the same for its school streets: a walk with the fire service and
                    removable barriers they can open themselves. It settled most of the
                    objections.
                """,
                "up": [MARC],
            },
        ],
        "accept": "jordi",
    },
    {
        "title": "Which indicators besides the median wait do you publish for outpatient care?",
        "asker": SAM,
        "topics": ["Waiting times", "Health data"],
        "days_ago": 4,
        "body": """
            The median wait hides the patients who wait longest. What else do health
            authorities publish, and how often?
        """,
        "votes": {"up": [PRIYA, ELENA]},
        "answers": [
            {
                "key": "priya",
                "author": PRIYA,
                "hours": 5,
                "body": f"""
                    We publish the 92nd percentile, the number waiting over 52 weeks, and the
                    share of referrals returned with advice, every week and by specialty.
                    The [triage practice]({practice_path(TRIAGE)}) explains why the last one
                    matters.
                """,
                "up": [SAM, ELENA, JORDI],
            },
            {
                "key": "elena",
                "author": ELENA,
                "hours": 30,
                "body": """
                    Several Nordic regions also publish the share of patients seen within
                    the legal guarantee, which is what residents actually ask about.
                """,
                "up": [SAM],
            },
        ],
        # Answered, not yet accepted: Sam is still comparing.
    },
    {
        "title": "Does anyone publish contract amendments in OCDS, or only the award?",
        "asker": SAM,
        "topics": ["Open contracting"],
        "days_ago": 3,
        "body": """
            Most portals I have looked at stop at the award. Amendments are where the price
            changes. Who publishes them, and how?
        """,
        "votes": {"up": [LUCIA, KADRI]},
        "answers": [
            {
                "key": "lucia",
                "author": LUCIA,
                "hours": 8,
                "body": f"""
                    We publish every amendment above €10,000 as an OCDS release with the
                    amended value and the reason. It took a change to the contract management
                    system, not just the portal. See
                    [our open contracting story]({practice_path(OPEN_CONTRACTING)}).
                """,
                "up": [SAM, KADRI],
            },
        ],
    },
    {
        "title": "Has anyone run a DPIA for a chatbot built on a large language model?",
        "asker": PRIYA,
        "topics": ["Health data", "Service design"],
        "days_ago": 1,
        "body": """
            We are asked to assess a chatbot that answers questions about waiting lists. Our
            DPIA template was written for forms and case files. What did you add for a
            language model: prompts, logs, the supplier's training on our data?
        """,
        "votes": {"up": [AINO, ELENA, SAM, JORDI]},
        "answers": [],
        "comments": [
            Say(
                "aino-following",
                AINO,
                """
                Following. Helsinki starts the same work in the autumn; I will share what our
                data protection officer asks for.
                """,
                hours=5,
            ),
            Say(
                "elena-chatbot-case",
                ELENA,
                """
                Not a DPIA, but the permit chatbot case study on GovCommons (members only)
                covers what went wrong with logs and escalation. @{priya}, worth a read before
                you start.
                """,
                hours=9,
            ),
        ],
    },
    {
        "title": "How do you budget for accessibility audits of online forms?",
        "asker": LUCIA,
        "topics": ["Service design"],
        "hours_ago": 20,
        "body": """
            We are writing the budget for a programme that will put 30 forms online. How much
            should we set aside for accessibility audits, and do you audit every form or a
            sample?
        """,
        "votes": {"up": [SAM]},
        "answers": [],
    },
]


def _question_start(spec: dict, now: datetime) -> datetime:
    if "hours_ago" in spec:
        return now - timedelta(hours=spec["hours_ago"])
    return now - timedelta(days=spec["days_ago"])


def _ask(spec: dict, members: dict[str, User], topics: dict[str, Topic], now: datetime) -> Question:
    """The question, its answers, votes, the accepted answer and its comments; then dated as
    if it happened over the days since `days_ago`."""
    start = _question_start(spec, now)
    asker = members[spec["asker"]]
    question = services.ask_question(
        author=asker,
        title=spec["title"],
        body=text(spec["body"], members),
        topics=[topics[name] for name in spec["topics"]],
    )
    answers: dict[str, Answer] = {}
    last = start
    for answer_spec in spec["answers"]:
        answer = services.post_answer(
            question_id=question.pk,
            author=members[answer_spec["author"]],
            body=text(answer_spec["body"], members),
        )
        answers[answer_spec["key"]] = answer
        answered_at = min(start + timedelta(hours=answer_spec["hours"]), now)
        Answer.objects.filter(pk=answer.pk).update(created_at=answered_at)
        last = max(last, answered_at)
        for value, voters in ((1, answer_spec.get("up", [])), (-1, answer_spec.get("down", []))):
            for n, email in enumerate(voters, start=1):
                services.vote_on_answer(answer_id=answer.pk, member=members[email], value=value)
                AnswerVote.objects.filter(answer=answer, member=members[email]).update(
                    created_at=min(answered_at + timedelta(hours=n * 3), now)
                )
    for value, voters in ((1, spec["votes"].get("up", [])), (-1, spec["votes"].get("down", []))):
        for n, email in enumerate(voters, start=1):
            services.vote_on_question(question_id=question.pk, member=members[email], value=value)
            QuestionVote.objects.filter(question=question, member=members[email]).update(
                created_at=min(start + timedelta(hours=n * 2), now)
            )
    if spec.get("accept"):
        services.accept_answer(
            question_id=question.pk, by=asker, answer_id=answers[spec["accept"]].pk
        )
    if spec.get("comments"):
        play_thread(question.item, spec["comments"], members, start=start)
    Item.objects.filter(pk=question.pk).update(
        created_at=start, published_at=start, updated_at=last
    )
    return question


def _seed_questions(members: dict[str, User], now: datetime) -> int:
    topics = {topic.name: topic for topic in Topic.objects.all()}
    asked = 0
    for spec in QUESTIONS:
        if Item.objects.filter(kind=ItemKind.QUESTION, title=spec["title"]).exists():
            continue
        before = newest_notification_pk()
        _ask(spec, members, topics, now)
        read_as_history(before, _question_start(spec, now))
        asked += 1
    return asked


def seed_discussions(members: dict[str, User], stdout) -> None:
    """Add the demo discussions and questions that are missing; run it as often as you like.
    `members` are the demo members by email, as seed_demo made them."""
    members = current_members(members)
    now = timezone.now()
    discussions = _seed_contribution_discussions(members)
    asked = _seed_questions(members, now)
    questions = Question.objects.filter(item__status=ItemStatus.PUBLISHED)
    shown_comments = Comment.objects.filter(
        removed_at__isnull=True, item__kind__in=[ItemKind.PRACTICE, ItemKind.QUESTION]
    )
    stdout.write(
        f"Demo discussions: {discussions} discussions and {asked} questions added; "
        f"{shown_comments.count()} comments under contributions and questions, "
        f"{questions.count()} questions ({questions.filter(accepted_answer__isnull=False).count()}"
        f" with an accepted answer, {questions.filter(answer_count=0).count()} unanswered), "
        f"{Answer.objects.filter(removed_at__isnull=True).count()} answers in all."
    )
