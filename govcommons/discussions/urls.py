from django.urls import path

from . import question_views, views

app_name = "discussions"

urlpatterns = [
    # The discussion under any Item (contribution, question, idea...).
    path("items/<int:item_id>/comments/", views.discussion, name="discussion"),
    path("items/<int:item_id>/comments/new/", views.new_comments, name="new_comments"),
    path("items/<int:item_id>/discussion/", views.discussion_options, name="options"),
    path("comments/<int:comment_id>/", views.comment_permalink, name="comment"),
    path("comments/<int:comment_id>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:comment_id>/remove/", views.comment_remove, name="comment_remove"),
    path("comments/<int:comment_id>/useful/", views.comment_useful, name="comment_useful"),
    path("comments/<int:comment_id>/answer/", views.comment_answer, name="comment_answer"),
    path("comments/<int:comment_id>/history/", views.comment_history, name="comment_history"),
    path("comments/mentions/", views.mention_suggestions, name="mentions"),
    # Ask the community.
    path("questions/", question_views.question_list, name="questions"),
    path("questions/ask/", question_views.ask, name="ask"),
    path("questions/<slug:slug>/", question_views.question_detail, name="question"),
    path("questions/<slug:slug>/edit/", question_views.question_edit, name="question_edit"),
    path("questions/<slug:slug>/vote/", question_views.question_vote, name="question_vote"),
    path("questions/<slug:slug>/answers/", question_views.answer_post, name="answer_post"),
    path(
        "questions/<slug:slug>/document/",
        question_views.document_question,
        name="question_document",
    ),
    path("answers/<int:answer_id>/edit/", question_views.answer_edit, name="answer_edit"),
    path("answers/<int:answer_id>/remove/", question_views.answer_remove, name="answer_remove"),
    path("answers/<int:answer_id>/vote/", question_views.answer_vote, name="answer_vote"),
    path("answers/<int:answer_id>/accept/", question_views.answer_accept, name="answer_accept"),
]
