"""The admin's upload page: raw scraped files and their translations, imported as
`import_articles` imports them, with the same per-file report.

An upload is capped before it is read: a request larger than IMPORT_UPLOAD_MAX_BYTES is
refused from its Content-Length, unread, and of each file no more is kept than the
importer reads (IMPORT_MAX_BYTES, and a byte to tell it is larger), the rest dropped as it
arrives.
"""

from collections import Counter

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from articles.models import Article
from ingest.files import import_uploads
from ingest.reports import describe, summarize


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class ImportFilesForm(forms.Form):
    files = MultipleFileField(
        allow_empty_file=True,  # the importer refuses it, in its report
        label=capfirst(_("files")),
        help_text=_(
            "Raw scraped articles (NAME.txt), each with its translation (NAME.en.txt) "
            "if there is one."
        ),
    )
    publish = forms.BooleanField(required=False, label=_("publish them at once"))


class CappedFileUpload(FileUploadHandler):
    """Passes on the first `keep` bytes of each file to the handlers after it (which keep
    them in memory or in a temporary file), and drops the rest as it arrives."""

    def __init__(self, request: HttpRequest, keep: int):
        super().__init__(request)
        self.keep = keep

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        room = self.keep - start
        return raw_data[:room] if room > 0 else None

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler makes the file, of the bytes it was given


@csrf_exempt  # until its upload handlers are set: checking the token reads the upload
def import_files(request: HttpRequest) -> HttpResponse:
    """Upload raw files and their translations: the importer's per-file report."""
    if not request.user.has_perm("articles.add_article"):
        raise PermissionDenied
    if request.method == "POST":
        size, limit = _content_length(request), settings.IMPORT_UPLOAD_MAX_BYTES
        if size > limit:
            return _too_large(request, size, limit)
        request.upload_handlers.insert(0, CappedFileUpload(request, settings.IMPORT_MAX_BYTES + 1))
    return _import_files(request)


@csrf_protect
def _import_files(request: HttpRequest) -> HttpResponse:
    form = ImportFilesForm(request.POST or None, request.FILES or None)
    report, summary = [], ""
    if request.method == "POST" and form.is_valid():
        outcomes = import_uploads(
            form.cleaned_data["files"],
            publish=form.cleaned_data["publish"],
            max_bytes=settings.IMPORT_MAX_BYTES,
        )
        report = [(outcome, describe(outcome)) for outcome in outcomes]
        summary = summarize(Counter(outcome.status for outcome in outcomes))
    return _page(request, form, report, summary)


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _too_large(request: HttpRequest, size: int, limit: int) -> HttpResponse:
    """The page again, saying why nothing was read (413 Content Too Large)."""
    message = gettext(
        "This upload is %(size)s, more than the %(limit)s one upload may bring. "
        "Nothing was imported: upload fewer or smaller files at a time."
    ) % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
    messages.error(request, message)
    return _page(request, ImportFilesForm(), status=413)


def _page(request, form, report=(), summary="", status=200) -> HttpResponse:
    return render(
        request,
        "admin/articles/article/import.html",
        {
            **admin.site.each_context(request),
            "title": _("Import scraped articles"),
            "opts": Article._meta,
            "form": form,
            "report": report,
            "summary": summary,
        },
        status=status,
    )
