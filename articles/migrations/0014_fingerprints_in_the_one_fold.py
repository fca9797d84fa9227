"""Incoming texts' fingerprints are now made with the one fold of articles.text.fold().

It differs from the fold they were made with only on ß, ħ and combining marks outside
U+0300–U+036F. The fingerprints of texts holding any of these are made again, from the
text as stored, where that text is still the one the fingerprint was made from.
"""

import hashlib
import re
import unicodedata

from django.db import migrations

MIN_FINGERPRINT_WORDS = 30
_WORD = re.compile(r"\w+")
_OLD_STROKES = str.maketrans("đĐøØłŁħĦ", "dDoOlLhH")
_NEW_STROKES = str.maketrans("đĐøØłŁ", "ddooll")
_MARKS = re.compile("[\u0300-\u036f]")


def _old_fold(text):
    decomposed = unicodedata.normalize("NFD", text.translate(_OLD_STROKES))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", bare).casefold()


def _new_fold(text):
    return _MARKS.sub("", unicodedata.normalize("NFD", text)).translate(_NEW_STROKES).lower()


def _fingerprint(title, blocks, fold):
    words = _WORD.findall(fold(" ".join(blocks)))
    if len(words) < MIN_FINGERPRINT_WORDS:
        words = _WORD.findall(fold(title)) + words
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


def refold(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Paragraph = apps.get_model("articles", "Paragraph")
    texts = ("title_vi", "title_en", "lead_vi", "lead_en", "body_vi", "body_en")
    rows = Article.objects.exclude(content_fingerprint="").values_list("pk", *texts)
    for pk, *parts in rows.iterator(chunk_size=2000):
        whole = " ".join(parts)
        if _old_fold(whole) == _new_fold(whole):
            continue  # the two folds agree on this text: its fingerprint stands
        article = Article.objects.get(pk=pk)
        paragraphs = Paragraph.objects.filter(article_id=pk).order_by("position")
        for side in ("vi", "en"):
            title, lead = getattr(article, f"title_{side}"), getattr(article, f"lead_{side}")
            blocks = [lead, *paragraphs.values_list(f"text_{side}", flat=True)]
            if _fingerprint(title, blocks, _old_fold) == article.content_fingerprint:
                refolded = _fingerprint(title, blocks, _new_fold)
                Article.objects.filter(pk=pk).update(content_fingerprint=refolded)
                break


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_source_fields")]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop, elidable=True)]
