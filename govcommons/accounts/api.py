"""API operations about the current member."""

from ninja import Router, Schema

from govcommons.api.auth import token_or_session
from govcommons.api.schemas import Problem

router = Router(tags=["members"])


class OrganizationRef(Schema):
    slug: str
    name: str


class MeOut(Schema):
    handle: str
    display_name: str
    email: str
    job_title: str
    organization: OrganizationRef | None
    verified: bool
    verification_method: str
    roles: list[str]
    profile_url: str


@router.get(
    "/me", response={200: MeOut, 401: Problem}, auth=token_or_session, summary="The current member"
)
def me(request):
    """Who the token (or session) belongs to. Permission: any signed-in member."""
    member = request.auth
    roles = ["member"]
    if member.is_verified:
        roles.append("verified_member")
    roles += sorted({g.role for g in member.role_grants.filter(revoked_at__isnull=True)})
    return {
        "handle": member.handle,
        "display_name": member.display_name,
        "email": member.email,
        "job_title": member.job_title,
        "organization": member.organization,
        "verified": member.is_verified,
        "verification_method": member.verification_method,
        "roles": roles,
        "profile_url": request.build_absolute_uri(member.get_absolute_url()),
    }
