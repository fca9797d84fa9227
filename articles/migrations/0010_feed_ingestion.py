# Feed ingestion: sources with a feed, and what feeds and bulk files bring in.

import articles.models
import django.contrib.postgres.fields
import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_editor_group"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="content_fingerprint",
            field=models.CharField(
                blank=True, db_default="", db_index=True, default="", editable=False, max_length=64
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="suggested_tags",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=100),
                blank=True,
                db_default=[],
                default=list,
                editable=False,
                size=None,
                verbose_name="suggested tags",
            ),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="suggested_tags",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=100),
                blank=True,
                db_default=[],
                default=list,
                editable=False,
                size=None,
                verbose_name="suggested tags",
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="default_status",
            field=models.CharField(
                choices=articles.models.article_statuses,
                db_default="draft",
                default="draft",
                max_length=20,
                verbose_name="status of new articles",
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="failures",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="failures in a row"
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="feed_etag",
            field=models.CharField(blank=True, default="", editable=False, max_length=500),
        ),
        migrations.AddField(
            model_name="source",
            name="feed_last_modified",
            field=models.CharField(blank=True, default="", editable=False, max_length=100),
        ),
        migrations.AddField(
            model_name="source",
            name="feed_url",
            field=models.URLField(
                blank=True,
                help_text="RSS or Atom. Empty for a source that has no feed.",
                max_length=1000,
                validators=[django.core.validators.URLValidator(schemes=["http", "https"])],
                verbose_name="feed URL",
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="fetch_every",
            field=models.PositiveIntegerField(
                db_default=30,
                default=30,
                validators=[django.core.validators.MinValueValidator(5)],
                verbose_name="fetch every (minutes)",
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="language",
            field=models.CharField(
                choices=[("vi", "Vietnamese"), ("en", "English")],
                db_default="vi",
                default="vi",
                max_length=2,
                verbose_name="language of its articles",
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="last_counts",
            field=models.JSONField(
                blank=True, default=dict, editable=False, verbose_name="items in the last fetch"
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="last_error",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="last error"
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="last_error_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="last error at"),
        ),
        migrations.AddField(
            model_name="source",
            name="last_fetched_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="last fetched"),
        ),
        migrations.AddField(
            model_name="source",
            name="last_success_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="last success"),
        ),
        migrations.AddField(
            model_name="source",
            name="next_fetch_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="next fetch"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["source_url"], name="article_source_url_idx"),
        ),
    ]
