"""Each article's Vietnamese words (search_words, read when its text is linked) and the
word vector generated from them. Existing articles have none until they are linked again:
`python manage.py relink_entities` (every article) fills them in."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.expressions
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0015_text_limits'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='search_words',
            field=models.TextField(blank=True, db_default='', default='', editable=False),
        ),
        migrations.AddField(
            model_name='article',
            name='word_vector',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.expressions.RawSQL('setweight(to_tsvector(\'simple\'::regconfig, replace(split_part("search_words", E\'\\n\', 1), \'_\', \'\')), \'A\') || setweight(to_tsvector(\'simple\'::regconfig, replace(split_part("search_words", E\'\\n\', 4), \'_\', \'\')), \'A\') || setweight(to_tsvector(\'simple\'::regconfig, replace(split_part("search_words", E\'\\n\', 2), \'_\', \'\')), \'B\') || setweight(to_tsvector(\'simple\'::regconfig, replace(split_part("search_words", E\'\\n\', 5), \'_\', \'\')), \'B\') || setweight(to_tsvector(\'simple\'::regconfig, replace(split_part("search_words", E\'\\n\', 3), \'_\', \'\')), \'C\') || setweight(to_tsvector(\'simple\'::regconfig, replace(split_part("search_words", E\'\\n\', 6), \'_\', \'\')), \'C\')', ()), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='article',
            index=django.contrib.postgres.indexes.GinIndex(fields=['word_vector'], name='article_word_search_idx'),
        ),
    ]
