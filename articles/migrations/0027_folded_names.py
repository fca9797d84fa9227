"""Entity names and aliases store their folded form, which did-you-mean and the search box
compare with what the reader typed, instead of folding every name they look at."""

import importlib

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

from articles.search.sql import CREATE_NAMES_LIKE_FUNCTION, DROP_NAMES_LIKE_FUNCTION

names_like_before = importlib.import_module("articles.migrations.0026_names_like")


def folded(column: str) -> models.GeneratedField:
    return models.GeneratedField(
        db_persist=True,
        expression=models.Func(models.F(column), function="newsreader_fold"),
        output_field=models.TextField(),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0026_names_like"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="entity", name="entity_name_vi_trgm_idx"),
        migrations.RemoveIndex(model_name="entity", name="entity_name_en_trgm_idx"),
        migrations.RemoveIndex(model_name="entityalias", name="alias_text_trgm_idx"),
        migrations.AddField(model_name="entity", name="folded_vi", field=folded("name_vi")),
        migrations.AddField(model_name="entity", name="folded_en", field=folded("name_en")),
        migrations.AddField(model_name="entityalias", name="folded", field=folded("text")),
        migrations.AddIndex(
            model_name="entity",
            index=GinIndex(
                fields=["folded_vi"], name="entity_folded_vi_trgm_idx", opclasses=["gin_trgm_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="entity",
            index=GinIndex(
                fields=["folded_en"], name="entity_folded_en_trgm_idx", opclasses=["gin_trgm_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="entityalias",
            index=GinIndex(
                fields=["folded"], name="alias_folded_trgm_idx", opclasses=["gin_trgm_ops"]
            ),
        ),
        # its argument is renamed (an alias's column is now called `folded`): dropped first
        migrations.RunSQL(
            [DROP_NAMES_LIKE_FUNCTION, CREATE_NAMES_LIKE_FUNCTION],
            [DROP_NAMES_LIKE_FUNCTION, names_like_before.CREATE_NAMES_LIKE_FUNCTION],
        ),
    ]
