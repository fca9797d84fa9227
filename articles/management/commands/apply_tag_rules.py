import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.derived import apply_tag_rules
from articles.models import Tag


class Command(BaseCommand):
    help = "Bring the stored articles in line with the tags' rules (all tags, or those named)."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="tags by slug (default: every tag with words)")

    def handle(self, *args, slugs, verbosity, **options):
        tags = Tag.objects.exclude(words_vi="", words_en="").order_by("slug")
        if slugs:
            tags = Tag.objects.filter(slug__in=slugs).order_by("slug")
            if missing := set(slugs) - set(tags.values_list("slug", flat=True)):
                raise CommandError(f"no tag with the slug {', '.join(sorted(missing))}")
        with tqdm(unit=" articles", file=sys.stderr, disable=verbosity < 1) as bar:

            def progress(done, total):
                bar.total = total
                bar.update(done - bar.n)

            outcome = apply_tag_rules(list(tags), progress=progress)
        self.stdout.write(
            f"{len(outcome.gained)} articles gained a tag, {len(outcome.lost)} lost one, "
            f"of {outcome.checked} read"
        )
