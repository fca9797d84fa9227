"""The article page, rendered once per version of the article.

Reading an article costs one small query, for the version of it the reader may see (a
draft only for staff); the page for that version, in that language and reading mode, is
kept until the article or anything else readers see changes.
"""

import json

from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import get_language

from articles.entities.linking import highlight_article
from articles.models import Article, Mention
from articles.related import coverage
from newsreader.pagecache import absolute_url, remember
from newsreader.pagecache import version as content_version


def article_page(request: HttpRequest, version: Article, context: dict) -> str:
    """The page's HTML for the version of the article given (from
    Article.objects.version_to_read()), in the reading mode of the context."""
    key = (
        "article page",
        version.pk,
        version.updated_at.isoformat(),
        version.is_published,
        get_language(),
        context["mode"],
        absolute_url(request),  # the language links and canonical URL name it
    )
    return remember(key, lambda: _render(request, version.pk, context))


def _render(request: HttpRequest, pk: int, context: dict) -> str:
    article = Article.objects.for_reading().select_related("story_member").get(pk=pk)
    prefetch_related_objects(
        [article],
        "paragraphs",
        "tags",
        "corrections",
        Prefetch(
            "mentions",
            queryset=Mention.objects.select_related("entity").order_by("-count", "entity__name_en"),
        ),
    )
    blocks = highlight_article(article) if context["highlight"] else article.aligned_blocks()
    member = getattr(article, "story_member", None)  # none until its story is found
    page = {**context, "article": article, "blocks": blocks, "coverage": coverage(article, member)}
    page["words_version"] = content_version()  # the meanings its words' data holds
    return render_to_string("articles/detail.html", page, request)


def sentence_data(article: Article) -> str:
    """The article's sentences and their links, block by block, as JSON for an attribute
    of its page (escaped where it is written), which static/js/reading-aids.js reads."""
    return json.dumps(
        [[block["vi"], block["en"], block["links"]] for block in article.sentences],
        separators=(",", ":"),
    )
