"""Stories: each article's near-duplicates from other sources (articles.stories), found
for the articles already stored."""

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
CREATE OR REPLACE FUNCTION newsreader_pairs_overlap(integer[], integer[]) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN least(cardinality($1), cardinality($2)) >= 8 THEN
        cardinality(ARRAY(SELECT unnest($1) INTERSECT SELECT unnest($2)))::float8
            / least(cardinality($1), cardinality($2))
    ELSE 0 END
$$;
CREATE OR REPLACE FUNCTION newsreader_story_overlap(integer[], integer[], integer[], integer[])
RETURNS float8 LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT greatest(
        newsreader_pairs_overlap($1, $3), newsreader_pairs_overlap($2, $4),
        newsreader_pairs_overlap($1, $4), newsreader_pairs_overlap($2, $3)
    )
$$;
"""


def find_stories(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    ids = list(Article.objects.values_list("pk", flat=True))
    if ids:
        from articles.derived import find_stories

        find_stories(ids, from_scratch=True)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0015_text_limits'),
    ]

    operations = [
        migrations.RunSQL(
            sql=STORY_FUNCTIONS,
            reverse_sql=(
                "DROP FUNCTION IF EXISTS newsreader_story_overlap(integer[], integer[], "
                "integer[], integer[]); "
                "DROP FUNCTION IF EXISTS newsreader_pairs_overlap(integer[], integer[]); "
                "DROP FUNCTION IF EXISTS newsreader_story_bands(integer[]); "
                "DROP FUNCTION IF EXISTS newsreader_story_pairs(text);"
            ),
        ),
        migrations.CreateModel(
            name='StoryMember',
            fields=[
                ('article', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='story_member', serialize=False, to='articles.article')),
                ('story_id', models.BigIntegerField()),
                ('story_basis', models.CharField(max_length=32)),
                ('story_pairs_vi', django.contrib.postgres.fields.ArrayField(base_field=models.IntegerField(), default=list, size=None)),
                ('story_pairs_en', django.contrib.postgres.fields.ArrayField(base_field=models.IntegerField(), default=list, size=None)),
                ('story_bands', django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), default=list, size=None)),
            ],
            options={
                'indexes': [models.Index(fields=['story_id'], name='story_member_story_idx'), models.Index(condition=models.Q(('story_id', models.F('article')), _negated=True), fields=['story_id'], name='story_member_follower_idx'), django.contrib.postgres.indexes.GinIndex(fields=['story_bands'], name='story_member_bands_idx')],
            },
        ),
        migrations.RunSQL(
            sql=(
                "ALTER TABLE articles_storymember ADD CONSTRAINT storymember_article_fk "
                "FOREIGN KEY (article_id) REFERENCES articles_article (id) ON DELETE CASCADE "
                "DEFERRABLE INITIALLY DEFERRED"
            ),
            reverse_sql="ALTER TABLE articles_storymember DROP CONSTRAINT storymember_article_fk",
        ),
        migrations.RunPython(find_stories, migrations.RunPython.noop, elidable=True),
    ]
