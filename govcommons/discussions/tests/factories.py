"""Discussion rows built through the real services."""

from govcommons.discussions import services


def comment_on(item, author, body: str = "We did the same in Tampere.", parent=None):
    return services.post_comment(
        item_id=item.pk, author=author, body=body, parent_id=parent.pk if parent else None
    )
