"""Names like a mistyped one, found through the trigram indexes (articles.search.suggest)."""

from django.db import migrations

from articles.search.sql import CREATE_NAMES_LIKE_FUNCTION, DROP_NAMES_LIKE_FUNCTION


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0025_topic_pairs"),
    ]

    operations = [
        migrations.RunSQL(CREATE_NAMES_LIKE_FUNCTION, DROP_NAMES_LIKE_FUNCTION),
    ]
