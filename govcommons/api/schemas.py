"""Schemas shared across the API."""

from typing import Any

from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import model_validator


class Problem(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str


# What an operation may answer besides success, for its OpenAPI responses.
READ_PROBLEMS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
WRITE_PROBLEMS = dict.fromkeys((400, 401, 403, 404, 409, 422, 429), Problem)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class InputSchema(Schema):
    """Base of every request body and query: NUL characters are refused (422), as forms do;
    PostgreSQL cannot store them."""

    @model_validator(mode="before")
    @classmethod
    def refuse_nul_characters(cls, data: Any) -> Any:
        raw = data._obj if isinstance(data, DjangoGetter) else data
        if _has_nul(raw):
            raise ValueError("Text may not contain NUL characters.")
        return data
