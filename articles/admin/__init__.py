"""The newsroom in Django's admin: one module per family of models."""

from articles.admin import articles, categories, entities, glossary, sources, tags

__all__ = ["articles", "categories", "entities", "glossary", "sources", "tags"]
