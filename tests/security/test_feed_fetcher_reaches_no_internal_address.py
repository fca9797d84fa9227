"""The feed fetcher reaches public servers only: no loopback, private, link-local or cloud
metadata address, whatever the URL, the name's resolution at any moment, or a redirect
says, and its errors tell nothing of what listens where."""

import contextlib
import ipaddress
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.text import slugify

from articles.models import Article, Source
from ingest.fetch import FetchError, fetch
from newsreader import addresses
from newsreader.env import env_networks, env_ports
from tests.factories import SourceFactory

NOT_PUBLIC = "refused: the address is not public"
NOT_FETCHED = "could not be fetched"
NOT_PUBLIC_FOR_EDITORS = "Feeds can be fetched from public addresses only, and this one is not."
FEED = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Mạng nội bộ'
    "</title><item><title>Bí mật nội bộ</title><guid>noi-bo-1</guid>"
    "<description>Chỉ dành cho máy trong mạng.</description></item></channel></rss>"
)
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)


class FeedServer(ThreadingHTTPServer):
    """An internal service on 127.0.0.1: serves FEED at /feed, a redirect at /moved to
    wherever `moved_to` says, and remembers each request's path and Host header."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.port = self.server_address[1]
        self.requests: list[tuple[str, str]] = []
        self.moved_to = "/feed"
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def url(self, path: str = "/feed", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append((self.path, self.headers.get("Host", "")))
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", self.server.moved_to)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = FEED.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    feed_server = FeedServer()
    yield feed_server
    feed_server.shutdown()
    feed_server.server_close()


@pytest.fixture(autouse=True)
def quick_fetches(settings):
    settings.FEED_TIMEOUT_SECONDS = 1


class Resolver:
    """DNS as a test wants it: each name answers its addresses in turn (the last one again
    and again); anything else resolves as usual. Counts the questions."""

    def __init__(self, monkeypatch):
        self.answers: dict[str, list[str]] = {}
        self.asked: list[str] = []
        self.real = socket.getaddrinfo
        monkeypatch.setattr(socket, "getaddrinfo", self.getaddrinfo)

    def getaddrinfo(self, host, port, *args, **kwargs):
        if host not in self.answers:
            return self.real(host, port, *args, **kwargs)
        self.asked.append(host)
        answers = self.answers[host]
        address = answers.pop(0) if len(answers) > 1 else answers[0]
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]


@pytest.fixture
def dns(monkeypatch):
    return Resolver(monkeypatch)


def fetch_feeds(*args) -> str:
    out = StringIO()
    try:
        call_command("fetch_feeds", *args, stdout=out, stderr=StringIO())
    except CommandError as error:
        return out.getvalue() + str(error)
    return out.getvalue()


def fetch_error(url: str) -> str:
    with pytest.raises(FetchError) as refusal:
        fetch(url)
    return str(refusal.value)


def add_source(admin_client, feed_url: str, name: str = "Nguồn lạ"):
    return admin_client.post(
        reverse("admin:articles_source_add"),
        {
            "name": name,
            "slug": slugify(name),
            "url": "",
            "feed_url": feed_url,
            "language": "vi",
            "default_status": "draft",
            "fetch_every": "30",
        },
    )


def feed_url_errors(response) -> list[str]:
    assert response.status_code == 200, "the source was saved"
    return response.context["adminform"].form.errors["feed_url"]


# --- Where an editor gives the URL ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "feed_url",
    [
        pytest.param("http://127.0.0.1/", id="loopback"),
        pytest.param("http://[::1]/", id="IPv6 loopback"),
        pytest.param("http://169.254.169.254/latest/meta-data/", id="cloud metadata"),
        pytest.param("http://10.0.0.1/", id="private"),
        pytest.param("http://192.168.1.1/rss", id="home router"),
        pytest.param("http://[::ffff:127.0.0.1]/", id="IPv4-mapped loopback"),
        pytest.param("http://[fd00::1]/", id="unique-local"),
        pytest.param("http://0.0.0.0/", id="unspecified"),
        pytest.param("http://localhost/", id="localhost"),
    ],
)
def test_the_admin_refuses_a_feed_url_on_an_internal_address(admin_client, english_site, feed_url):
    errors = feed_url_errors(add_source(admin_client, feed_url))

    assert errors == [NOT_PUBLIC_FOR_EDITORS]
    assert not Source.objects.exists()


@pytest.mark.django_db
def test_the_admin_refuses_a_name_that_resolves_to_an_internal_address(
    admin_client, english_site, dns
):
    dns.answers["feeds.attacker.example"] = ["127.0.0.1"]

    errors = feed_url_errors(add_source(admin_client, "https://feeds.attacker.example/rss"))

    assert errors == [NOT_PUBLIC_FOR_EDITORS]
    assert not Source.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "feed_url",
    [
        "http://feeds.example.org:8080/rss",
        "https://feeds.example.org:22/",
        "http://127.0.0.1:6379/",
    ],
)
def test_the_admin_refuses_a_port_other_than_80_and_443(admin_client, english_site, dns, feed_url):
    dns.answers["feeds.example.org"] = ["93.184.215.14"]

    errors = feed_url_errors(add_source(admin_client, feed_url))

    assert errors == ["Feeds can be fetched on ports 80, 443 only."]


@pytest.mark.django_db
def test_the_admin_accepts_a_public_feed_and_one_whose_name_does_not_resolve_yet(admin_client, dns):
    dns.answers["feeds.example.org"] = ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]

    public = add_source(admin_client, "https://feeds.example.org/rss", name="Public")
    not_yet = add_source(admin_client, "https://not-yet.invalid/rss", name="Not yet")

    assert (public.status_code, not_yet.status_code) == (302, 302)
    assert Source.objects.count() == 2


# --- Where the feed is fetched ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_source_stored_before_the_check_is_refused_and_never_reached(server, settings):
    settings.FEED_ALLOWED_PORTS = (80, 443, server.port)  # refused for its address alone
    source = SourceFactory(feed_url=server.url())

    fetch_feeds()

    source.refresh_from_db()
    assert source.last_error == NOT_PUBLIC
    assert source.failures == 1
    assert server.requests == []
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:a9fe:a9fe]/latest/meta-data/",  # 169.254.169.254, IPv4-mapped
        "http://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
        "http://[64:ff9b::a00:1]/",  # NAT64 of 10.0.0.1
        "http://100.64.0.1/",  # carrier-grade NAT
        "http://224.0.0.1/",  # multicast
        "http://240.0.0.1/",  # reserved
    ],
)
def test_the_fetcher_refuses_every_internal_address_before_connecting(url, monkeypatch):
    def no_connection(*args, **kwargs):
        raise AssertionError("connected")

    monkeypatch.setattr(socket, "create_connection", no_connection)

    assert fetch_error(url) == NOT_PUBLIC


def test_the_fetcher_refuses_a_name_that_resolves_to_loopback(dns, server, settings):
    settings.FEED_ALLOWED_PORTS = (80, 443, server.port)
    dns.answers["feeds.attacker.example"] = ["127.0.0.1"]

    assert fetch_error(server.url(host="feeds.attacker.example")) == NOT_PUBLIC
    assert server.requests == []


def test_the_fetcher_refuses_a_port_other_than_80_and_443(dns):
    dns.answers["feeds.example.org"] = ["93.184.215.14"]

    assert fetch_error("http://feeds.example.org:6379/") == "refused: port 6379 is not allowed"


@pytest.mark.django_db
def test_a_name_that_resolves_elsewhere_after_the_admin_checked_it_is_refused(
    admin_client, dns, server, settings
):
    # DNS rebinding: public when the editor saves the source, internal when it is fetched.
    settings.FEED_ALLOWED_PORTS = (80, 443, server.port)
    dns.answers["rebind.attacker.example"] = ["93.184.215.14", "127.0.0.1"]

    response = add_source(admin_client, server.url(host="rebind.attacker.example"))
    output = fetch_feeds()

    assert response.status_code == 302
    source = Source.objects.get()
    assert source.last_error == NOT_PUBLIC
    assert f"{source.name}: failed: {NOT_PUBLIC}" in output
    assert server.requests == []
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_the_connection_goes_to_the_address_that_was_checked(dns, server, settings):
    # DNS rebinding within one fetch: the checked answer (here the allowed 127.0.0.1, as a
    # public server) is the one connected to, even though the name now answers 10.0.0.1.
    settings.FEED_ALLOWED_NETWORKS = LOOPBACK
    settings.FEED_ALLOWED_PORTS = (80, 443, server.port)
    dns.answers["rebind.attacker.example"] = ["127.0.0.1", "10.0.0.1"]
    source = SourceFactory(feed_url=server.url(host="rebind.attacker.example"))

    fetch_feeds()

    source.refresh_from_db()
    assert source.last_error == ""
    assert dns.asked == ["rebind.attacker.example"]
    assert server.requests == [("/feed", f"rebind.attacker.example:{server.port}")]
    assert Article.objects.get().title_vi == "Bí mật nội bộ"


def test_over_https_the_certificate_is_checked_against_the_name(dns, server, settings, monkeypatch):
    settings.FEED_ALLOWED_NETWORKS = LOOPBACK
    settings.FEED_ALLOWED_PORTS = (80, 443, server.port)
    dns.answers["feeds.example.org"] = ["127.0.0.1", "10.0.0.1"]
    handshakes = []
    wrap_socket = ssl.SSLContext.wrap_socket

    def note(context, sock, *args, server_hostname=None, **kwargs):
        handshakes.append((sock.getpeername()[0], server_hostname, context.check_hostname))
        return wrap_socket(context, sock, *args, server_hostname=server_hostname, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "wrap_socket", note)

    # The test server speaks plain HTTP: the handshake fails, as it would on a wrong name.
    assert fetch_error(f"https://feeds.example.org:{server.port}/feed") == NOT_FETCHED
    assert handshakes == [("127.0.0.1", "feeds.example.org", True)]


@pytest.mark.django_db
def test_a_redirect_to_an_internal_address_is_refused(server, settings, dns):
    settings.FEED_ALLOWED_PORTS = (80, 443, server.port)
    dns.answers["feeds.example.org"] = ["93.184.215.14"]
    settings.FEED_ALLOWED_NETWORKS = LOOPBACK
    source = SourceFactory(feed_url=server.url("/moved"))

    for target in (
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        f"http://localhost:{server.port}/feed",
    ):
        server.moved_to = target
        fetch_feeds("--source", source.slug)
        source.refresh_from_db()
        assert source.last_error.startswith("redirected to another host ("), target

    assert [path for path, _host in server.requests] == ["/moved"] * 3
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_a_redirect_on_the_same_host_is_checked_again(dns, server, settings):
    # The name answers the allowed 127.0.0.1 for the first request, then 10.0.0.1.
    settings.FEED_ALLOWED_NETWORKS = LOOPBACK
    settings.FEED_ALLOWED_PORTS = (80, 443, server.port)
    dns.answers["rebind.attacker.example"] = ["127.0.0.1", "10.0.0.1"]
    source = SourceFactory(feed_url=server.url("/moved", host="rebind.attacker.example"))

    fetch_feeds()

    source.refresh_from_db()
    assert source.last_error == NOT_PUBLIC
    assert dns.asked == ["rebind.attacker.example"] * 2
    assert [path for path, _host in server.requests] == ["/moved"]
    assert not Article.objects.exists()


# --- What the errors tell ---------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again once the probe is


@contextlib.contextmanager
def a_service_that_is_not_http():
    """A port where something else answers: a banner, then it hangs up."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        with contextlib.suppress(OSError):
            connection, _ = listener.accept()
            with connection:
                connection.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def test_an_open_and_a_closed_port_of_a_refused_address_give_the_same_error(server, settings):
    closed = closed_port()
    settings.FEED_ALLOWED_PORTS = (80, 443, server.port, closed)

    errors = {fetch_error(f"http://127.0.0.1:{port}/feed") for port in (server.port, closed)}

    assert errors == {NOT_PUBLIC}
    assert server.requests == []


def test_a_closed_port_a_foreign_service_and_no_answer_give_the_same_error(
    settings, dns, monkeypatch
):
    # Even where the fetcher may connect, it does not tell a closed port from one where
    # another service listens, from an address that does not answer, or a name with none.
    settings.FEED_ALLOWED_NETWORKS = LOOPBACK
    closed = closed_port()
    dns.answers["silent.example.org"] = ["93.184.215.14"]
    real_connection = socket.create_connection

    def no_answer(address, *args, **kwargs):
        if address[0] == "93.184.215.14":
            raise TimeoutError("timed out")
        return real_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", no_answer)
    with a_service_that_is_not_http() as other:
        settings.FEED_ALLOWED_PORTS = (80, 443, closed, other)
        errors = {
            fetch_error(f"http://127.0.0.1:{closed}/"),
            fetch_error(f"http://127.0.0.1:{other}/"),
            fetch_error("http://silent.example.org/"),
            fetch_error("http://no-such-host.invalid/"),
        }

    assert errors == {NOT_FETCHED}


# --- What a deployment may allow --------------------------------------------------------------


@pytest.mark.django_db
def test_a_private_network_the_deployment_names_is_fetched(admin_client, server, settings):
    settings.FEED_ALLOWED_NETWORKS = LOOPBACK
    settings.FEED_ALLOWED_PORTS = (80, 443, server.port)

    response = add_source(admin_client, server.url())
    fetch_feeds()

    assert response.status_code == 302
    assert Source.objects.get().last_error == ""
    assert Article.objects.get().title_vi == "Bí mật nội bộ"
    # Another private network stays closed.
    settings.FEED_ALLOWED_NETWORKS = (ipaddress.ip_network("10.1.0.0/16"),)
    assert fetch_error(server.url()) == NOT_PUBLIC


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("93.184.215.14", True),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
        ("10.1.2.3", True),  # in the allowed 10.1.0.0/16
        ("10.2.0.1", False),
        ("fd00::7", True),  # in the allowed fd00::/8
        ("fe80::1", False),
        ("::ffff:10.1.2.3", False),  # IPv4-mapped: the IPv6 form is not in an allowed network
        ("::ffff:93.184.215.14", False),
        ("::127.0.0.1", False),  # IPv4-compatible
        ("2002:a9fe:a9fe::", False),  # 6to4 of 169.254.169.254
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),  # Teredo
        ("64:ff9b::7f00:1", False),  # NAT64 of 127.0.0.1
        ("64:ff9b::5db8:d70e", True),  # NAT64 of 93.184.215.14
        ("255.255.255.255", False),
        ("198.18.0.1", False),  # benchmarking
        ("192.0.2.1", False),  # documentation
        ("fec0::1", False),  # site-local
        ("ff02::1", False),  # multicast
        ("::", False),
    ],
)
def test_which_addresses_are_fetched_from(address, allowed, settings):
    settings.FEED_ALLOWED_NETWORKS = (
        ipaddress.ip_network("10.1.0.0/16"),
        ipaddress.ip_network("fd00::/8"),
    )

    assert addresses.is_allowed(ipaddress.ip_address(address)) is allowed


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("FEED_ALLOWED_NETWORKS", "10.1.0.0/16,intranet"),
        ("FEED_ALLOWED_NETWORKS", "10.1.2.3/16"),  # bits set after the prefix
        ("FEED_ALLOWED_PORTS", "80,443,http"),
        ("FEED_ALLOWED_PORTS", "80,70000"),
        ("FEED_ALLOWED_PORTS", "80,,443"),
    ],
)
def test_a_nonsense_allowance_stops_the_site_from_starting(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    read = env_networks if name == "FEED_ALLOWED_NETWORKS" else lambda n: env_ports(n, ())

    with pytest.raises(ImproperlyConfigured, match=name):
        read(name)


def test_allowances_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("FEED_ALLOWED_NETWORKS", "10.1.0.0/16, fd00::/8")
    monkeypatch.setenv("FEED_ALLOWED_PORTS", "80,443,8080")
    monkeypatch.delenv("NO_SUCH_SETTING", raising=False)

    assert env_networks("FEED_ALLOWED_NETWORKS") == (
        ipaddress.ip_network("10.1.0.0/16"),
        ipaddress.ip_network("fd00::/8"),
    )
    assert env_ports("FEED_ALLOWED_PORTS", (80, 443)) == (80, 443, 8080)
    assert env_networks("NO_SUCH_SETTING") == ()
    assert env_ports("NO_SUCH_SETTING", (80, 443)) == (80, 443)
