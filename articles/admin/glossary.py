"""The glossary: the meanings readers see when they tap a word, and the editors' queue of
the words used most in published articles that nothing glosses yet."""

from django.contrib import admin
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from articles.glossary import unglossed_words
from articles.models import GlossaryEntry

QUEUE_LENGTH = 200


@admin.register(GlossaryEntry)
class GlossaryEntryAdmin(admin.ModelAdmin):
    list_display = ["headword", "language", "glosses", "part_of_speech", "updated_at"]
    list_filter = ["language", "part_of_speech"]
    search_fields = ["headword", "glosses", "note"]
    fields = [("headword", "language"), "glosses", "part_of_speech", "note"]

    def get_changeform_initial_data(self, request):
        """The queue's links fill in the word and its direction."""
        return {
            key: value[:100]
            for key, value in request.GET.items()
            if key in ("headword", "language")
        }

    def get_urls(self):
        queue = self.admin_site.admin_view(self.queue_view)
        return [path("queue/", queue, name="articles_glossaryentry_queue"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "queue_url": reverse("admin:articles_glossaryentry_queue"),
        }
        return super().changelist_view(request, extra_context)

    def queue_view(self, request):
        """The words used most in the latest published articles with no meaning yet, each
        with a link to add one."""
        add = reverse("admin:articles_glossaryentry_add")
        words = [
            (language, word, count, f"{add}?{urlencode({'headword': word, 'language': language})}")
            for language, word, count in unglossed_words(QUEUE_LENGTH)
        ]
        return render(
            request,
            "admin/articles/glossaryentry/queue.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Words to gloss"),
                "opts": self.model._meta,
                "words": words,
                "can_add": self.has_add_permission(request),
            },
        )
