"""The article page's own parts, rendered once per version of the article.

The page around them (navigation, language links) is rendered for each request; the
article's header, paragraphs and metadata are kept until the article or anything else
readers see changes, so reading an article costs one small query.
"""

from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.text import Truncator
from django.utils.translation import get_language

from articles.linking import highlight_article
from articles.models import Article, Mention
from articles.templatetags.page_meta import local
from newsreader.pagecache import remember

SUMMARY_WORDS = 30


def article_fragments(request: HttpRequest, version: Article, context: dict) -> dict[str, str]:
    """The article's title, summary, head metadata and body for this reading mode, given
    the version of it to show (from Article.objects.versions())."""
    key = (
        "article",
        version.pk,
        version.updated_at.isoformat(),
        version.is_published,
        get_language(),
        context["mode"],
        context["highlight"],
        request.get_host(),
        request.is_secure(),
    )
    return remember(key, lambda: _render(request, version.pk, context))


def _render(request: HttpRequest, pk: int, context: dict) -> dict[str, str]:
    article = Article.objects.for_reading().get(pk=pk)
    prefetch_related_objects(
        [article],
        "paragraphs",
        "tags",
        Prefetch(
            "mentions",
            queryset=Mention.objects.select_related("entity").order_by("-count", "entity__name_en"),
        ),
    )
    blocks = highlight_article(article) if context["highlight"] else article.aligned_blocks()
    context = {**context, "article": article, "blocks": blocks}
    return {
        "title": local(article, "title"),
        "head": render_to_string("articles/_article_head.html", context, request),
        "body": render_to_string("articles/_article_body.html", context, request),
        "summary": Truncator(local(article, "lead")).words(SUMMARY_WORDS),
    }
