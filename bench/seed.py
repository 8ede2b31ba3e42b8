"""Bulk data for the benchmark: thousands of organisations and members, made with bulk_create.

Run by bench/run.py on a fresh database after `seed_demo --force` (which makes the sectors and
topics used here). Progress goes to stderr; the last line on stdout is a JSON summary.
"""

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcommons.settings")

BATCH = 500
COUNTRIES = ["FR", "DE", "ES", "IT", "NL", "BE", "FI", "SE", "DK", "EE", "PT", "IE", "GB", "CA"]
KINDS = ["City of", "Municipality of", "Region of", "Ministry of", "Agency for", "Office of"]
PLACES = [
    "Northbridge", "Eastmoor", "Westfield", "Southvale", "Lakeside", "Rivermouth", "Hillcrest",
    "Oakham", "Stonebury", "Brookhaven", "Fairport", "Kingsreach", "Ashford", "Millbrook",
]  # fmt: skip
SUBJECTS = ["Digital Services", "Public Health", "Mobility", "Procurement", "Housing", "Climate"]
FIRST = ["Ana", "Ben", "Chloé", "David", "Elif", "Femi", "Greta", "Hugo", "Ines", "Jonas", "Kaja"]
LAST = ["Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Horvat", "Jansen", "Kowalski"]
JOBS = ["Policy officer", "Service designer", "Data analyst", "Procurement lead", "Urban planner"]


def progress(label: str, done: int, total: int, started: float) -> None:
    """A one-line progress bar, redrawn in place on a terminal (only the last state in a log)."""
    if done != total and not sys.stderr.isatty():
        return
    width = 30
    filled = width * done // total
    bar = "#" * filled + "-" * (width - filled)
    end = "\n" if done == total else ""
    sys.stderr.write(
        f"\r  {label:<14} [{bar}] {done:>6}/{total} {time.monotonic() - started:5.1f}s{end}"
    )
    sys.stderr.flush()


def in_batches(label: str, model, rows: list) -> None:
    started = time.monotonic()
    progress(label, 0, len(rows), started)
    for start in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[start : start + BATCH])
        progress(label, min(start + BATCH, len(rows)), len(rows), started)


def organization_name(rng: random.Random, number: int) -> str:
    kind = rng.choice(KINDS)
    if kind in {"Ministry of", "Agency for", "Office of"}:
        return f"{kind} {rng.choice(SUBJECTS)} {number}"
    return f"{kind} {rng.choice(PLACES)} {number}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--organizations", type=int, default=2000)
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=2024, help="random seed: same data each run")
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from govcommons.accounts.models import User, VerificationMethod, VerificationStatus
    from govcommons.organizations.models import Organization
    from govcommons.taxonomy.models import LevelOfGovernment, Sector

    rng = random.Random(args.seed)
    sectors = list(Sector.objects.all())
    levels = list(LevelOfGovernment.values)
    # One in five organisations is a department of another, as in the real directory.
    top_level = args.organizations - args.organizations // 5

    with transaction.atomic():
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
        )
        parents = list(
            Organization.objects.filter(slug__startswith="bench-organisation-").values_list(
                "pk", "country", "level"
            )
        )
        departments = []
        for number in range(top_level, args.organizations):
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
        in_batches("departments", Organization, departments)

        organization_ids = list(
            Organization.objects.filter(slug__startswith="bench-organisation-").values_list(
                "pk", flat=True
            )
        )
        unusable = make_password(None)  # nobody signs in as a bench member
        now = timezone.now()
        members = []
        for number in range(args.members):
            verified = rng.random() < 0.4
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            members.append(
                User(
                    email=f"member{number:05d}@bench.example",
                    handle=f"bench-member-{number:05d}",
                    display_name=name,
                    job_title=rng.choice(JOBS),
                    organization_id=rng.choice(organization_ids) if rng.random() < 0.8 else None,
                    country=rng.choice(COUNTRIES),
                    password=unusable,
                    verification_status=(
                        VerificationStatus.VERIFIED if verified else VerificationStatus.UNVERIFIED
                    ),
                    verification_method=VerificationMethod.DOMAIN if verified else "",
                    verified_at=now if verified else None,
                )
            )
        in_batches("members", User, members)

    summary = {
        "organizations": Organization.objects.count(),
        "members": User.objects.count(),
        "verified_members": User.objects.filter(
            verification_status=VerificationStatus.VERIFIED
        ).count(),
    }
    sys.stdout.write(json.dumps(summary) + "\n")


if __name__ == "__main__":
    main()
