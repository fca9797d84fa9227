from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from articles.models import Article

READING_MODES = ("parallel", "interleaved", "vi", "en")
DEFAULT_MODE = "parallel"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def home(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(Article.objects.for_listing(), settings.ARTICLES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "articles/home.html", {"page": page})


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.for_reading().visible_to(request.user), slug=slug)
    mode, chosen_now = _reading_mode(request)
    response = render(
        request,
        "articles/detail.html",
        {
            "article": article,
            "mode": mode,
            "modes": READING_MODES,
            "blocks": article.aligned_blocks(),
        },
    )
    if chosen_now:
        response.set_cookie(
            settings.READER_COOKIE, mode, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True
        )
    return response


def _reading_mode(request: HttpRequest) -> tuple[str, bool]:
    """The mode asked for in ?view=, else the one remembered in the cookie, else the default."""
    asked = request.GET.get("view")
    if asked in READING_MODES:
        return asked, asked != request.COOKIES.get(settings.READER_COOKIE)
    remembered = request.COOKIES.get(settings.READER_COOKIE)
    return (remembered if remembered in READING_MODES else DEFAULT_MODE), False
