"""A lead and a paragraph hold at most 100,000 characters on each side (TEXT_LIMIT), checked
by the database too.

A text already longer (only a hostile feed brought one) is cut to the limit first; the
search text of its article follows at the article's next change.
"""

import articles.fields
import django.core.validators
import django.db.models.functions.text
import django.db.models.lookups
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0014_fingerprints_in_the_one_fold'),
    ]

    operations = [
        migrations.AlterField(
            model_name='article',
            name='lead_en',
            field=articles.fields.NFCTextField(blank=True, max_length=100000, validators=[django.core.validators.MaxLengthValidator(100000)], verbose_name='lead (English)'),
        ),
        migrations.AlterField(
            model_name='article',
            name='lead_vi',
            field=articles.fields.NFCTextField(max_length=100000, validators=[django.core.validators.MaxLengthValidator(100000)], verbose_name='lead (Vietnamese)'),
        ),
        migrations.AlterField(
            model_name='historicalarticle',
            name='lead_en',
            field=articles.fields.NFCTextField(blank=True, max_length=100000, validators=[django.core.validators.MaxLengthValidator(100000)], verbose_name='lead (English)'),
        ),
        migrations.AlterField(
            model_name='historicalarticle',
            name='lead_vi',
            field=articles.fields.NFCTextField(max_length=100000, validators=[django.core.validators.MaxLengthValidator(100000)], verbose_name='lead (Vietnamese)'),
        ),
        migrations.AlterField(
            model_name='paragraph',
            name='text_en',
            field=articles.fields.NFCTextField(blank=True, max_length=100000, validators=[django.core.validators.MaxLengthValidator(100000)], verbose_name='English'),
        ),
        migrations.AlterField(
            model_name='paragraph',
            name='text_vi',
            field=articles.fields.NFCTextField(max_length=100000, validators=[django.core.validators.MaxLengthValidator(100000)], verbose_name='Vietnamese'),
        ),
        migrations.RunSQL(
            sql="""
UPDATE articles_article SET lead_vi = left(lead_vi, 100000) WHERE length(lead_vi) > 100000;
UPDATE articles_article SET lead_en = left(lead_en, 100000) WHERE length(lead_en) > 100000;
UPDATE articles_paragraph SET text_vi = left(text_vi, 100000) WHERE length(text_vi) > 100000;
UPDATE articles_paragraph SET text_en = left(text_en, 100000) WHERE length(text_en) > 100000;
""",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AddConstraint(
            model_name='article',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('lead_vi'), 100000), name='article_lead_vi_length'),
        ),
        migrations.AddConstraint(
            model_name='article',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('lead_en'), 100000), name='article_lead_en_length'),
        ),
        migrations.AddConstraint(
            model_name='paragraph',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('text_vi'), 100000), name='paragraph_text_vi_length'),
        ),
        migrations.AddConstraint(
            model_name='paragraph',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('text_en'), 100000), name='paragraph_text_en_length'),
        ),
    ]
