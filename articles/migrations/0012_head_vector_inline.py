# The title-and-lead vector is read for every article a search walks past, newest first:
# kept in the row (compressed, but not moved out to the TOAST table), testing it costs a
# fifth as much. Rows written before this keep their place until VACUUM FULL rewrites them.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_phrase_vector"),
    ]

    operations = [
        migrations.RunSQL(
            sql="ALTER TABLE articles_article ALTER COLUMN head_vector SET STORAGE MAIN",
            reverse_sql="ALTER TABLE articles_article ALTER COLUMN head_vector SET STORAGE EXTENDED",
        ),
    ]
