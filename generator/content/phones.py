"""Phone numbers in printed text, found with Google's libphonenumber (the ``phonenumbers`` package).

A number written with ``+`` is found for any country when its length fits that
country's plan (leniency POSSIBLE). A national form (``01 23 45 67 89``,
``55 1234 5678``) has no country in it, so it is looked for only in the regions
a text can be about: the language's region (CLDR's likely one when the tag has
none: ``fr`` → FR, ``es-MX`` → MX), the guide's source language's, and those of
the numbers the guide declares in its params; and only when it is a valid
number there (leniency VALID), so dates, prices, step counts and IMEIs are not
taken for numbers; a written date (``2026-12-07``, ``07.12.2026``) is never
one, though its digits may be valid in a plan of eight or ten digits. Numbers
are compared in E.164 (``+525512345678``), so the same number written two ways
is one number. Digits of any script count (Arabic-Indic ``٥٥٥``, full-width
``５５５``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher

from generator.content.languages import maximize
from generator.errors import GuidegenError

if TYPE_CHECKING:
    from generator.content.model import Guide

Regions = tuple[str, ...]
"""ISO 3166 region codes (``MX``, ``FR``) whose national formats are looked for."""

_ANY_REGION = "ZZ"  # phonenumbers' "unknown region": only numbers written with + are found
# Year-month-day or day-month-year with one separator throughout; libphonenumber itself only skips "d/m/y".
_DATE = re.compile(r"(?P<y>(?:19|20)\d\d)(?P<s>[-./ ])(?P<m>\d\d?)(?P=s)(?P<d>\d\d?)"
                   r"|(?P<d2>\d\d?)(?P<s2>[-./ ])(?P<m2>\d\d?)(?P=s2)(?P<y2>(?:19|20)\d\d)")


@dataclass(frozen=True)
class PhoneNumber:
    """A phone number as printed, and the number it dials."""

    written: str  # as it stands in the text
    e164: str  # normalized: +, country code, national number

    def __str__(self) -> str:
        return self.written if self.written == self.e164 else f"{self.written} ({self.e164})"


def phone_numbers(text: str, regions: Iterable[str] = ()) -> list[PhoneNumber]:
    """Every phone number in ``text``, in order: ``+`` numbers of any country, national forms of ``regions``."""
    if not any(char.isdecimal() for char in text):
        return []  # the common case, and cheap
    return list(_find(text, tuple(sorted(set(regions)))))


@lru_cache(maxsize=8192)
def _find(text: str, regions: Regions) -> tuple[PhoneNumber, ...]:
    found: dict[tuple[int, str], PhoneNumber] = {}
    passes = [(_ANY_REGION, Leniency.POSSIBLE)] + [(region, Leniency.VALID) for region in regions]
    for region, leniency in passes:
        for match in PhoneNumberMatcher(text, region, leniency=leniency):
            if _is_date(match.raw_string):
                continue
            e164 = phonenumbers.format_number(match.number, PhoneNumberFormat.E164)
            found.setdefault((match.start, e164), PhoneNumber(match.raw_string, e164))
    return tuple(number for _, number in sorted(found.items()))


def _is_date(written: str) -> bool:
    """Whether a match is a calendar date written with numbers (digits of any script)."""
    ascii_digits = "".join(str(unicodedata.digit(c)) if c.isdecimal() else c for c in written)
    found = _DATE.fullmatch(ascii_digits)
    if not found:
        return False
    day, month = (int(found["d"] or found["d2"]), int(found["m"] or found["m2"]))
    return 1 <= day <= 31 and 1 <= month <= 12 or 1 <= month <= 31 and 1 <= day <= 12  # d-m or m-d order


def added_numbers(text: str, source: str, regions: Iterable[str] = ()) -> list[PhoneNumber]:
    """The numbers of ``text`` (a translation) that ``source`` does not have, compared in E.164."""
    regions = tuple(regions)
    present = {number.e164 for number in phone_numbers(source, regions)}
    return [number for number in phone_numbers(text, regions) if number.e164 not in present]


def phone_regions(languages: Iterable[str], params: Mapping[str, str] | None = None) -> Regions:
    """The regions whose national formats matter for text in ``languages`` of a guide with ``params``."""
    regions = {region for language in languages if (region := _language_region(language))}
    for value in (params or {}).values():
        for number in phone_numbers(value, regions):
            region = phonenumbers.region_code_for_number(phonenumbers.parse(number.e164))
            if region and region != _ANY_REGION:
                regions.add(region)
    return tuple(sorted(regions))


def guide_regions(guide: Guide, language: str | None = None) -> Regions:
    """The regions for a guide's text in ``language`` (a translation), or in its source language (None)."""
    return phone_regions([guide.source_language] + ([language] if language else []), guide.params)


def _language_region(language: str) -> str | None:
    """The language tag's region, or CLDR's likely one; None when it is not a country (``419``)."""
    try:
        region = maximize(language).region
    except GuidegenError:
        return None
    return region if region in phonenumbers.SUPPORTED_REGIONS else None
