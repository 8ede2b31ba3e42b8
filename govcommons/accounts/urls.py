from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("members/<slug:handle>/", views.profile, name="profile"),
    path("members/<slug:handle>/roles/", views.member_roles, name="roles"),
    path(
        "members/<slug:handle>/roles/<int:grant_id>/revoke/", views.revoke_role, name="revoke_role"
    ),
    path("settings/", views.settings_profile, name="settings"),
    path("settings/tokens/", views.api_tokens, name="api_tokens"),
    path("settings/tokens/<int:token_id>/revoke/", views.revoke_api_token, name="revoke_api_token"),
    path("verification/", views.verification, name="verification"),
    path(
        "verification/<int:request_id>/withdraw/",
        views.withdraw_verification,
        name="withdraw_verification",
    ),
    path("moderation/", views.moderation, name="moderation"),
    path(
        "moderation/verification/<int:request_id>/",
        views.decide_verification,
        name="decide_verification",
    ),
]
