from articles.models import Category


def navigation(request):
    """The editors' categories, in their order, for the site navigation (queried lazily)."""
    return {"navigation_categories": Category.objects.only("slug", "name_vi", "name_en")}
