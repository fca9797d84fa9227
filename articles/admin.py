from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from articles.linking import relink_article
from articles.membership import refresh_membership
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


class ParagraphInline(admin.TabularInline):
    model = Paragraph
    extra = 0
    fields = ["position", "text_vi", "text_en"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title_vi", "status", "published_at", "source", "needs_review"]
    list_filter = ["status", "needs_review", "source", "categories"]
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
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, category):
        return category.article_count

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_membership([form.instance])


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
