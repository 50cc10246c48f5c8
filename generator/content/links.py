"""Official links: the only web addresses a printed guide may show, link to or encode in a QR code.

A reader types what is printed, or scans it, and trusts it because it is on
paper from a help desk. So a guide declares its links by name (``https`` only)
and the hosts they may point to; text refers to them as ``[label](link:name)``
and QR blocks by name. Anything else is refused: other hosts, ``http:``,
``javascript:``, user-info (``good.example@evil.example``), look-alike hosts
mixing scripts (a Cyrillic ``а`` in a Latin name), and URL shorteners that hide
where they lead. A translation may not add an address its source does not have.
Phone numbers are contact points too (found by ``phones.py``): text may print
one only through a ``{param}`` placeholder, so it is declared in one place.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from generator.content.phones import phone_numbers

# Services that hide the address they lead to.
SHORTENERS = frozenset({
    "bit.ly", "bitly.com", "t.co", "tinyurl.com", "goo.gl", "ow.ly", "is.gd", "buff.ly", "cutt.ly", "rebrand.ly",
    "t.ly", "s.id", "shorturl.at", "rb.gy", "tiny.cc", "v.gd", "lnkd.in", "trib.al", "qrco.de", "urlz.fr",
    "short.io", "bl.ink", "soo.gd", "x.co", "y2u.be", "wa.me", "t.me", "dub.sh",
})
LINK_REFERENCE = re.compile(r"\[([^\]\n]*)\]\(\s*([^)\s]*)\s*\)")
# Anything a reader could take for an address: a scheme, or www.
ADDRESS = re.compile(r"(?i)\b(?:[a-z][a-z0-9+.-]*:(?://)?|www\.)[^\s<>()\[\]{}\"'，。、）]+")
# Contact points written without a scheme: an email address, a bare domain (``name.example/help``, letters-only
# top-level label of two or more, so ``e.g.`` and ``v1.2`` are not names), and a messaging handle.
_EMAIL = re.compile(r"(?i)\b[a-z0-9._%+-]+@[^\s@<>()\[\]{}\"']+\.[^\W\d_]{2,}\b")
_BARE_DOMAIN = re.compile(
    r"(?i)(?<![\w@.-])(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+(?:xn--[a-z0-9-]+|[^\W\d_]{2,})\b(?:/[^\s<>()\[\]{}\"']*)?"
)
_HANDLE = re.compile(
    r"(?i)(?<![\w.@])@[a-z0-9_]{3,}|\b(?:tg|whatsapp|telegram|signal|viber|line)\s*(?:[:：]\s*@?|@)[a-z0-9_+]{3,}\b"
)
_URL_LIKE_SCHEMES = ("http", "https", "ftp", "javascript", "data", "file", "mailto", "tel", "sms", "vbscript")
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def url_problem(url: str, official_hosts: Iterable[str]) -> str | None:
    """Why ``url`` may not be printed as an official link, or None if it may."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        return f"'{url}' is not a valid address ({error})"
    if parts.scheme != "https":
        return f"'{url}' must start with https:// (got '{parts.scheme or 'no'}' scheme)"
    if "@" in parts.netloc or parts.username or parts.password:
        return f"'{url}' has user information before the host ('…@'); it can disguise the real host"
    host = (parts.hostname or "").rstrip(".")
    problem = host_problem(host)
    if problem:
        return f"'{url}': {problem}"
    if port not in (None, 443):
        return f"'{url}' uses port {port}; official links use the standard https port"
    hosts = {h.lower().rstrip(".") for h in official_hosts}
    if host not in hosts:
        allowed = ", ".join(sorted(hosts)) or "none declared"
        return f"'{url}' points to '{host}', which is not among the official hosts ({allowed})"
    return None


def host_problem(host: str) -> str | None:
    """Why a host name is not acceptable (shortener, mixed scripts, not a name), or None."""
    if not host:
        return "has no host"
    if host in SHORTENERS or any(host.endswith("." + s) for s in SHORTENERS):
        return f"'{host}' is a link shortener; print the address it leads to"
    try:
        unicode_host = host.encode("ascii").decode("idna") if "xn--" in host else host
    except (UnicodeError, ValueError):
        return f"'{host}' is not a valid host name"
    for label in unicode_host.split("."):
        scripts = {_script(char) for char in label if char.isalpha()}
        if len(scripts) > 1:
            odd = next(c for c in label if c.isalpha() and _script(c) != "LATIN") if "LATIN" in scripts else label[0]
            return (f"'{host}' mixes scripts ({', '.join(sorted(scripts)).lower()}): '{odd}' "
                    f"(U+{ord(odd):04X} {unicodedata.name(odd, '?')}) looks like a Latin letter")
    if not host.isascii():
        return f"'{host}' must be written in ASCII (use its xn-- form)"
    if not all(_HOST_LABEL.match(label) for label in host.split(".")) or "." not in host:
        return f"'{host}' is not a valid host name"
    return None


def _script(char: str) -> str:
    """A letter's script, from its Unicode name (LATIN, CYRILLIC, GREEK, …)."""
    return unicodedata.name(char, "UNKNOWN ?").split()[0]


def link_targets(text: str) -> list[str]:
    """The ``link:name`` targets of ``[label](target)`` references, in order."""
    return [target for _, target in LINK_REFERENCE.findall(text)]


def text_problems(text: str, links: Mapping[str, str], regions: Iterable[str] = ()) -> list[str]:
    """What is wrong with the links, addresses and phone numbers in one string of content.

    ``regions``: whose national phone formats to look for (``phones.phone_regions``); numbers written
    with ``+`` are found without it."""
    problems = []
    for target in link_targets(text):
        name = target.removeprefix("link:")
        if not target.startswith("link:"):
            problems.append(f"link '{target}' must name an official link: [text](link:NAME) "
                            f"(declared: {', '.join(sorted(links)) or 'none'})")
        elif name not in links:
            problems.append(f"unknown link 'link:{name}' (declared: {', '.join(sorted(links)) or 'none'})")
    for address in addresses(LINK_REFERENCE.sub(" ", text)):
        if address.rstrip("/.") not in {u.rstrip("/") for u in links.values()} | set(map(readable_url, links.values())):
            problems.append(f"address '{address}' is not an official link; declare it under 'links' "
                            "and refer to it as [text](link:NAME)")
    printed = LINK_REFERENCE.sub(lambda link: f" {link.group(1)} ", text)  # a link's label prints too
    for number in phone_numbers(printed, regions):
        problems.append(f"phone number '{number}' is typed into the text; a phone number prints only from a "
                        "parameter: declare it under 'params' (e.g. support_phone) and write {support_phone}")
    return problems


def addresses(text: str) -> list[str]:
    """Web addresses written out in text (``https://…``, ``www.…``, ``javascript:…``)."""
    found = []
    for match in ADDRESS.finditer(text):
        token = match.group(0)
        scheme = token.split(":", 1)[0].lower() if ":" in token else ""
        if token.lower().startswith("www.") or scheme in _URL_LIKE_SCHEMES:
            found.append(token.rstrip(".,;:!?"))
    rest = ADDRESS.sub(" ", text)
    found += [m.group(0) for m in _EMAIL.finditer(rest)]
    rest = _EMAIL.sub(" ", rest)
    found += [m.group(0).rstrip(".,;:!?") for m in _BARE_DOMAIN.finditer(rest)]
    found += [m.group(0) for m in _HANDLE.finditer(_BARE_DOMAIN.sub(" ", rest))]
    return found


def readable_url(url: str) -> str:
    """The address as a reader types it: no ``https://``, no trailing slash."""
    return url.removeprefix("https://").rstrip("/")
