from django.contrib import admin

from articles.models import Article, Paragraph, Source


class ParagraphInline(admin.TabularInline):
    model = Paragraph
    extra = 0
    fields = ["position", "text_vi", "text_en"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title_vi", "status", "published_at", "source", "needs_review"]
    list_filter = ["status", "needs_review", "source"]
    search_fields = ["title_vi", "title_en", "lead_vi", "lead_en"]
    date_hierarchy = "published_at"
    list_select_related = ["source"]
    prepopulated_fields = {"slug": ["title_vi"]}
    inlines = [ParagraphInline]
    fieldsets = [
        (None, {"fields": ["title_vi", "title_en", "slug", "needs_review"]}),
        ("Lead", {"fields": ["lead_vi", "lead_en"]}),
        ("Figure and byline", {"fields": ["caption_vi", "caption_en", "credit", "author"]}),
        ("Source", {"fields": ["source", "source_url"]}),
        ("Publication", {"fields": ["status", "published_at"]}),
    ]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "url"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
