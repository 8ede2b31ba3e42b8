"""Schemas shared across the API."""

from ninja import Schema


class Problem(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str
