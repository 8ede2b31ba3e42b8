"""Writes shared by every kind of Item."""

from django.utils.crypto import get_random_string
from django.utils.text import slugify

from .models import Item


def unique_item_slug(title: str, fallback: str) -> str:
    """A readable address for a new Item, unique across every kind (they share one table)."""
    base = slugify(title)[:180] or fallback
    slug = base
    while Item.objects.filter(slug=slug).exists():
        slug = f"{base}-{get_random_string(5, 'abcdefghijkmnpqrstuvwxyz23456789')}"
    return slug
