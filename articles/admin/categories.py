"""Categories: a rule over tags and entities, what it selects, and a preview as typed."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.utils.translation import gettext_lazy as _

from articles.admin.base import RevisionAdmin
from articles.forms import CategoryRuleForm
from articles.models import Article, Category

RULE_SAMPLE_SIZE = 10


def rule_matches(articles) -> str:
    """How many articles a rule selects, and the latest of them, as HTML for the admin."""
    sample = articles.without_search_columns().latest_first()[:RULE_SAMPLE_SIZE]
    return render_to_string(
        "admin/articles/category/_matches.html",
        {"count": articles.count(), "sample": sample},
    )


@admin.register(Category)
class CategoryAdmin(RevisionAdmin):
    list_display = ["name_vi", "name_en", "position", "article_count"]
    list_editable = ["position"]
    search_fields = ["name_vi", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}
    readonly_fields = ["matches"]
    autocomplete_fields = list(Category.RULE_FIELDS)
    fieldsets = [
        (None, {"fields": ["name_vi", "name_en", "slug", "position"]}),
        (_("Description"), {"fields": ["description_vi", "description_en"]}),
        (
            _("Rule: articles with ANY of"),
            {"fields": ["any_tags", "any_entities"]},
        ),
        (_("…and ALL of (optional)"), {"fields": ["all_tags", "all_entities"]}),
        (_("…but NONE of"), {"fields": ["exclude_tags", "exclude_entities"]}),
        (_("By hand"), {"fields": ["pinned_articles", "excluded_articles"]}),
        (_("What the saved rule selects"), {"fields": ["matches"]}),
    ]

    def get_queryset(self, request):
        members = RawSQL(
            "SELECT count(*) FROM articles_article "
            "WHERE category_ids @> ARRAY[articles_category.id]",
            (),
        )
        return super().get_queryset(request).annotate(article_count=members)

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("preview/", preview, name="articles_category_preview"),
            path("<path:object_id>/preview/", preview, name="articles_category_preview"),
            *super().get_urls(),
        ]

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, category):
        return category.article_count

    @admin.display(description=_("matches"))
    def matches(self, category):
        if not category.pk:
            return _("Preview the rule, or save it, to see what it selects.")
        return rule_matches(Article.objects.selected_by(category))

    def preview_view(self, request, object_id=None):
        """What the rule as typed in the form selects, before it is saved."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        category = None
        if object_id is not None:
            category = self.get_object(request, unquote(object_id))
            if category is None:
                raise Http404
        form = CategoryRuleForm(request.POST or request.GET)
        matches = (
            rule_matches(Article.objects.matching_rule(form.rule())) if form.is_valid() else ""
        )
        return render(
            request,
            "admin/articles/category/preview.html",
            {
                **self.admin_site.each_context(request),
                "title": _("What this rule selects"),
                "opts": self.model._meta,
                "category": category,
                "form": form,
                "matches": matches,
            },
        )
