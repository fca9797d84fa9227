from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Newsroom")

    def ready(self):
        post_save.connect(_content_changed, sender="articles.Article")
        post_delete.connect(_content_changed, sender="articles.Article")


def _content_changed(**kwargs) -> None:
    """Whatever changes an article, in the admin or not, makes every kept page stale."""
    from newsreader.pagecache import content_changed

    transaction.on_commit(content_changed)
