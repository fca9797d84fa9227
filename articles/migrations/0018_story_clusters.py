"""Stories: each article's near-duplicates from other sources (articles.stories), stored
in a table of its own, and the SQL functions that find them."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
from django.db import migrations, models


STORY_FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION newsreader_story_pairs(text) RETURNS integer[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ARRAY(
        SELECT DISTINCT hashtext(pair) FROM unnest(tsvector_to_array(
            newsreader_word_pairs(to_tsvector('simple'::regconfig, newsreader_fold($1)))
        )) AS pair
        ORDER BY 1
    )
$$;
CREATE OR REPLACE FUNCTION newsreader_story_bands(integer[]) RETURNS bigint[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ARRAY(
        SELECT hashtextextended(
            min(hashint4extended(pair, 2 * band))::text || ' '
                || min(hashint4extended(pair, 2 * band + 1))::text,
            band
        )
        FROM unnest($1) AS pair, generate_series(0, 15) AS band
        WHERE cardinality($1) >= 8
        GROUP BY band
        ORDER BY band
    )
$$;
CREATE OR REPLACE FUNCTION newsreader_story_keys(bands bigint[], period bigint, around integer)
RETURNS bigint[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ARRAY(
        SELECT DISTINCT hashint8extended(band, near)
        FROM unnest(bands) AS band, generate_series(period - around, period + around) AS near
        ORDER BY 1
    )
$$;
CREATE OR REPLACE FUNCTION newsreader_story_overlap(integer[], integer[]) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN least(cardinality($1), cardinality($2)) >= 8 THEN
        cardinality(ARRAY(SELECT unnest($1) INTERSECT SELECT unnest($2)))::float8
            / least(cardinality($1), cardinality($2))
    ELSE 0 END
$$;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0017_tag_rules'),
    ]

    operations = [
        migrations.RunSQL(sql=STORY_FUNCTIONS, reverse_sql='DROP FUNCTION IF EXISTS newsreader_story_overlap(integer[], integer[]); DROP FUNCTION IF EXISTS newsreader_story_keys(bigint[], bigint, integer); DROP FUNCTION IF EXISTS newsreader_story_bands(integer[]); DROP FUNCTION IF EXISTS newsreader_story_pairs(text);'),
        migrations.CreateModel(
            name='StoryMember',
            fields=[
                ('article', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='story_member', serialize=False, to='articles.article')),
                ('story_id', models.BigIntegerField()),
                ('story_basis', models.CharField(max_length=32)),
                ('story_time', models.DateTimeField(null=True)),
                ('story_source_id', models.BigIntegerField(null=True)),
                ('story_pairs', django.contrib.postgres.fields.ArrayField(base_field=models.IntegerField(), default=list, size=None)),
                ('story_bands', django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), default=list, size=None)),
                ('story_keys', django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), default=list, size=None)),
            ],
            options={
                'indexes': [models.Index(fields=['story_id'], name='story_member_story_idx'), models.Index(condition=models.Q(('story_id', models.F('article')), _negated=True), fields=['story_id'], name='story_member_follower_idx'), django.contrib.postgres.indexes.GinIndex(fastupdate=False, fields=['story_keys'], name='story_member_keys_idx')],
            },
        ),
        migrations.RunSQL(
            sql=(
                "ALTER TABLE articles_storymember ADD CONSTRAINT storymember_article_fk "
                "FOREIGN KEY (article_id) REFERENCES articles_article (id) ON DELETE CASCADE"
            ),
            reverse_sql="ALTER TABLE articles_storymember DROP CONSTRAINT storymember_article_fk",
        ),
    ]
