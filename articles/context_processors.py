from dataclasses import dataclass

from django.utils.translation import get_language

from articles.models import Category
from articles.page_meta import local
from newsreader.pagecache import remember


@dataclass(frozen=True)
class NavigationLink:
    pk: int
    url: str
    label: str


def navigation(request):
    """The editors' categories, in their order, for the site navigation (only fetched for
    pages that show it, and kept until the content changes)."""
    return {"navigation_categories": navigation_links}


def navigation_links() -> list[NavigationLink]:
    def links():
        categories = Category.objects.only("slug", "name_vi", "name_en")
        return [NavigationLink(c.pk, c.get_absolute_url(), local(c)) for c in categories]

    return remember(("navigation", get_language()), links)
