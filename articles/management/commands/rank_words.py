from django.core.management.base import BaseCommand

from articles.derived import refresh_levels
from articles.levels import RANKED_ARTICLES, rank_words


class Command(BaseCommand):
    help = (
        f"Rank the site's Vietnamese words by how many of its latest {RANKED_ARTICLES:,} "
        "published articles hold each, then give every article its reading level again."
    )

    def handle(self, *args, **options):
        ranked = rank_words()
        changed = refresh_levels()
        self.stdout.write(f"Ranked {ranked} words; {changed} articles changed level.")
