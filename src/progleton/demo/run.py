"""`progleton demo`: follow the bundled publishers over loopback, crawl them for real, report."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass

from progleton.demo.server import PublisherServer
from progleton.demo.site import DemoPublisher
from progleton.models import Source
from progleton.pipeline import CrawlReport, Pipeline

# Publishers are followed in rotation through each way a user adds a source, so the demo
# exercises homepage autodiscovery and all three feed formats.
_WAYS = ("homepage", "rss", "atom", "json")


@dataclass(slots=True)
class DemoSetup:
    """What `follow_publishers` did."""

    followed: int
    already: int
    failed: list[str]


def entry_url(pub: DemoPublisher, index: int) -> str:
    """The URL a user would paste for this publisher."""
    way = _WAYS[index % len(_WAYS)]
    return pub.homepage_url if way == "homepage" else pub.feed_urls[way]


def follow_publishers(pipeline: Pipeline, server: PublisherServer) -> DemoSetup:
    """Add every demo publisher as a source (skipping ones the store already follows)."""
    todo: list[str] = []
    already = 0
    for i, pub in enumerate(server.publishers):
        if any(pipeline.store.get_source_by_url(u) for u in pub.feed_urls.values()):
            already += 1
        else:
            todo.append(entry_url(pub, i))
    results = asyncio.run(pipeline.add_sources(todo)) if todo else []
    failed = [
        f"{url}: {r.reason}"
        for url, r in zip(todo, results, strict=True)
        if not isinstance(r, Source)
    ]
    return DemoSetup(followed=len(todo) - len(failed), already=already, failed=failed)


def publisher_allow_hosts(server: PublisherServer) -> str:
    """An `allow_hosts` value covering exactly the running publishers' loopback addresses."""
    hosts = {ipaddress.IPv4Network(pub.ip) for pub in server.publishers}  # one /32 each
    return ",".join(str(net) for net in ipaddress.collapse_addresses(hosts))


def build_demo(
    pipeline: Pipeline,
    publisher_port: int,
    crawl: Callable[[Pipeline], CrawlReport],
) -> tuple[DemoSetup, CrawlReport, int]:
    """Serve the corpus on loopback, follow it, crawl it; returns (setup, report, publishers).

    The SSRF guard refuses loopback addresses, so while the demo runs the pipeline's settings
    also allow the publishers' own addresses (and nothing else); they are restored afterwards,
    so whatever the pipeline does next is guarded as usual.
    """
    with PublisherServer(port=publisher_port) as server:
        own = pipeline.settings
        allowed = ",".join(filter(None, [own.allow_hosts, publisher_allow_hosts(server)]))
        pipeline.settings = own.with_(allow_hosts=allowed)
        try:
            setup = follow_publishers(pipeline, server)
            report = crawl(pipeline)
        finally:
            pipeline.settings = own
        return setup, report, len(server.publishers)
