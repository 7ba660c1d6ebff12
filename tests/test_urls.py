from __future__ import annotations

import pytest

from crawler import sites
from crawler.helpers.urls import canonical_url, gateway_host, host_of, unwrap_gateway, url_key

SEED = "https://xitheory.china.com.cn/2025-06/05/content_117911710.htm"


@pytest.mark.parametrize(
    "url",
    [
        "http://xitheory.china.com.cn/2025-06/05/content_117911710.htm",
        "http://big5.china.com.cn/gate/big5/xitheory.china.com.cn/2025-06/05/content_117911710.htm",
        "https://big5.china.com.cn/gate/big5/xitheory.china.com.cn/2025-06/05/content_117911710.htm",
        "http://xitheory.china.com.cn/2025-06/05/content_117911710_2.htm",
        "http://xitheory.china.com.cn/2025-06/05/content_117911710.shtml",
        "http://xitheory.china.com.cn/2025-06/05/content_117911710.html?from=timeline#p2",
    ],
)
def test_one_identity_for_every_copy_of_a_story(url: str) -> None:
    site = sites.get("chinacomcn")
    assert site.canonical_url(url) == SEED
    assert site.key_for(url) == url_key("story:chinacomcn:117911710")


def test_gateway_unwrapping() -> None:
    gate = "http://big5.china.com.cn/gate/big5/news.china.com.cn/node_7247300.htm"
    assert unwrap_gateway(gate) == "http://news.china.com.cn/node_7247300.htm"
    assert gateway_host(gate) == "big5.china.com.cn"
    assert host_of(gate) == "news.china.com.cn"
    assert unwrap_gateway("http://news.china.com.cn/x.htm") == "http://news.china.com.cn/x.htm"


def test_generic_canonical_form() -> None:
    assert canonical_url("HTTP://WWW.Example.com//a//b?utm_source=x&b=2&a=1#top") == "https://example.com/a/b?a=1&b=2"


def test_list_links_point_at_the_first_page() -> None:
    gate = "http://big5.china.com.cn/gate/big5/news.china.com.cn/txt/2025-06/03/content_117905522_2.htm"
    assert (
        sites.get("chinacomcn").first_page_url(gate)
        == "http://big5.china.com.cn/gate/big5/news.china.com.cn/txt/2025-06/03/content_117905522.htm"
    )


def test_site_registry() -> None:
    assert [s.key for s in sites.chosen("all")] == list(sites.SITES)
    assert sites.for_url("http://big5.china.com.cn/gate/big5/xitheory.china.com.cn/") is sites.get("chinacomcn")
    assert sites.for_url("http://www.china.org.cn/china/x.htm") is None
    with pytest.raises(ValueError, match="unknown site"):
        sites.chosen("nosuchsite")


def test_redact_hides_whatever_the_password_holds_and_secret_options() -> None:
    from crawler.store.secrets import Secret, redact

    assert redact("mongodb://user:secret@host:27017/db") == "mongodb://***@host:27017/db"
    # Unescaped @ and / in a password (a malformed URI) still never print.
    assert redact("mongodb://user:p@ss/w@rd@host/db") == "mongodb://***@host/db"
    assert redact("mongodb://host/?tls=true&tlsCertificateKeyFilePassword=k3y&appName=x") == (
        "mongodb://host/?tls=true&tlsCertificateKeyFilePassword=***&appName=x"
    )
    assert redact("redis://default:pw@127.0.0.1:6379/0") == "redis://***@127.0.0.1:6379/0"
    assert redact("mongodb://127.0.0.1:27017/") == "mongodb://127.0.0.1:27017/"
    assert repr(Secret("mongodb://u:secret@h/")) == "'mongodb://***@h/'"
    assert str(Secret("mongodb://u:secret@h/")) == "mongodb://u:secret@h/"
