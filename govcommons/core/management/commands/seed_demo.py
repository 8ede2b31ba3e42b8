"""Demo data for a living site: organisations, topics, members (authors, expert reviewers, editors),
then the demo contributions and their peer review. Idempotent: run it twice safely.

Later issues add their own demo content in their apps' `seed_demo_<app>` functions, called here.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from govcommons.accounts import services as account_services
from govcommons.accounts.models import Role, RoleGrant, User, VerificationRequest
from govcommons.accounts.services import TOPIC_ROLES
from govcommons.discussions.demo import seed_discussions
from govcommons.ideas.demo import seed_ideas
from govcommons.notifications.models import EmailStatus, OutgoingEmail
from govcommons.organizations.models import Organization, OrganizationDomain, OrganizationProposal
from govcommons.practices.demo import seed_practices
from govcommons.taxonomy.models import Sector, Topic

DEMO_PASSWORD = "govcommons-demo"  # noqa: S105 - printed for the demo; refused outside DEBUG

SECTORS = [
    "Digital and IT", "Urban planning", "Health", "Procurement", "Transport and mobility",
    "Environment", "Social services", "Education", "Finance and budget", "Public safety",
]  # fmt: skip

TOPICS = {
    "Digital services": ["Citizen reporting", "Open data", "Digital identity", "Service design"],
    "Urban planning": ["Mobility", "Housing", "Public space"],
    "Health administration": ["Waiting times", "Primary care", "Health data"],
    "Procurement": ["Innovation procurement", "Green procurement", "Open contracting"],
    "Environment and climate": ["Climate adaptation", "Energy efficiency", "Waste"],
    "Participation": ["Participatory budgeting", "Citizen assemblies"],
}

# name, parent, country, region, level, sector, domains
ORGANIZATIONS = [
    ("Ville de Lyon", None, "FR", "Auvergne-Rhône-Alpes", "local", "Urban planning", ["lyon.fr"]),
    (
        "Direction de l'innovation numérique",
        "Ville de Lyon",
        "FR",
        "Auvergne-Rhône-Alpes",
        "local",
        "Digital and IT",
        [],
    ),
    (
        "Métropole de Lyon",
        None,
        "FR",
        "Auvergne-Rhône-Alpes",
        "regional",
        "Transport and mobility",
        ["grandlyon.com"],
    ),
    ("City of Helsinki", None, "FI", "Uusimaa", "local", "Digital and IT", ["hel.fi"]),
    ("Barcelona City Council", None, "ES", "Catalonia", "local", "Urban planning", ["bcn.cat"]),
    ("Ministry of Health (Example)", None, "GB", "", "national", "Health", ["health.gov.example"]),
    ("Waiting Times Unit", "Ministry of Health (Example)", "GB", "", "national", "Health", []),
    (
        "Digital Government Agency (Example)",
        None,
        "DE",
        "",
        "national",
        "Digital and IT",
        ["digital.gov.example"],
    ),
    ("Tallinn City Government", None, "EE", "Harju", "local", "Digital and IT", ["tallinnlv.ee"]),
    ("Region of Southern Denmark", None, "DK", "Syddanmark", "regional", "Health", ["rsyd.dk"]),
    (
        "Municipality of Amsterdam",
        None,
        "NL",
        "North Holland",
        "local",
        "Environment",
        ["amsterdam.nl"],
    ),
    (
        "Public Procurement Office (Example)",
        None,
        "IT",
        "",
        "national",
        "Procurement",
        ["procurement.gov.example"],
    ),
    (
        "OECD Observatory of Public Sector Innovation (Example)",
        None,
        "FR",
        "",
        "international",
        "Finance and budget",
        ["opsi.example"],
    ),
    ("City of Montréal", None, "CA", "Quebec", "local", "Public safety", ["montreal.ca"]),
]

# Every topic, parents included: the managing editor runs peer review in all of them.
EVERY_TOPIC = [name for parent, children in TOPICS.items() for name in (parent, *children)]

# email, name, job title, organisation, verified?, expertise (topics), roles. A topic role
# (expert reviewer, editor) is for the first expertise topic, or for the topics given with it.
MEMBERS = [
    (
        "admin@govcommons.example",
        "Ada Admin",
        "Platform administrator",
        None,
        False,
        [],
        [Role.ADMINISTRATOR, Role.MODERATOR],
    ),
    (
        "moderator@govcommons.example",
        "Moritz Moderator",
        "Community moderator",
        None,
        False,
        [],
        [Role.MODERATOR],
    ),
    (
        "claire.martin@lyon.fr",
        "Claire Martin",
        "Head of digital services",
        "Ville de Lyon",
        True,
        ["Citizen reporting", "Service design", "Public space", "Waste"],
        [Role.EXPERT_REVIEWER],
    ),
    (
        "aino.virtanen@hel.fi",
        "Aino Virtanen",
        "Open data lead",
        "City of Helsinki",
        True,
        ["Open data", "Digital identity", "Energy efficiency", "Climate adaptation"],
        # The topic editor: she handles the open data submissions she did not write.
        [Role.EXPERT_REVIEWER, Role.EDITOR],
    ),
    (
        "jordi.puig@bcn.cat",
        "Jordi Puig",
        "Participation officer",
        "Barcelona City Council",
        True,
        ["Participatory budgeting", "Citizen assemblies", "Mobility", "Housing"],
        [Role.EXPERT_REVIEWER],
    ),
    (
        "priya.shah@health.gov.example",
        "Priya Shah",
        "Analyst, waiting times",
        "Ministry of Health (Example)",
        True,
        ["Waiting times", "Health data", "Primary care", "Service design"],
        [Role.EXPERT_REVIEWER],
    ),
    (
        "kadri.tamm@tallinnlv.ee",
        "Kadri Tamm",
        "Procurement specialist",
        "Tallinn City Government",
        True,
        ["Innovation procurement", "Green procurement", "Open contracting"],
        [Role.EXPERT_REVIEWER],
    ),
    (
        "elena.ferraro@opsi.example",
        "Elena Ferraro",
        "Managing editor, peer review",
        "OECD Observatory of Public Sector Innovation (Example)",
        True,
        [],
        [(Role.EDITOR, EVERY_TOPIC)],
    ),
    (
        "sam.taylor@example.org",
        "Sam Taylor",
        "Policy researcher",
        None,
        False,
        ["Open contracting"],
        [],
    ),
    (
        "lucia.romano@example.net",
        "Lucia Romano",
        "Procurement officer",
        "Public Procurement Office (Example)",
        False,
        ["Green procurement"],
        [],
    ),
    (
        "marc.dubois@example.com",
        "Marc Dubois",
        "Urban planner",
        "Métropole de Lyon",
        False,
        ["Mobility"],
        [],
    ),
]


class Command(BaseCommand):
    help = "Load demo organisations, topics and members (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo makes accounts with a known password: use it with DEBUG on, or --force."
            )
        sectors = {
            name: Sector.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
            for name in SECTORS
        }
        topics = {}
        for parent_name, children in TOPICS.items():
            parent, _ = Topic.objects.get_or_create(
                slug=slugify(parent_name), defaults={"name": parent_name}
            )
            topics[parent_name] = parent
            for child in children:
                topics[child], _ = Topic.objects.get_or_create(
                    slug=slugify(child), defaults={"name": child, "parent": parent}
                )
        organizations = {}
        for name, parent, country, region, level, sector, domains in ORGANIZATIONS:
            org, _ = Organization.objects.get_or_create(
                slug=slugify(name),
                defaults={
                    "name": name, "parent": organizations.get(parent), "country": country, "region": region,
                    "level": level, "sector": sectors[sector],
                    "description": f"{name} shares its practices on GovCommons.",
                },
            )  # fmt: skip
            organizations[name] = org
            for domain in domains:
                OrganizationDomain.objects.get_or_create(
                    domain=domain, defaults={"organization": org}
                )
        members = {}
        for email, name, job, org_name, verified, expertise, roles in MEMBERS:
            member = User.objects.filter(email=email).first()
            if member is None:
                member = User.objects.create_user(
                    email, DEMO_PASSWORD, display_name=name, job_title=job,
                    organization=organizations.get(org_name), country=organizations[org_name].country if org_name else "",
                )  # fmt: skip
            # A re-run adds the topics that are missing and removes none.
            member.expertise.add(*[topics[t] for t in expertise])
            EmailAddress.objects.get_or_create(
                user=member, email=email, defaults={"verified": True, "primary": True}
            )
            if verified and not member.is_verified:
                account_services.verify_by_email_domain(member=member, email=email)
            for grant in roles:
                role, topic_names = grant if isinstance(grant, tuple) else (grant, expertise[:1])
                role_topics = [topics[t] for t in topic_names] if role in TOPIC_ROLES else [None]
                for topic in role_topics:
                    if not RoleGrant.objects.filter(
                        member=member, role=role, topic=topic, revoked_at__isnull=True
                    ).exists():
                        account_services.grant_role(
                            actor=None, member=member, role=role, topic=topic, note="Demo data"
                        )
            members[email] = member
        for email, org_name in [
            ("lucia.romano@example.net", "Public Procurement Office (Example)"),
            ("marc.dubois@example.com", "Métropole de Lyon"),
        ]:
            if not VerificationRequest.objects.filter(member=members[email]).exists():
                VerificationRequest.objects.create(
                    member=members[email], organization=organizations[org_name],
                    job_title=members[email].job_title,
                    evidence="My name is in the staff directory on the organisation's website.",
                )  # fmt: skip
        if not OrganizationProposal.objects.filter(name="City of Ghent").exists():
            OrganizationProposal.objects.create(
                name="City of Ghent", country="BE", region="East Flanders", level="local",
                sector=sectors["Digital and IT"], website="https://stad.gent", email_domain="stad.gent",
                note="Several of my colleagues would like to join.", proposed_by=members["sam.taylor@example.org"],
            )  # fmt: skip
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready: {Organization.objects.count()} organisations, {Topic.objects.count()} topics, "
            f"{User.objects.count()} members. Sign in as admin@govcommons.example, moderator@govcommons.example, "
            f"claire.martin@lyon.fr (author and reviewer), aino.virtanen@hel.fi (open data editor) or "
            f"elena.ferraro@opsi.example (managing editor) with the password {DEMO_PASSWORD!r}."
        ))  # fmt: skip
        last_email = OutgoingEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        seed_practices(self.stdout)
        seed_discussions(members, self.stdout)
        seed_ideas(members, self.stdout)
        # The demo's review history is made up, not news: its emails are kept but never sent,
        # so the console of `make run` shows the emails people trigger, not hundreds of these.
        OutgoingEmail.objects.filter(pk__gt=last_email, status=EmailStatus.QUEUED).update(
            status=EmailStatus.SKIPPED
        )
