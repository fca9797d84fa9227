"""Tags: editors' topics, with names in both languages and the rule that puts them on
articles; a page to test a rule on a text or an article, see what it would change over the
stored articles, and apply it."""

import time

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.derived import apply_tag_rules, categories_for
from articles.entities.linking import current_gazetteer, read_article
from articles.models import Article, Category, Tag
from articles.tagging import TagRules, rule_outcome

PREVIEW_LIMIT = 2_000  # stored articles a preview reads, newest first
EXAMPLES = 8
RULE_FIELDS = ["words_vi", "words_en", "ignore_diacritics", "minimum_count", "title_and_lead_only"]


class TagRuleTestForm(forms.ModelForm):
    text = forms.CharField(
        label=_("Text to test"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Paste a text in either language, or pick an article below."),
    )
    article = forms.ModelChoiceField(
        Article.objects.without_search_columns(),
        label=_("or an article"),
        required=False,
        widget=forms.NumberInput,
        help_text=_("Its id, as in its address in the admin."),
    )

    class Meta:
        model = Tag
        fields = RULE_FIELDS


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name_vi", "name_en", "slug", "words", "article_count"]
    search_fields = ["name_vi", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    actions = ["apply_rules"]
    readonly_fields = ["rule_tester"]
    fieldsets = [
        (None, {"fields": [("name_vi", "name_en"), "slug"]}),
        (
            _("Rule"),
            {
                "fields": [
                    "words_vi",
                    "words_en",
                    ("ignore_diacritics", "title_and_lead_only"),
                    "minimum_count",
                    "rule_tester",
                ],
                "description": _(
                    "Articles whose text uses these words get the tag when they are saved. "
                    "To bring the stored articles in line with a new or changed rule, test "
                    "it and apply it from the rule tester (or the “Apply their rules” "
                    "action)."
                ),
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    def get_urls(self):
        tester = self.admin_site.admin_view(self.rule_test_view)
        return [
            path("test/", tester, name="articles_tag_test"),
            path("<path:object_id>/test/", tester, name="articles_tag_test"),
            *super().get_urls(),
        ]

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, tag):
        return tag.article_count

    @admin.display(description=_("test"))
    def rule_tester(self, tag):
        url = reverse("admin:articles_tag_test", args=[tag.pk] if tag.pk else [])
        return format_html(
            '<a href="{}">{}</a>',
            url,
            _("Test this rule on a text or an article, see what it changes, and apply it"),
        )

    @admin.display(description=_("rule"))
    def words(self, tag):
        return ", ".join(words for words in (tag.words_vi, tag.words_en) if words)

    @admin.action(description=_("Apply their rules to the stored articles"))
    def apply_rules(self, request, queryset):
        self._apply(request, list(queryset))

    def _apply(self, request, tags: list[Tag]) -> None:
        started = time.perf_counter()
        outcome = apply_tag_rules(tags)
        self.message_user(
            request,
            _(
                "%(tags)s: %(gained)d articles gained a tag and %(lost)d lost one, of "
                "%(checked)d read, in %(seconds).1f s."
            )
            % {
                "tags": ", ".join(map(str, tags)),
                "gained": len(outcome.gained),
                "lost": len(outcome.lost),
                "checked": outcome.checked,
                "seconds": time.perf_counter() - started,
            },
            messages.SUCCESS,
        )

    def rule_test_view(self, request, object_id=None):
        """Which tags and categories a text or an article gets, with the rule as typed in
        place of the tag's own; what the rule would change over the stored articles; and,
        for an existing tag, saving and applying it."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        tag = Tag()
        if object_id is not None:
            tag = self.get_object(request, unquote(object_id))
            if tag is None:
                raise Http404
        form = TagRuleTestForm(request.POST or request.GET or None, instance=tag)
        context = {}
        if form.is_bound and form.is_valid():
            edited = form.save(commit=False)
            if "_apply" in request.POST and tag.pk:
                if not self.has_change_permission(request, tag):
                    raise PermissionDenied
                edited.save(update_fields=RULE_FIELDS)
                self._apply(request, [edited])
                return redirect(reverse("admin:articles_tag_change", args=[tag.pk]))
            context = _test(edited, form.cleaned_data)
        return render(
            request,
            "admin/articles/tag/test.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Test a tag rule"),
                "opts": self.model._meta,
                "tag": tag if tag.pk else None,
                "form": form,
                "can_apply": bool(tag.pk) and self.has_change_permission(request, tag),
                **context,
            },
        )


def _test(edited: Tag, data: dict) -> dict:
    others = Tag.objects.exclude(words_vi="", words_en="").exclude(pk=edited.pk)
    rules = TagRules([*others, edited])
    article = data.get("article")
    paragraphs = None
    if article is None and data.get("text"):
        article, paragraphs = Article(lead_vi=data["text"], lead_en=data["text"]), []
    found = []
    if article is not None:
        matches = rules.matches(article, paragraphs)
        tags = {tag.pk: tag for tag in Tag.objects.filter(pk__in=[pk for pk in matches if pk])}
        found = [(tags.get(pk, edited), match.words.most_common()) for pk, match in matches.items()]
        hand = set(article.tags.values_list("pk", flat=True)) if article.pk else set()
        entities, *_rest = read_article(article, current_gazetteer(), paragraphs)
        category_ids = categories_for({*hand, *(pk for pk in matches if pk)}, entities)
        categories = Category.objects.filter(pk__in=category_ids)
    else:
        categories = None
    outcome = rule_outcome(edited, limit=PREVIEW_LIMIT)
    examples = Article.objects.without_search_columns().latest_first()
    return {
        "tested": article is not None,
        "found": found,
        "categories": categories,
        "outcome": outcome,
        "gained": examples.filter(pk__in=outcome.gained[:EXAMPLES]),
        "lost": examples.filter(pk__in=outcome.lost[:EXAMPLES]),
        "preview_limit": PREVIEW_LIMIT,
        "summary": ngettext("%(count)d article read.", "%(count)d articles read.", outcome.checked)
        % {"count": outcome.checked},
    }
