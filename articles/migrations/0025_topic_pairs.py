"""Counts of published articles by pair of topics, kept by triggers (articles.topics):
the triggers are made first, which keeps writers out until the stored articles are
counted."""

from django.db import migrations, models

from articles.topics import (
    COUNT_STORED_ARTICLES,
    CREATE_TOPICS_FUNCTION,
    CREATE_TRIGGER_FUNCTION,
    CREATE_TRIGGERS,
    DROP_TRIGGERS,
)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0024_title_terms'),
    ]

    operations = [
        migrations.CreateModel(
            name='TopicPair',
            fields=[
                ('pk', models.CompositePrimaryKey('kind', 'value', 'other_kind', 'other_value', blank=True, editable=False, primary_key=True, serialize=False)),
                ('kind', models.SmallIntegerField()),
                ('value', models.BigIntegerField()),
                ('other_kind', models.SmallIntegerField()),
                ('other_value', models.BigIntegerField()),
                ('articles', models.IntegerField()),
            ],
        ),
        migrations.RunSQL(
            CREATE_TOPICS_FUNCTION + CREATE_TRIGGER_FUNCTION + CREATE_TRIGGERS,
            DROP_TRIGGERS,
        ),
        migrations.RunSQL(COUNT_STORED_ARTICLES, migrations.RunSQL.noop),
    ]
