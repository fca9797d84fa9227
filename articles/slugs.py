"""Slugs that no other object of the model has."""

from articles.models import Article
from articles.text import slugify_vi

SLUG_TRIES = 5  # base, base-2, … looked up at once; past them, one at a time


def unique_slugs(titles: list[str], model=Article) -> list[str]:
    """A slug for each title, unique among the stored ones and each other."""
    bases = [slugify_vi(title, max_length=80) for title in titles]
    tries = {base: [base, *(f"{base}-{n}" for n in range(2, SLUG_TRIES + 1))] for base in bases}
    taken = set(
        model.objects.filter(
            slug__in=[slug for slugs in tries.values() for slug in slugs]
        ).values_list("slug", flat=True)
    )
    slugs = []
    for base in bases:
        slug = next((slug for slug in tries[base] if slug not in taken), None)
        if slug is None:
            slug = unique_slug(base, model=model, taken=taken)
        taken.add(slug)
        slugs.append(slug)
    return slugs


def unique_slug(text: str, model=Article, taken: set[str] = frozenset()) -> str:
    base = slugify_vi(text, max_length=80)
    slug, counter = base, 2
    while slug in taken or model.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug
