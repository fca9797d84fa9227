from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def server_error(request: HttpRequest) -> HttpResponse:
    """The last resort: a page that needs neither the database nor a request context."""
    return HttpResponse(render_to_string("500.html"), status=500)
