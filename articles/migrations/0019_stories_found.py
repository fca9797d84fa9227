"""The stories of the articles already stored (articles.stories)."""

from django.db import migrations


def find_stories(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    ids = list(Article.objects.values_list("pk", flat=True))
    if ids:
        from articles.derived import find_stories

        find_stories(ids, from_scratch=True)


class Migration(migrations.Migration):
    dependencies = [("articles", "0018_story_clusters")]

    operations = [migrations.RunPython(find_stories, migrations.RunPython.noop, elidable=True)]
