"""The admin's forms: an article with its paragraph pairs, and the forms behind the
editors' actions (add to a category, merge entities, import files, preview a rule)."""

import math
from dataclasses import dataclass, field

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple, FilteredSelectMultiple
from django.db import models
from django.db.models import F
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from articles.history import Change, revision_changes
from articles.models import Article, Category, Entity, Paragraph, Tag
from articles.publishing import current_version
from articles.translation import stamp_changed_texts

POSITION_OFFSET = 1_000_000  # out of the way while paragraphs change places


@dataclass
class Conflict:
    """Someone saved the article after this editor opened it."""

    theirs: object | None  # their revision (a historical record), when one was recorded
    changes: list[Change] = field(default_factory=list)


def https_urls(field, **kwargs):
    """Form fields for model fields, with web addresses typed without a scheme taken as
    https:// (as the admin's formfield_overrides do)."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class ArticleForm(forms.ModelForm):
    """The article with what is picked for it, and the version it was opened at."""

    # Not "entities": the model's field of that name goes through Mention, which a form
    # cannot set directly (articles.entities.linking.set_entities_by_hand does).
    linked_entities = forms.ModelMultipleChoiceField(
        Entity.objects.all(),
        required=False,
        label=capfirst(_("entities")),
        help_text=_(
            "Found in the text when you save. Add others by hand; one the text names stays linked."
        ),
        widget=AutocompleteSelectMultiple(Article._meta.get_field("entities"), admin.site),
    )
    # Not the model's field: the tags shown are all the article's tags, its rules' too, and
    # saving them keeps apart what an editor added and took off (set_tags_by_hand).
    tags = forms.ModelMultipleChoiceField(
        Tag.objects.all(),
        required=False,
        label=capfirst(_("tags")),
        help_text=_(
            "Tags whose words the text uses are added when you save. A tag you take off "
            "stays off, and one you add stays."
        ),
        widget=AutocompleteSelectMultiple(Article._meta.get_field("tags"), admin.site),
    )
    categories = forms.ModelMultipleChoiceField(
        Category.objects.all(),
        required=False,
        label=capfirst(_("categories")),
        help_text=_(
            "Chosen by the categories' rules. Adding one pins the article into it; "
            "removing one excludes it by hand."
        ),
        widget=FilteredSelectMultiple(_("categories"), is_stacked=False),
    )
    is_correction = forms.BooleanField(
        required=False,
        label=_("This save corrects the article in substance"),
        help_text=_("Not for typos. Readers are told, in both languages, with the date."),
    )
    correction_vi = forms.CharField(
        required=False,
        max_length=2000,
        label=_("What changed (Vietnamese)"),
        widget=forms.Textarea(attrs={"rows": 2, "lang": "vi"}),
    )
    correction_en = forms.CharField(
        required=False,
        max_length=2000,
        label=_("What changed (English)"),
        widget=forms.Textarea(attrs={"rows": 2, "lang": "en"}),
    )
    base_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    replace_newer = forms.BooleanField(
        required=False, label=_("Save mine anyway, replacing the newer version")
    )

    class Meta:
        model = Article
        fields = [
            *("title_vi", "title_en", "slug", "needs_review", "lead_vi", "lead_en"),
            *("caption_vi", "caption_en", "credit", "author", "source", "source_url"),
            *("status", "published_at"),
        ]
        formfield_callback = https_urls
        widgets = {
            "lead_vi": forms.Textarea(attrs={"rows": 3, "lang": "vi"}),
            "lead_en": forms.Textarea(attrs={"rows": 3, "lang": "en"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict: Conflict | None = None
        self.version_now: int | None = None
        article = self.instance
        if article.pk:
            self.fields["base_version"].initial = article.version
            self.fields["linked_entities"].initial = list(
                article.mentions.values_list("entity_id", flat=True)
            )
            self.fields["categories"].initial = list(article.category_ids)
            self.fields["tags"].initial = list(article.tag_ids)

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("status") == Article.Status.PUBLISHED and not cleaned_data.get(
            "published_at"
        ):
            cleaned_data["published_at"] = timezone.now()  # published without a time: now
        if cleaned_data.get("is_correction"):
            if self.instance.status != Article.Status.PUBLISHED:
                self.add_error(
                    "is_correction", _("Only a published article gets correction notes.")
                )
            elif not cleaned_data.get("correction_vi", "").strip():
                self.add_error(
                    "correction_vi", _("Say what changed, for the readers of the article.")
                )
        if self.instance.pk is None:
            return cleaned_data
        self.version_now = current_version(self.instance.pk)
        base = cleaned_data.get("base_version")
        newer = self.version_now is not None and base != self.version_now
        if newer and not cleaned_data.get("replace_newer"):
            self.conflict = _conflict(self.instance.pk, base, self.version_now)
            raise forms.ValidationError(
                _(
                    "Someone else saved this article after you opened it. Nothing you "
                    "typed is lost, and nothing was saved: your version is still in the "
                    "form below. Look at their change, copy what you need, then open "
                    "the article again, or save yours over theirs."
                ),
                code="conflict",
            )
        return cleaned_data

    def save(self, commit=True):
        article = self.instance
        if article.pk:
            stamp_changed_texts(article, self.changed_data)
            article.version = (self.version_now or article.version) + 1
        return super().save(commit)


def _conflict(article_pk: int, base: int | None, now: int) -> Conflict:
    revisions = Article.history.filter(id=article_pk).order_by("-history_date", "-history_id")
    theirs = revisions.filter(version=now).first()
    opened = revisions.filter(version=base).first() if base is not None else None
    changes = revision_changes(opened, theirs) if theirs and opened else []
    return Conflict(theirs, changes)


class ParagraphForm(forms.ModelForm):
    """One Vietnamese | English pair, with a number that says where it goes."""

    order = forms.FloatField(
        required=False,
        label=capfirst(_("order")),
        help_text=_("Type a number to move the pair: 2.5 goes between 2 and 3."),
        widget=forms.NumberInput(attrs={"step": "any", "class": "pair-order"}),
    )

    class Meta:
        model = Paragraph
        fields = ["order", "text_vi", "text_en"]
        widgets = {
            "text_vi": forms.Textarea(attrs={"rows": 4, "lang": "vi", "class": "pair-text"}),
            "text_en": forms.Textarea(attrs={"rows": 4, "lang": "en", "class": "pair-text"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["order"].initial = self.instance.position

    def clean_order(self):
        order = self.cleaned_data.get("order")
        if order is not None and not math.isfinite(order):
            raise forms.ValidationError(_("Type an ordinary number."))
        return order


class ParagraphFormSet(BaseInlineFormSet):
    """Saves the pairs in the order their numbers give, numbered 1, 2, 3… again, and
    remembers when each side of a pair changed (for the stale-translation check)."""

    def save(self, commit=True):
        now = timezone.now()
        for form in self.forms:
            if form.has_changed():
                stamp_changed_texts(form.instance, form.changed_data, now)
        super().save(commit=False)
        for paragraph in self.deleted_objects:
            paragraph.delete()
        kept = [
            form
            for form in self.forms
            if form not in self.deleted_forms and (form.instance.pk or form.has_changed())
        ]
        ranked = sorted(
            enumerate(kept),
            key=lambda item: (
                item[1].cleaned_data.get("order") is None,
                item[1].cleaned_data.get("order") or 0,
                item[0],
            ),
        )
        moved = False  # an existing pair changes place: the others must make way
        for position, (_index, form) in enumerate(ranked, start=1):
            moved |= form.instance.pk is not None and form.instance.position != position
            form.instance.position = position
        if moved:
            self.instance.paragraphs.update(position=F("position") + POSITION_OFFSET)
            to_save = [form.instance for form in kept]
        else:
            to_save = [form.instance for form in kept if form.has_changed()]
        for paragraph in to_save:
            paragraph.article = self.instance
            paragraph.save()
        return to_save


class AddToCategoryForm(forms.Form):
    category = forms.ModelChoiceField(Category.objects.all(), label=capfirst(_("category")))


class MergeEntitiesForm(forms.Form):
    target = forms.ModelChoiceField(
        Entity.objects.none(), label=_("keep this entity"), widget=forms.RadioSelect
    )

    def __init__(self, *args, entities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = entities


class CategoryRuleForm(forms.Form):
    """Just the rule of a category form, to preview what it selects before it is saved."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in Category.RULE_FIELDS:
            model = Category._meta.get_field(name).related_model
            self.fields[name] = forms.ModelMultipleChoiceField(model.objects.all(), required=False)

    def rule(self) -> dict[str, list[int]]:
        return {name: [obj.pk for obj in self.cleaned_data[name]] for name in Category.RULE_FIELDS}
