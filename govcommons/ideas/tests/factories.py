"""Ideas built through the real services."""

from govcommons.ideas import services


def propose(author, title="Report potholes with a photo from the bus", **fields):
    return services.propose_idea(
        author=author,
        title=title,
        problem=fields.pop("problem", "Potholes are reported by phone and take weeks to fix."),
        proposal=fields.pop(
            "proposal", "Bus drivers tap a button; the photo goes to the road team."
        ),
        **fields,
    )
