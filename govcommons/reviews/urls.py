from django.urls import path

from . import reviewer_views, views

app_name = "reviews"

urlpatterns = [
    path("reviews/", views.queue, name="queue"),
    path("reviews/rereview/", reviewer_views.rereview_queue, name="rereview"),
    path("reviews/stats/", reviewer_views.stats, name="stats"),
    path("reviews/submissions/<int:pk>/", views.submission_detail, name="submission"),
    path("reviews/submissions/<int:pk>/version/", reviewer_views.version, name="version"),
    path("reviews/submissions/<int:pk>/invite/", views.invite, name="invite"),
    path("reviews/submissions/<int:pk>/decide/", views.decide, name="decide"),
    path("reviews/submissions/<int:pk>/publish/", views.publish, name="publish"),
    path("reviews/submissions/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("reviews/submissions/<int:pk>/answers/", views.answer_points, name="answers"),
    path("reviews/submissions/<int:pk>/resubmit/", views.resubmit, name="resubmit"),
    path("reviews/invitations/", reviewer_views.my_invitations, name="invitations"),
    path("reviews/invitations/<int:pk>/", reviewer_views.invitation, name="invitation"),
    path("reviews/invitations/<int:pk>/cancel/", views.cancel_invitation, name="cancel_invitation"),
    path("reviews/invitations/<int:pk>/review/", reviewer_views.write_review, name="review"),
    path("reviews/reviews/<int:pk>/rate/", views.rate_review, name="rate"),
    path("reviews/practices/<slug:slug>/freshness/", reviewer_views.freshness, name="freshness"),
    path("practices/<slug:slug>/review/", reviewer_views.practice_review, name="practice_review"),
    path(
        "practices/<slug:slug>/flag-outdated/", reviewer_views.flag_outdated, name="flag_outdated"
    ),
    path("about/review/", reviewer_views.about, name="about"),
    path("settings/conflicts/", reviewer_views.conflicts, name="conflicts"),
]
