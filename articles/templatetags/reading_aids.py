"""What the article page's reading aids read (static/js/reading-aids.js)."""

import json

from django import template

register = template.Library()


@register.filter
def sentence_data(article) -> str:
    """The article's sentences and their links, block by block, as JSON for an attribute
    (escaped where it is written)."""
    return json.dumps(
        [[block["vi"], block["en"], block["links"]] for block in article.sentences],
        separators=(",", ":"),
    )
