"""Official links and QR codes: only declared https addresses on official hosts reach the page."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Message as PoMessage

from generator.content.links import text_problems
from generator.content.phones import added_numbers, phone_numbers, phone_regions
from generator.i18n.usability import Unusable, what_is_wrong, why_unusable

from conftest import pdf_reader, pdftotext, run_cli, squeeze, struct_elements

GUIDE = Path("esim-cancel") / "guide.yaml"
PORTAL = "https://selfservice.example.com/esim/cancel"
ANCHOR = "      - type: paragraph\n        text: >\n          eSIM 是"


def _declare(content: Path, links: str, hosts: str = "[selfservice.example.com]", block: str = "") -> Path:
    guide = content / GUIDE
    text = guide.read_text(encoding="utf-8")
    text = text.replace("params:\n  provider: Heyon\n",
                        f"params:\n  provider: Heyon\nofficial_hosts: {hosts}\nlinks:\n{links}", 1)
    if block:
        text = text.replace(ANCHOR, block + ANCHOR, 1)
    guide.write_text(text, encoding="utf-8")
    return guide


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


QR_BLOCK = ("      - type: qr\n        id: portal-qr\n        link: portal\n"
            "        caption: 扫码打开[自助服务网站](link:portal)\n")


def test_qr_code_payload_is_exactly_the_official_url(guide_copy: Path, tmp_path: Path) -> None:
    _declare(guide_copy, f"  portal: {PORTAL}\n", block=QR_BLOCK)
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(guide_copy), "-l", "zh-CN", "-f", "handout", "-o", str(out))
    assert result.exit_code == 0, result.output
    pdf = out / "zh-CN" / "esim-cancel-handout.pdf"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "200", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp_path / "page-1.png")],
                             capture_output=True, text=True, check=True).stdout.split()
    assert decoded == [PORTAL]
    text = squeeze(pdftotext(pdf))
    assert squeeze("selfservice.example.com/esim/cancel") in text  # readable beside the code
    assert squeeze("自助服务网站（selfservice.example.com/esim/cancel）") in text  # CJK parentheses
    uris = [a.get_object()["/A"]["/URI"] for page in pdf_reader(pdf).pages
            for a in page.get("/Annots") or [] if "/A" in a.get_object()]
    assert uris == [PORTAL]


def test_qr_code_alt_text_names_the_address(guide_copy: Path, tmp_path: Path) -> None:
    _declare(guide_copy, f"  portal: {PORTAL}\n", block=QR_BLOCK)
    out = tmp_path / "out"
    assert run_cli("build", "--content", str(guide_copy), "-l", "en", "-f", "handout", "-o", str(out)).exit_code == 0
    figures = [alt for kind, alt in struct_elements(out / "en" / "esim-cancel-handout.pdf") if kind == "/Figure"]
    assert figures == ["QR code of selfservice.example.com/esim/cancel"]


@pytest.mark.parametrize("url, hosts, expected", [
    ("http://selfservice.example.com/x", "[selfservice.example.com]", "must start with https://"),
    ("javascript:alert(1)", "[selfservice.example.com]", "must start with https://"),
    ("https://selfservice.example.com@evil.example/x", "[selfservice.example.com]", "user information"),
    ("https://selfservice.exаmple.com/x", "[selfservice.example.com]", "mixes scripts"),
    ("https://bit.ly/3abc", "[bit.ly]", "link shortener"),
    ("https://other.example.org/x", "[selfservice.example.com]", "not among the official hosts"),
    ("https://selfservice.example.com:8443/x", "[selfservice.example.com]", "port 8443"),
])
def test_bad_official_links_are_refused(guide_copy: Path, url: str, hosts: str, expected: str) -> None:
    guide = _declare(guide_copy, f"  portal: \"{url}\"\n", hosts=hosts)
    result = run_cli("check", "--content", str(guide_copy))
    assert result.exit_code == 1
    assert f"guide.yaml:{_line_of(guide, '  portal:')}" in result.stderr
    assert "links.portal" in result.stderr and expected in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("text, expected", [
    ("看这里 [网站](https://evil.example/login)", "must name an official link"),
    ("看这里 [网站](link:nope)", "unknown link 'link:nope'"),
    ("或者访问 www.evil.example 注销", "address 'www.evil.example' is not an official link"),
    ("点击 javascript:alert(1) 注销", "is not an official link"),
])
def test_text_may_only_link_to_official_links(guide_copy: Path, tmp_path: Path, text: str, expected: str) -> None:
    guide = _declare(guide_copy, f"  portal: {PORTAL}\n")
    body = guide.read_text(encoding="utf-8").replace("title: 什么是 eSIM？", f"title: {text}", 1)
    guide.write_text(body, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(guide_copy), "-l", "zh-CN", "-o", str(out))
    assert result.exit_code == 1
    assert f"guide.yaml:{_line_of(guide, text)}" in result.stderr
    assert expected in result.stderr
    assert not out.exists() or not list(out.rglob("esim-cancel-*.pdf"))  # the broken guide; the others still build


def test_qr_block_needs_a_declared_link(guide_copy: Path) -> None:
    guide = _declare(guide_copy, f"  portal: {PORTAL}\n", block=QR_BLOCK.replace("link: portal", "link: other"))
    result = run_cli("check", "--content", str(guide_copy))
    assert result.exit_code == 1
    assert f"guide.yaml:{_line_of(guide, 'link: other')}" in result.stderr
    assert "unknown link 'other'" in result.stderr


def test_look_alike_official_host_is_refused(guide_copy: Path) -> None:
    guide = _declare(guide_copy, "  portal: https://xn--pple-43d.com/\n", hosts="[xn--pple-43d.com]")
    result = run_cli("check", "--content", str(guide_copy))
    assert result.exit_code == 1
    assert f"guide.yaml:{_line_of(guide, 'official_hosts')}" in result.stderr
    assert "CYRILLIC" in result.stderr


# Phone numbers (content/phones.py): found with libphonenumber, compared in E.164.
# Fictional numbers only: NANP 555-01xx, Ofcom's drama range 020 7946 0xxx, ARCEP's 01 99 00 xx xx.
BUNDLED_AND_MORE = phone_regions(["ar", "en", "es", "fa", "fr", "ko", "pt-BR", "ru", "uk", "vi", "zh-CN", "zh-TW",
                                  "es-MX", "en-GB", "de", "it", "da", "zh-HK", "ja", "en-IN"])


@pytest.mark.parametrize("text, languages, e164", [
    ("Call +1 (800) 555-0199 today.", [], "+18005550199"),
    ("Ring +44 20 7946 0958 for help.", [], "+442079460958"),
    ("Llame al 55 1234 5678.", ["es-MX"], "+525512345678"),  # the tag's region
    ("Appelez le 01 99 00 12 34.", ["fr"], "+33199001234"),  # no region in the tag: CLDR's likely one, FR
    ("Call (800) 555-0199.", ["en"], "+18005550199"),
    ("Call 020 7946 0958.", ["en-GB"], "+442079460958"),
    ("اتصل على +١ ٨٠٠ ٥٥٥ ٠١٩٩", [], "+18005550199"),  # Arabic-Indic digits
    ("请拨打 +１ ８００ ５５５ ０１９９", [], "+18005550199"),  # full-width digits
])
def test_phone_numbers_are_found_in_international_and_national_forms(text: str, languages: list[str],
                                                                       e164: str) -> None:
    assert [n.e164 for n in phone_numbers(text, phone_regions(languages))] == [e164]


def test_a_national_form_is_a_number_only_in_its_regions() -> None:
    assert phone_numbers("Llame al 55 1234 5678.", phone_regions(["fr"])) == []
    assert phone_regions(["es-MX"]) == ("MX",) and phone_regions(["en-419"]) == ()
    # a guide whose params declare a British number: British national forms count in its text too
    assert phone_regions(["zh-CN"], {"provider": "Heyon", "support_phone": "+44 20 7946 0958"}) == ("CN", "GB")


@pytest.mark.parametrize("text", [
    "Updated on 2026-12-07.", "Aktualisiert am 07.12.2026", "le 07/12/2026 à 10:30", "2026年12月7日 10:30 前",
    "at 10:30–18:00, Monday to Saturday 9:00–18:00", "Step 3 of 12", "Page 2 of 3", "Wait 10 to 15 minutes.",
    "about 95% or 12.5%", "costs 1,234.56 € or $12.99", "iOS 17.4 or version 14.2.1", "Dial *#06# to see the IMEI.",
    "IMEI 490154203237518", "IMEI: 35-209900-176148-1", "PIN 1234, PUK 12345678", "up to 48 hours (2 days)",
    "50 GB for 30 days", "5G, 4G or 3G", "١٠ إلى ١٥ دقيقة", "٢٠٢٦-١٢-٠٧", "code 123456",
])
def test_ordinary_numbers_are_not_phone_numbers(text: str) -> None:
    assert phone_numbers(text, BUNDLED_AND_MORE) == []


def test_numbers_are_compared_in_e164() -> None:
    source = "Call +1 800 555 0199 or 55 1234 5678."
    mx = phone_regions(["es-MX"])
    assert added_numbers("Llame al +1 (800) 555-0199 o al +52 55 1234 5678.", source, mx) == []  # same, rewritten
    assert [str(n) for n in added_numbers("Llame al +1 (800) 555-0188.", source, mx)] == [
        "+1 (800) 555-0188 (+18005550188)"]


def test_a_translation_may_keep_its_sources_number_but_not_add_one() -> None:
    source = "Call +1 800 555 0199 or 55 1234 5678."
    mx = phone_regions(["es-MX"])
    assert why_unusable(source, PoMessage(source, "Llame al +1 (800) 555-0199.")) is None
    assert why_unusable(source, PoMessage(source, "Llame al 55 1234 5679."), mx) is Unusable.LINKS
    assert why_unusable(source, PoMessage(source, "Llame al 55 1234 5679.")) is None  # MX forms need MX
    assert "adds the phone number '55 1234 5679 (+525512345679)'" in what_is_wrong(source, "Llame al 55 1234 5679.", mx)


def test_source_text_prints_a_phone_number_only_from_a_parameter() -> None:
    assert text_problems("Call {support_phone} for help.", {}) == []
    typed = text_problems("Call +1 (800) 555-0199 for help.", {})
    assert len(typed) == 1 and "phone number '+1 (800) 555-0199 (+18005550199)' is typed into the text" in typed[0]
    assert text_problems("Call [+1 800 555 0199](link:portal).", {"portal": PORTAL})  # a link's label prints too
    assert text_problems("请拨打 138 0013 8000", {}, phone_regions(["zh-CN"]))
