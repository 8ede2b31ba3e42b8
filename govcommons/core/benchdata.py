"""Generated data for `make bench` (`manage.py seed_bench`): organisations, members, published
contributions with their search documents, revisions, outcomes, adoptions, peer reviews,
comments, "useful" votes and notifications, in plausible proportions, reproducibly from a seed.

Contributions and their search documents are written the way bench/search_seed.py writes them
(its text generator and its bulk loaders: executemany on SQLite, COPY on PostgreSQL, secondary
indexes made again after the load); every other row goes in with bulk_create, in the same
transaction as its contributions, batch by batch. Popularity follows a Zipf law: a few
contributions draw thousands of comments, most draw a handful or none.
"""

import importlib.util
import itertools
import json
import random
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

# Every bench member signs in with this password (one hash, computed once). The bench
# database is thrown away after each run; seed_bench refuses to run with DEBUG off unless
# told --force, as seed_demo does.
BENCH_PASSWORD = "bench-password"  # noqa: S105
BATCH = 1_000  # contributions per transaction
BULK = 2_000  # rows per INSERT statement of bulk_create


class AlreadySeededError(Exception):
    """The database holds bench data already: seed_bench needs a fresh one."""


@dataclass(frozen=True)
class Scale:
    contributions: int
    comments: int
    members: int
    organizations: int


SCALES = {
    "small": Scale(contributions=10_000, comments=100_000, members=5_000, organizations=300),
    "large": Scale(contributions=100_000, comments=1_000_000, members=50_000, organizations=3_000),
    # For tests: every kind of row, in seconds.
    "tiny": Scale(contributions=60, comments=900, members=40, organizations=12),
}

COUNTRIES = ["FR", "DE", "ES", "IT", "NL", "BE", "FI", "SE", "DK", "EE", "PT", "IE", "GB", "CA"]
KINDS = ["City of", "Municipality of", "Region of", "Ministry of", "Agency for", "Office of"]
PLACES = [
    "Northbridge", "Eastmoor", "Westfield", "Southvale", "Lakeside", "Rivermouth", "Hillcrest",
    "Oakham", "Stonebury", "Brookhaven", "Fairport", "Kingsreach", "Ashford", "Millbrook",
]  # fmt: skip
SUBJECTS = ["Digital Services", "Public Health", "Mobility", "Procurement", "Housing", "Climate"]
FIRST = [
    "Ana", "Ben", "Chloé", "David", "Elif", "Femi", "Greta", "Hugo", "Ines", "Jonas", "Kaja",
    "Lars", "Marta", "Nils", "Olga", "Paolo", "Rosa", "Sven", "Tereza", "Ugo", "Vera", "Wim",
]  # fmt: skip
LAST = [
    "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Horvat", "Jansen", "Kowalski",
    "Laine", "Moreau", "Novak", "Olsen", "Petit", "Rossi", "Schmidt", "Tamm", "Virtanen",
]  # fmt: skip
JOBS = ["Policy officer", "Service designer", "Data analyst", "Procurement lead", "Urban planner"]

# What comments say, by the contribution's language: sentences joined into 1-4 sentence bodies.
COMMENT_SENTENCES = {
    "en": [
        "Thanks for sharing this, very useful for our team.",
        "How long did the procurement take in the end?",
        "We tried something similar in our region and the hardest part was the data quality.",
        "Did you measure the effect on staff workload as well?",
        "Could you share the template you used for the user interviews?",
        "Great write-up: the lessons learned section is the most valuable part for us.",
        "We are planning a pilot next year and will report back.",
        "What did the licence for the software cost per year?",
        "The budget figures would help other small municipalities decide.",
        "Our legal team asked the same question about data protection.",
        "Is the source code published somewhere?",
        "This matches what we saw: citizens use it if it is simpler than calling.",
    ],
    "fr": [
        "Merci pour ce retour d'expérience très complet.",
        "Combien de temps a pris le marché public au total ?",
        "Nous avons fait un essai similaire, la qualité des données était le point dur.",
        "Avez-vous mesuré l'effet sur la charge de travail des agents ?",
        "Pourriez-vous partager le modèle de cahier des charges ?",
        "La partie sur les difficultés rencontrées est la plus utile pour nous.",
        "Nous lançons une expérimentation l'an prochain et ferons un retour.",
    ],
    "de": [
        "Danke für den ausführlichen Bericht.",
        "Wie lange hat die Ausschreibung insgesamt gedauert?",
        "Wir haben Ähnliches versucht, die Datenqualität war das Hauptproblem.",
        "Haben Sie auch die Auswirkung auf die Arbeitslast gemessen?",
        "Könnten Sie die Vorlage für die Nutzerinterviews teilen?",
    ],
    "es": [
        "Gracias por compartir esta experiencia.",
        "¿Cuánto tiempo llevó la contratación pública?",
        "Probamos algo parecido y la calidad de los datos fue lo más difícil.",
        "¿Midieron también el efecto en la carga de trabajo del personal?",
        "¿Podrían compartir la plantilla de los pliegos?",
    ],
}
OUTCOME_NAMES = [
    ("Processing time", "days"), ("Applications completed online", "%"),
    ("Calls to the helpline", "per month"), ("User satisfaction", "%"),
    ("Cost per case", "EUR"), ("Repeat reports", "%"), ("Time to repair", "days"),
    ("Datasets published", "datasets"), ("Waiting time", "weeks"), ("Energy use", "MWh"),
]  # fmt: skip
ADOPTION_STAGES = [("in_operation", 45), ("piloting", 25), ("planning", 20), ("stopped", 10)]
RECOMMENDATIONS = ["accept", "minor_changes", "major_changes"]
CRITERIA = ["accuracy", "evidence", "transferability", "clarity", "completeness"]


def load_search_seed():
    """bench/search_seed.py as a module: its text generator, row helpers and bulk loaders."""
    path = settings.BASE_DIR / "bench" / "search_seed.py"
    spec = importlib.util.spec_from_file_location("bench_search_seed", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def dates_as_given(*models):
    """bulk_create with the dates we generate: auto_now / auto_now_add would overwrite them."""
    saved = []
    for model in models:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                saved.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def next_id(model) -> int:
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


def in_batches(label: str, model, rows: list, progress) -> None:
    bar = progress(label, len(rows))
    with transaction.atomic():
        for start in range(0, len(rows), BULK):
            model.objects.bulk_create(rows[start : start + BULK])
            bar.update(min(start + BULK, len(rows)))
    if not rows:
        bar.update(0)


# --- Taxonomy, organisations, members ---------------------------------------------------------


def seed_taxonomy() -> None:
    """The sectors and topics of seed_demo (idempotent): the text generator's themes use them."""
    from govcommons.core.management.commands.seed_demo import SECTORS, TOPICS
    from govcommons.taxonomy.models import Sector, Topic

    for name in SECTORS:
        Sector.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    for parent_name, children in TOPICS.items():
        parent, _ = Topic.objects.get_or_create(
            slug=slugify(parent_name), defaults={"name": parent_name}
        )
        for child in children:
            Topic.objects.get_or_create(
                slug=slugify(child), defaults={"name": child, "parent": parent}
            )


def organization_name(rng: random.Random, number: int) -> str:
    kind = rng.choice(KINDS)
    if kind in {"Ministry of", "Agency for", "Office of"}:
        return f"{kind} {rng.choice(SUBJECTS)} {number}"
    return f"{kind} {rng.choice(PLACES)} {number}"


def seed_organizations(rng: random.Random, count: int, progress) -> list[int]:
    """`count` organisations, one in five a department of another. Returns their ids."""
    from govcommons.organizations.models import Organization
    from govcommons.taxonomy.models import LevelOfGovernment, Sector

    sectors = list(Sector.objects.order_by("pk"))
    levels = list(LevelOfGovernment.values)
    top_level = count - count // 5
    in_batches(
        "organisations",
        Organization,
        [
            Organization(
                name=organization_name(rng, number),
                slug=f"bench-organisation-{number:05d}",
                country=rng.choice(COUNTRIES),
                level=rng.choice(levels),
                sector=rng.choice(sectors),
                description="Made by the benchmark seed.",
            )
            for number in range(top_level)
        ],
        progress,
    )
    parents = list(
        Organization.objects.filter(slug__startswith="bench-organisation-")
        .order_by("pk")
        .values_list("pk", "country", "level")
    )
    departments = []
    for number in range(top_level, count):
        parent_id, country, level = rng.choice(parents)
        departments.append(
            Organization(
                name=f"Department of {rng.choice(SUBJECTS)} {number}",
                slug=f"bench-organisation-{number:05d}",
                parent_id=parent_id,
                country=country,
                level=level,
                sector=rng.choice(sectors),
            )
        )
    in_batches("departments", Organization, departments, progress)
    return list(
        Organization.objects.filter(slug__startswith="bench-organisation-")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def seed_members(
    rng: random.Random, count: int, organization_ids: list[int], progress, *, password: str
) -> None:
    """`count` members (40 % verified public servants), each with a confirmed email address,
    all with the same password hash (`password`, hashed once)."""
    from allauth.account.models import EmailAddress

    from govcommons.accounts.models import User, VerificationMethod, VerificationStatus

    now = timezone.now()
    members = []
    for number in range(count):
        verified = rng.random() < 0.4
        members.append(
            User(
                email=f"member{number:05d}@bench.example",
                handle=f"bench-member-{number:05d}",
                display_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                job_title=rng.choice(JOBS),
                organization_id=(
                    rng.choice(organization_ids)
                    if organization_ids and rng.random() < 0.8
                    else None
                ),
                country=rng.choice(COUNTRIES),
                password=password,
                verification_status=(
                    VerificationStatus.VERIFIED if verified else VerificationStatus.UNVERIFIED
                ),
                verification_method=VerificationMethod.DOMAIN if verified else "",
                verified_at=now if verified else None,
                date_joined=now - timedelta(days=rng.randint(0, 9 * 365)),
            )
        )
    in_batches("members", User, members, progress)
    users = User.objects.filter(email__endswith="@bench.example").values_list("pk", "email")
    in_batches(
        "emails",
        EmailAddress,
        [EmailAddress(user_id=pk, email=email, verified=True, primary=True) for pk, email in users],
        progress,
    )


# --- Contributions and everything around them ---------------------------------------------------


class Zipf:
    """Picks among n ranks, rank i with weight 1 / (i + 1) ** s (as search_seed.Zipf, on ids)."""

    def __init__(self, n: int, s: float):
        self.cumulative = list(itertools.accumulate(1 / (i + 1) ** s for i in range(n)))
        self.total = self.cumulative[-1] if n else 0.0

    def rank(self, rng: random.Random) -> int:
        import bisect

        index = bisect.bisect(self.cumulative, rng.random() * self.total)
        return min(index, len(self.cumulative) - 1)


@dataclass
class People:
    """Members as the generator needs them, loaded once."""

    ids: list[int]
    names: dict[int, str]
    verified: list[int]
    organization_names: dict[int, str]
    organization_countries: dict[int, str]


class Generator:
    """Makes one contribution's rows: the search tables' raw rows (search_seed's Batch) and the
    model instances that go in with bulk_create, consistent with each other (counters, the
    search document's text, the review history)."""

    def __init__(self, seed_module, rng: random.Random, ids: dict, writer, people):
        from govcommons.discussions.services import render_body
        from govcommons.taxonomy.models import Sector, Topic

        self.ss = seed_module
        self.rng = rng
        self.ids = ids
        self.writer = writer
        self.people = people
        self.tables = seed_module.Tables()
        self.topic_names = dict(Topic.objects.values_list("slug", "name"))
        self.sector_names = dict(Sector.objects.values_list("slug", "name"))
        # Commenters and voters: a few members are very active, most rarely write.
        shuffled = list(people.ids)
        rng.shuffle(shuffled)
        self.commenters = shuffled
        self.commenter_zipf = Zipf(len(shuffled), 0.8)
        self.editors = people.verified[: max(1, len(people.verified) // 50)] or people.ids[:1]
        # Comment bodies: a pool per language, rendered once as the site renders them.
        self.comment_pool = {}
        for language, sentences in COMMENT_SENTENCES.items():
            bodies = []
            for _ in range(400):
                count = rng.randint(1, 4)
                body = " ".join(rng.sample(sentences, min(count, len(sentences))))
                bodies.append((body, render_body(body, [])))
            self.comment_pool[language] = bodies
        self.adoption_stages = seed_module.Weighted(ADOPTION_STAGES)
        self.counters: dict[str, int] = {}
        self.notified: Counter = Counter()

    def take_id(self, name: str) -> int:
        self.counters[name] += 1
        return self.counters[name] - 1

    def commenter(self) -> int:
        return self.commenters[self.commenter_zipf.rank(self.rng)]

    # One contribution -------------------------------------------------------------------------

    def contribution(self, batch, item_id: int, c: dict, comments: int) -> None:
        rng, tables, ss, ids = self.rng, self.tables, self.ss, self.ids
        published_at = ss.NOW - timedelta(days=c["age_days"], seconds=rng.randint(0, 86_399))
        created_at = published_at - timedelta(days=rng.randint(5, 60))
        outcomes = self._outcomes(item_id) if rng.random() < 0.55 else []
        adopters = self._adopters(c)
        countries = {self.people.organization_countries[o] for o in adopters}
        revisions = 1 if rng.random() < 0.75 else min(1 + int(rng.paretovariate(1.5)), 12)
        sections = c["sections"]
        reviewed_at = published_at - timedelta(days=2) if c["reviewed"] else None
        batch.add(tables.item, {
            "id": item_id, "kind": "practice", "title": c["title"],
            "slug": f"{slugify(c['title'])[:180]}-{item_id}", "summary": c["summary"],
            "author_id": c["author_id"], "organization_id": c["organization_id"],
            "visibility": c["visibility"], "status": "published", "language": c["language"],
            "created_at": created_at,
            "updated_at": published_at + timedelta(days=rng.randint(0, 30)),
            "published_at": published_at, "revision_number": revisions,
            "comment_count": comments, "useful_count": 0, "adoption_count": len(adopters),
            "adoption_country_count": len(countries),
        })  # fmt: skip
        batch.add(tables.practice, {
            "item_id": item_id, "contribution_kind": c["kind"], **sections, "stage": c["stage"],
            "state": "published", "evidence_level": c["evidence"] if c["reviewed"] else None,
            "live_revision": revisions, "has_outcomes": bool(outcomes),
            "last_reviewed_at": reviewed_at,
            "rereview_due_on": (reviewed_at + timedelta(days=730)).date() if reviewed_at else None,
        })  # fmt: skip
        for slug in c["topics"]:
            batch.add(
                tables.practice_topic, {"practice_id": item_id, "topic_id": ids["topic"][slug]}
            )
        for slug in c["sectors"]:
            batch.add(
                tables.practice_sector, {"practice_id": item_id, "sector_id": ids["sector"][slug]}
            )
        for level in c["levels"]:
            batch.add(tables.level, {"practice_id": item_id, "level": level})
        for country in c["countries"]:
            batch.add(tables.country, {"practice_id": item_id, "country": country})

        # The search document as search.documents.practice_document makes it: the summary and
        # the sections as plain text, then the outcomes' names.
        parts = [c["summary"], *(sections[name] for name in ss.BODY_FIELDS)]
        parts += [o.name for o in outcomes]
        body = " ".join(" ".join(parts).split())
        batch.vocabulary.update(
            ss.add_search_rows(
                batch,
                tables,
                item_id,
                c,
                ids,
                body=body,
                published_at=published_at,
                adoption_count=len(adopters),
                evidence=c["evidence"] if c["reviewed"] else None,
            )
        )

        objects = batch.objects
        objects["outcome"].extend(outcomes)
        self._revisions(objects, item_id, c, outcomes, revisions, created_at, published_at)
        self._adoptions(objects, item_id, c, adopters, published_at)
        self._review(objects, item_id, c, published_at)
        self._discussion(objects, item_id, c, comments, published_at)

    def _outcomes(self, item_id: int) -> list:
        from govcommons.practices.models import Outcome

        rng = self.rng
        chosen = rng.sample(OUTCOME_NAMES, rng.randint(1, 3))
        rows = []
        for position, (name, unit) in enumerate(chosen):
            baseline = Decimal(rng.randint(10, 400))
            result = (baseline * Decimal(rng.randint(20, 140)) / 100).quantize(Decimal("0.1"))
            rows.append(
                Outcome(
                    practice_id=item_id,
                    position=position,
                    name=name,
                    unit=unit,
                    baseline=baseline,
                    result=result,
                    period=f"{rng.randint(3, 36)} months",
                    source="Internal monitoring" if rng.random() < 0.5 else "",
                )
            )
        return rows

    def _adopters(self, c: dict) -> list[int]:
        organizations = self.people.organization_countries
        wanted = min(c["adoptions"], len(organizations))
        if not wanted:
            return []
        return self.rng.sample(self.ids["organization_list"], wanted)

    def _snapshot(self, c: dict, outcomes: list) -> dict:
        organization_id = c["organization_id"]
        return {
            "title": c["title"], "summary": c["summary"],
            "organization": self.people.organization_names.get(organization_id),
            "visibility": c["visibility"], "language": c["language"],
            "organization_id": organization_id, "contribution_kind": c["kind"],
            **c["sections"], "contacts": "", "cost_amount": None, "cost_currency": "EUR",
            "staff_fte": None, "start_date": None, "end_date": None, "stage": c["stage"],
            "licence": "CC-BY-4.0", "jurisdiction_type": "", "population_band": "",
            "budget_band": "", "service_area": "", "needs_data": False, "needs_skills": False,
            "needs_technology": False, "needs_procurement": False, "needs_legal_basis": False,
            "prerequisites": "",
            "topics": sorted(self.topic_names[s] for s in c["topics"]),
            "topic_ids": sorted(self.ids["topic"][s] for s in c["topics"]),
            "sectors": sorted(self.sector_names[s] for s in c["sectors"]),
            "sector_ids": sorted(self.ids["sector"][s] for s in c["sectors"]),
            "levels": sorted(c["levels"]), "countries": sorted(c["countries"]),
            "co_authors": [], "co_author_ids": [],
            "outcomes": [
                {"name": o.name, "unit": o.unit, "baseline": format(o.baseline.normalize(), "f"),
                 "result": format(o.result.normalize(), "f"), "period": o.period,
                 "source": o.source}
                for o in outcomes
            ],
            "links": [],
        }  # fmt: skip

    def _revisions(self, objects, item_id, c, outcomes, revisions, created_at, published_at):
        from govcommons.core.models import Revision

        final = self._snapshot(c, outcomes)
        span = max((published_at - created_at).total_seconds(), 1)
        for number in range(1, revisions + 1):
            snapshot = final
            if number < revisions:
                # Earlier versions: a shorter summary and no outcomes yet.
                snapshot = {**final, "summary": final["summary"][: 80 + 40 * number]}
                snapshot["outcomes"] = final["outcomes"][: number - 1]
            objects["revision"].append(
                Revision(
                    id=self.take_id("revision"),
                    item_id=item_id,
                    number=number,
                    author_id=c["author_id"],
                    message="First version" if number == 1 else "Updated the summary",
                    created_at=created_at + timedelta(seconds=span * (number - 1) / revisions),
                    snapshot=snapshot,
                )
            )

    def _adoptions(self, objects, item_id, c, adopters, published_at):
        from govcommons.practices.models import Adoption

        rng = self.rng
        for organization_id in adopters:
            adopted = published_at + timedelta(days=rng.randint(10, 400))
            adopted = min(adopted, self.ss.NOW)
            objects["adoption"].append(
                Adoption(
                    id=self.take_id("adoption"),
                    practice_id=item_id,
                    organization_id=organization_id,
                    stage=self.adoption_stages.pick(rng),
                    adopted_on=adopted.date(),
                    notes="",
                    reported_by_id=self.commenter(),
                    created_at=adopted,
                    updated_at=adopted,
                )
            )

    def _review(self, objects, item_id, c, published_at):
        """The peer review that published it: reviewed ones with two reviewers, the others
        accepted by an editor without external review (submitted -> accepted)."""
        from govcommons.reviews.models import Review, ReviewEvent, ReviewInvitation, Submission

        rng = self.rng
        submitted = published_at - timedelta(days=rng.randint(10, 60))
        editor = rng.choice(self.editors)
        author = c["author_id"]
        submission_id = self.take_id("submission")
        objects["submission"].append(
            Submission(
                id=submission_id,
                practice_id=item_id,
                kind="first",
                state="published",
                revision_number=1,
                live_revision=0,
                round=1,
                submitted_by_id=author,
                submitted_at=submitted,
                waiting_since=submitted,
                state_changed_at=published_at,
                decided_at=published_at - timedelta(days=1),
                decided_by_id=editor,
                evidence_level=c["evidence"] if c["reviewed"] else None,
            )
        )
        events = objects["review_event"]

        def event(kind, at, actor, from_state="", to_state=""):
            events.append(
                ReviewEvent(
                    id=self.take_id("review_event"),
                    practice_id=item_id,
                    submission_id=submission_id,
                    kind=kind,
                    actor_id=actor,
                    from_state=from_state,
                    to_state=to_state,
                    created_at=at,
                )
            )

        event("transition", submitted, author, "draft", "submitted")
        if c["reviewed"]:
            verified = self.people.verified
            pool = [m for m in rng.sample(verified, min(3, len(verified))) if m != author][:2]
            for number, reviewer in enumerate(pool):
                invited = submitted + timedelta(days=1, hours=number)
                reviewed = invited + timedelta(days=rng.randint(3, 20))
                invitation_id = self.take_id("invitation")
                objects["invitation"].append(
                    ReviewInvitation(
                        id=invitation_id,
                        submission_id=submission_id,
                        reviewer_id=reviewer,
                        invited_by_id=editor,
                        state="completed",
                        invited_at=invited,
                        due_on=(invited + timedelta(days=21)).date(),
                        responded_at=invited + timedelta(days=1),
                    )
                )
                scores = {criterion: rng.randint(2, 5) for criterion in CRITERIA}
                objects["review"].append(
                    Review(
                        id=self.take_id("review"),
                        invitation_id=invitation_id,
                        submission_id=submission_id,
                        reviewer_id=reviewer,
                        round=1,
                        revision_number=1,
                        **scores,
                        recommendation=rng.choice(RECOMMENDATIONS),
                        to_authors="Clear and transferable; the outcomes are well documented.",
                        submitted_at=reviewed,
                        quality=rng.randint(3, 5),
                    )
                )
                event("invited", invited, editor)
                event("accepted_invitation", invited + timedelta(days=1), reviewer)
                event("review_submitted", reviewed, reviewer)
            event("transition", submitted + timedelta(days=1), editor, "submitted", "in_review")
            event("transition", published_at - timedelta(days=1), editor, "in_review", "accepted")
        else:
            event("transition", published_at - timedelta(days=1), editor, "submitted", "accepted")
        event("transition", published_at, editor, "accepted", "published")

    def _discussion(self, objects, item_id, c, count, published_at):
        """`count` comments, a quarter of them replies (one level deep), oldest first; "useful"
        votes on some; and the notification each one sent (to the item's author, or to the
        author of the comment replied to), as discussions.services.post_comment does."""
        from govcommons.discussions.models import Comment, CommentReaction
        from govcommons.notifications.models import Notification

        if not count:
            return
        rng, people = self.rng, self.people
        pool = self.comment_pool.get(c["language"], self.comment_pool["en"])
        span = max((self.ss.NOW - published_at).total_seconds(), 60)
        # Most comments come soon after publication, a long tail later.
        times = sorted(
            published_at + timedelta(seconds=span * rng.random() ** 3) for _ in range(count)
        )
        threads: list = []
        for at in times:
            author = self.commenter()
            body, html = rng.choice(pool)
            parent = rng.choice(threads) if threads and rng.random() < 0.25 else None
            comment = Comment(
                id=self.take_id("comment"), item_id=item_id, author_id=author, parent=parent,
                body=body, body_html=html, created_at=at,
            )  # fmt: skip
            if parent is None:
                threads.append(comment)
            else:
                parent.reply_count += 1
            objects["comment"].append(comment)
            if rng.random() < 0.12:
                voters = {self.commenter() for _ in range(int(rng.paretovariate(1.5)))}
                voters.discard(author)
                comment.useful_count = len(voters)
                objects["reaction"].extend(
                    CommentReaction(comment_id=comment.id, member_id=m, created_at=at)
                    for m in voters
                )
            # The notification post_comment sends.
            name = people.names[author]
            if parent is not None and parent.author_id != author:
                recipient, key = parent.author_id, f"reply:c{comment.id}"
                message = f"{name} replied to your comment on “{c['title']}”"
            elif parent is None and c["author_id"] != author:
                recipient, key = c["author_id"], f"comment:c{comment.id}"
                message = f"{name} commented on “{c['title']}”"
            else:
                continue
            read = at < self.ss.NOW - timedelta(days=14) and rng.random() < 0.9
            objects["notification"].append(
                Notification(
                    recipient_id=recipient,
                    category="discussions",
                    key=key,
                    message=message[:300],
                    url=f"/comments/{comment.id}/",
                    created_at=at,
                    read_at=at + timedelta(hours=rng.randint(1, 72)) if read else None,
                )
            )
            self.notified[recipient] += 1


# The order rows are written in within a batch: a row's foreign keys are written before it.
OBJECT_ORDER = [
    "outcome", "revision", "adoption", "submission", "invitation", "review", "review_event",
    "comment", "reaction", "notification",
]  # fmt: skip


def object_models():
    from govcommons.core.models import Revision
    from govcommons.discussions.models import Comment, CommentReaction
    from govcommons.notifications.models import Notification
    from govcommons.practices.models import Adoption, Outcome
    from govcommons.reviews.models import Review, ReviewEvent, ReviewInvitation, Submission

    return {
        "outcome": Outcome, "revision": Revision, "adoption": Adoption,
        "submission": Submission, "invitation": ReviewInvitation, "review": Review,
        "review_event": ReviewEvent, "comment": Comment, "reaction": CommentReaction,
        "notification": Notification,
    }  # fmt: skip


def make_loader(seed_module):
    """search_seed's loader for this database, writing the model rows of each batch with
    bulk_create in the same transaction as its contributions."""
    base = (
        seed_module.PostgresLoader
        if connection.vendor == "postgresql"
        else seed_module.SqliteLoader
    )
    models = object_models()

    class Loader(base):
        def write(self, connection, batch) -> None:
            with transaction.atomic():
                super().write(connection, batch)
                for name in OBJECT_ORDER:
                    rows = batch.objects[name]
                    if rows:
                        models[name].objects.bulk_create(rows, batch_size=BULK)

    return Loader(seed_module.Tables())


def comment_counts(rng: random.Random, contributions: int, comments: int) -> list[int]:
    """Comments per contribution: each comment goes to a contribution picked by a Zipf law over
    a shuffled popularity order, so a few draw thousands and most a handful or none."""
    order = list(range(contributions))
    rng.shuffle(order)
    zipf = Zipf(contributions, 0.9)
    counts = [0] * contributions
    for _ in range(comments):
        counts[order[zipf.rank(rng)]] += 1
    return counts


def seed(scale_name: str, *, seed: int = 2024, stream=None) -> dict:
    """Seed a migrated database at one scale. Returns a summary: counts, timings, and what the
    benchmark requests (the busiest public contribution, a member with notifications...)."""
    from govcommons.accounts.models import User
    from govcommons.core.models import Item
    from govcommons.core.progress import ProgressBar
    from govcommons.organizations.models import Organization

    stream = stream or sys.stderr
    scale = SCALES[scale_name]
    started = time.monotonic()
    timings = {}

    def progress(label, total):
        return ProgressBar(label, total, stream=stream)

    if Organization.objects.filter(slug__startswith="bench-organisation-").exists():
        raise AlreadySeededError("This database already holds bench data: seed a fresh one.")
    rng = random.Random(seed)  # noqa: S311 - made-up data, not cryptography
    seed_taxonomy()
    organization_ids = seed_organizations(rng, scale.organizations, progress)
    seed_members(
        rng, scale.members, organization_ids, progress, password=make_password(BENCH_PASSWORD)
    )
    timings["organisations_and_members_s"] = round(time.monotonic() - started, 1)

    ss = load_search_seed()
    ids, writer = ss.reference_data(rng)
    ids["vendor"] = connection.vendor
    ids["organization_list"] = organization_ids
    bench_members = User.objects.filter(email__endswith="@bench.example")
    people = People(
        ids=list(bench_members.order_by("pk").values_list("pk", flat=True)),
        names=dict(User.objects.values_list("pk", "display_name")),
        verified=list(
            bench_members.filter(verification_status="verified")
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        organization_names=dict(Organization.objects.values_list("pk", "name")),
        organization_countries={
            pk: str(country) for pk, country in Organization.objects.values_list("pk", "country")
        },
    )
    generator = Generator(ss, rng, ids, writer, people)
    models = object_models()
    for name, model in models.items():
        generator.counters[name] = next_id(model)
    counts = comment_counts(rng, scale.contributions, scale.comments)
    # The busiest contributions are public ones: the benchmark reads the busiest.
    busiest = sorted(range(scale.contributions), key=lambda i: -counts[i])[:10]
    busiest_set = set(busiest)

    loader = make_loader(ss)
    first_id = next_id(Item)
    loader.drop_indexes(connection)
    connection.close()

    load_started = time.monotonic()
    bar = progress("contributions", scale.contributions)
    background = ss.BackgroundWriter(loader, bar)
    vocabulary: Counter = Counter()

    def new_batch():
        batch = ss.Batch()
        batch.objects = {name: [] for name in OBJECT_ORDER}
        batch.vocabulary = vocabulary
        return batch

    with dates_as_given(*models.values()):
        background.start()
        batch = new_batch()
        for number in range(scale.contributions):
            c = writer.contribution()
            if number in busiest_set:
                c["visibility"] = "public"
            generator.contribution(batch, first_id + number, c, counts[number])
            if batch.count >= BATCH:
                background.put(batch)
                batch = new_batch()
        if batch.count:
            background.put(batch)
        background.batches.put(None)
        background.join()
    if background.error is not None:
        raise background.error
    timings["contributions_load_s"] = round(time.monotonic() - load_started, 1)

    finishing = time.monotonic()
    ss.add_vocabulary(vocabulary)
    timings.update(loader.finish(connection, optimize_fts=False, analyze=False))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(models.values())):
                cursor.execute(sql)
    timings["finish_s"] = round(time.monotonic() - finishing, 1)

    sample = [first_id + rng.randrange(scale.contributions) for _ in range(5)]
    problems = ss.check_against_indexer(sample)
    for problem in problems:
        stream.write(f"  WARNING {problem}\n")

    targets = bench_targets(first_id, busiest, generator)
    return {
        "scale": scale_name,
        "seed": seed,
        "database": connection.vendor,
        "seconds": round(time.monotonic() - started, 1),
        "timings": timings,
        "counts": table_counts(),
        "indexer_differences": problems,
        "targets": targets,
    }


def bench_targets(first_id: int, busiest: list[int], generator: Generator) -> dict:
    """What the benchmark requests: the busiest public contribution (its page shows the first
    50 comments), the member with the most notifications (signs in with BENCH_PASSWORD), and
    public contributions to comment on."""
    from govcommons.accounts.models import User
    from govcommons.core.models import Item

    detail = Item.objects.get(pk=first_id + busiest[0])
    member_id, notifications = generator.notified.most_common(1)[0]
    member = User.objects.get(pk=member_id)
    commentable = list(
        Item.objects.filter(kind="practice", visibility="public", status="published")
        .exclude(author=member)
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    )
    return {
        "detail_path": f"/practices/{detail.slug}/",
        "detail_comments": detail.comment_count,
        "member_email": member.email,
        "member_notifications": notifications,
        "comment_item_ids": commentable,
    }


def table_counts() -> dict:
    from govcommons.accounts.models import User
    from govcommons.core.models import Item
    from govcommons.organizations.models import Organization
    from govcommons.search.models import SearchDocument

    counts = {
        "organizations": Organization.objects.count(),
        "members": User.objects.count(),
        "contributions": Item.objects.filter(kind="practice", status="published").count(),
        "search_documents": SearchDocument.objects.count(),
    }
    for name, model in object_models().items():
        counts[f"{name}s"] = model.objects.count()
    return counts


def summary_line(summary: dict) -> str:
    return json.dumps(summary)
