"""The terms of every article's title, with their weights, through which search ranks
every match (articles.search.sql); filled in for the articles already stored."""

import django.db.models.deletion
from django.db import migrations, models

from articles.search.sql import (
    CREATE_TERM_IDF_FUNCTION,
    CREATE_TITLE_TERMS_FUNCTION,
    DROP_RANKING_FUNCTIONS,
)


def store_title_terms(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    ids = list(Article.objects.values_list("pk", flat=True).order_by("pk"))
    if ids:
        from articles.derived import store_title_terms

        store_title_terms(ids)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0023_translation_desk'),
    ]

    operations = [
        migrations.CreateModel(
            name='TitleTerm',
            fields=[
                ('pk', models.CompositePrimaryKey('article', 'term', blank=True, editable=False, primary_key=True, serialize=False)),
                ('term', models.TextField()),
                ('level', models.SmallIntegerField()),
                ('published_at', models.DateTimeField()),
                ('article', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='title_terms', to='articles.article')),
            ],
            options={
                'indexes': [models.Index(fields=['term', '-level', '-published_at'], include=('article',), name='title_term_ranked_idx')],
            },
        ),
        migrations.RunSQL(
            sql=(
                "ALTER TABLE articles_titleterm ADD CONSTRAINT titleterm_article_fk "
                "FOREIGN KEY (article_id) REFERENCES articles_article (id) ON DELETE CASCADE"
            ),
            reverse_sql="ALTER TABLE articles_titleterm DROP CONSTRAINT titleterm_article_fk",
        ),
        migrations.RunSQL(
            sql=CREATE_TITLE_TERMS_FUNCTION + CREATE_TERM_IDF_FUNCTION,
            reverse_sql=DROP_RANKING_FUNCTIONS,
        ),
        migrations.RunPython(store_title_terms, migrations.RunPython.noop, elidable=True),
    ]
