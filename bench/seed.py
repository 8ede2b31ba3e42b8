"""Bulk organisations and members for the search benchmark (bench/search_bench.py), made with
bulk_create by govcommons.core.benchdata, the code behind `manage.py seed_bench`.

Run on a fresh database after `seed_demo --force` (which makes the sectors and topics used here).
Progress goes to stderr; the last line on stdout is a JSON summary.
"""

import argparse
import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcommons.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--organizations", type=int, default=2000)
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=2024, help="random seed: same data each run")
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth.hashers import make_password

    from govcommons.accounts.models import User, VerificationStatus
    from govcommons.core import benchdata
    from govcommons.core.progress import ProgressBar
    from govcommons.organizations.models import Organization

    def progress(label, total):
        return ProgressBar(label, total)

    rng = random.Random(args.seed)
    organization_ids = benchdata.seed_organizations(rng, args.organizations, progress)
    # Nobody signs in as these members: an unusable password, hashed once.
    benchdata.seed_members(
        rng, args.members, organization_ids, progress, password=make_password(None)
    )
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
