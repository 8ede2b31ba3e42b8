from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("reviews/", views.queue, name="queue"),
    path("reviews/rereview/", views.rereview_queue, name="rereview"),
    path("reviews/stats/", views.stats, name="stats"),
    path("reviews/submissions/<int:pk>/", views.submission_detail, name="submission"),
    path("reviews/submissions/<int:pk>/invite/", views.invite, name="invite"),
    path("reviews/submissions/<int:pk>/decide/", views.decide, name="decide"),
    path("reviews/submissions/<int:pk>/publish/", views.publish, name="publish"),
    path("reviews/submissions/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("reviews/submissions/<int:pk>/answers/", views.answer_points, name="answers"),
    path("reviews/submissions/<int:pk>/resubmit/", views.resubmit, name="resubmit"),
    path("reviews/invitations/", views.my_invitations, name="invitations"),
    path("reviews/invitations/<int:pk>/", views.invitation, name="invitation"),
    path("reviews/invitations/<int:pk>/cancel/", views.cancel_invitation, name="cancel_invitation"),
    path("reviews/invitations/<int:pk>/review/", views.write_review, name="review"),
    path("reviews/reviews/<int:pk>/rate/", views.rate_review, name="rate"),
    path("reviews/practices/<slug:slug>/freshness/", views.freshness, name="freshness"),
    path("practices/<slug:slug>/review/", views.practice_review, name="practice_review"),
    path("practices/<slug:slug>/flag-outdated/", views.flag_outdated, name="flag_outdated"),
    path("about/review/", views.about, name="about"),
    path("settings/conflicts/", views.conflicts, name="conflicts"),
]
