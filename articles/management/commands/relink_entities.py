from django.core.management.base import BaseCommand, CommandError

from articles.derived import relink_articles, relink_entity
from articles.models import Article, Entity


class Command(BaseCommand):
    help = (
        "Find entities again in the articles that mention them or may name them, after "
        "their names or aliases changed; with no entity given, in every article."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", metavar="entity", help="Entity slugs.")

    def handle(self, *args, slugs, **options):
        if not slugs:
            count = relink_articles(Article.objects.values_list("pk", flat=True))
            self.stdout.write(f"Re-linked {count} articles.")
            return
        entities = {entity.slug: entity for entity in Entity.objects.filter(slug__in=slugs)}
        if unknown := [slug for slug in slugs if slug not in entities]:
            raise CommandError(f"No entity with the slug {', '.join(unknown)}.")
        for slug in slugs:
            relinked = relink_entity(entities[slug])
            self.stdout.write(
                f"{slug}: re-linked {relinked.count} articles; linked in {relinked.linked} now."
            )
