from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from articles.linking import relink_article
from articles.membership import forget, refresh_membership
from articles.models import (
    Article,
    Category,
    Entity,
    EntityAlias,
    EntitySuggestion,
    Paragraph,
    Source,
    Tag,
)
from articles.suggestions import approve_suggestion, reject_suggestions


def forget_after_delete(delete, request, obj, field: str) -> None:
    """Delete a tag, entity or category, and take its id out of the articles' id arrays."""
    deleted_id = obj.pk
    delete(request, obj)
    forget(field, deleted_id)


def forget_after_bulk_delete(delete, request, queryset, field: str) -> None:
    deleted_ids = list(queryset.values_list("pk", flat=True))
    delete(request, queryset)
    for deleted_id in deleted_ids:
        forget(field, deleted_id)


class CategoryListFilter(admin.SimpleListFilter):
    title = _("category")
    parameter_name = "category"

    def lookups(self, request, model_admin):
        return [(category.pk, str(category)) for category in Category.objects.all()]

    def queryset(self, request, queryset):
        category = Category.objects.filter(pk=self.value()).first() if self.value() else None
        return queryset.in_category(category) if category else queryset

    def value(self):
        value = super().value()
        return value if value and value.isdigit() else None


class ParagraphInline(admin.TabularInline):
    model = Paragraph
    extra = 0
    fields = ["position", "text_vi", "text_en"]


HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["title_vi", "status", "published_at", "source", "needs_review"]
    list_filter = ["status", "needs_review", "source", CategoryListFilter]
    search_fields = ["title_vi", "title_en", "lead_vi", "lead_en"]
    date_hierarchy = "published_at"
    list_select_related = ["source"]
    prepopulated_fields = {"slug": ["title_vi"]}
    autocomplete_fields = ["source", "tags"]
    inlines = [ParagraphInline]
    fieldsets = [
        (None, {"fields": ["title_vi", "title_en", "slug", "needs_review"]}),
        (_("Lead"), {"fields": ["lead_vi", "lead_en"]}),
        (_("Figure and byline"), {"fields": ["caption_vi", "caption_en", "credit", "author"]}),
        (_("Source"), {"fields": ["source", "source_url"]}),
        (_("Topics"), {"fields": ["tags"]}),
        (_("Publication"), {"fields": ["status", "published_at"]}),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        relink_article(form.instance)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "url"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name_vi", "name_en", "slug", "article_count"]
    search_fields = ["name_vi", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, tag):
        return tag.article_count

    def delete_model(self, request, tag):
        forget_after_delete(super().delete_model, request, tag, "tag_ids")

    def delete_queryset(self, request, queryset):
        forget_after_bulk_delete(super().delete_queryset, request, queryset, "tag_ids")


class EntityAliasInline(admin.TabularInline):
    model = EntityAlias
    extra = 1


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_vi", "kind", "slug", "article_count"]
    list_filter = ["kind"]
    search_fields = ["name_en", "name_vi", "aliases__text", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [EntityAliasInline]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(article_count=Count("mentions", distinct=True))
        )

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, entity):
        return entity.article_count

    def delete_model(self, request, entity):
        forget_after_delete(super().delete_model, request, entity, "entity_ids")

    def delete_queryset(self, request, queryset):
        forget_after_bulk_delete(super().delete_queryset, request, queryset, "entity_ids")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_vi", "name_en", "position", "article_count"]
    list_editable = ["position"]
    search_fields = ["name_vi", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = [
        "any_tags",
        "any_entities",
        "all_tags",
        "all_entities",
        "exclude_tags",
        "exclude_entities",
        "pinned_articles",
        "excluded_articles",
    ]
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
    ]

    def get_queryset(self, request):
        members = RawSQL(
            "SELECT count(*) FROM articles_article "
            "WHERE category_ids @> ARRAY[articles_category.id]",
            (),
        )
        return super().get_queryset(request).annotate(article_count=members)

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, category):
        return category.article_count

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_membership([form.instance])

    def delete_model(self, request, category):
        forget_after_delete(super().delete_model, request, category, "category_ids")

    def delete_queryset(self, request, queryset):
        forget_after_bulk_delete(super().delete_queryset, request, queryset, "category_ids")


@admin.register(EntitySuggestion)
class EntitySuggestionAdmin(admin.ModelAdmin):
    list_display = ["text", "language", "kind", "occurrences", "article_count", "status", "entity"]
    list_filter = ["status", "kind", "language"]
    list_editable = ["kind", "entity"]
    search_fields = ["text"]
    autocomplete_fields = ["entity"]
    readonly_fields = ["occurrences", "article_count", "status"]
    actions = ["approve", "reject"]

    @admin.action(description=_("Approve: new entity, or alias of the chosen entity"))
    def approve(self, request, queryset):
        for suggestion in queryset.exclude(status=EntitySuggestion.Status.APPROVED):
            entity = approve_suggestion(suggestion)
            self.message_user(
                request,
                _("“%(name)s” now links to %(entity)s.") % {"name": suggestion, "entity": entity},
            )

    @admin.action(description=_("Reject: never propose again"))
    def reject(self, request, queryset):
        rejected = reject_suggestions(queryset)
        self.message_user(
            request, _("%(count)d suggestion(s) rejected.") % {"count": rejected}, messages.SUCCESS
        )
