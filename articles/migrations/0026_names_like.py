"""Names like a mistyped one, found through the trigram indexes (articles.search.suggest).

The function as this migration made it: migration 0027 reads the names' stored folded
forms instead."""

from django.db import migrations

CREATE_NAMES_LIKE_FUNCTION = """
CREATE OR REPLACE FUNCTION newsreader_names_like(folded text, at_most integer)
RETURNS TABLE (name text, entity_id bigint, score real)
LANGUAGE sql STABLE ROWS 20 SET enable_seqscan = off AS $$
SELECT name::text, entity_id::bigint, similarity(newsreader_fold(name), folded) AS score
FROM (
    SELECT text, entity_id FROM articles_entityalias WHERE newsreader_fold(text) % folded
    UNION SELECT name_vi, id FROM articles_entity WHERE newsreader_fold(name_vi) % folded
    UNION SELECT name_en, id FROM articles_entity WHERE newsreader_fold(name_en) % folded
) AS names(name, entity_id)
ORDER BY score DESC, name LIMIT at_most
$$"""
DROP_NAMES_LIKE_FUNCTION = "DROP FUNCTION IF EXISTS newsreader_names_like(text, integer)"


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0025_topic_pairs"),
    ]

    operations = [
        migrations.RunSQL(CREATE_NAMES_LIKE_FUNCTION, DROP_NAMES_LIKE_FUNCTION),
    ]
