"""The GovCommons API: one NinjaAPI assembled from each app's router.

Mounted at /api/: operations under /api/v1/, the OpenAPI document at /api/openapi.json.
"""

from ninja import NinjaAPI

from govcommons.accounts.api import router as accounts_router
from govcommons.discussions.api import router as discussions_router
from govcommons.discussions.question_api import router as questions_router
from govcommons.ideas.api import router as ideas_router
from govcommons.organizations.api import router as organizations_router
from govcommons.practices.api import router as practices_router
from govcommons.reviews.api import router as reviews_router
from govcommons.search.api import router as search_router
from govcommons.taxonomy.api import router as taxonomy_router

from . import errors

api = NinjaAPI(
    title="GovCommons API",
    version="1",
    description=(
        "Read what public sector professionals share, and write as a member. Authenticate with a "
        "personal token (Settings › API tokens) sent as `Authorization: Bearer <token>`. "
        "Errors are "
        "`application/problem+json` documents (RFC 9457)."
    ),
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api",
)
errors.install(api)
api.add_router("/v1/", accounts_router)
api.add_router("/v1/organizations", organizations_router)
api.add_router("/v1/topics", taxonomy_router)
api.add_router("/v1/practices", practices_router)
api.add_router("/v1/reviews", reviews_router)
api.add_router("/v1/", discussions_router)
api.add_router("/v1/questions", questions_router)
api.add_router("/v1/ideas", ideas_router)
api.add_router("/v1/search", search_router)
