"""What the PDFs say underneath: every piece of content tagged or an artifact, languages marked."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject

from conftest import BUNDLED_LANGUAGES, DOCUMENTS, FORMATS, Built, pdftotext, run_cli, struct_langs


def _tree_mcids(reader: PdfReader) -> dict[int, set[int]]:
    """MCIDs claimed by structure elements reachable from the StructTreeRoot, by page index."""
    pages = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages)}
    claimed: dict[int, set[int]] = {}

    def walk(node: object, page: int | None) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, int):
            claimed.setdefault(page, set()).add(node)  # type: ignore[arg-type]
            return
        if not isinstance(node, DictionaryObject):
            return
        if "/Pg" in node:
            page = pages[node.raw_get("/Pg").idnum]
        if "/MCID" in node:
            claimed.setdefault(page, set()).add(int(node["/MCID"]))  # type: ignore[arg-type]
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            walk(kid, page)

    walk(reader.trailer["/Root"]["/StructTreeRoot"], None)
    return claimed


def _marked(reader: PdfReader, index: int) -> tuple[set[int], list[DictionaryObject]]:
    """MCIDs used in a page's content, and the property lists of its /Artifact sequences."""
    mcids, artifacts = set(), []
    for operands, operator in ContentStream(reader.pages[index].get_contents(), reader).operations:
        if operator == b"BDC" and isinstance(operands[1], DictionaryObject):
            if "/MCID" in operands[1]:
                mcids.add(int(operands[1]["/MCID"]))
            elif operands[0] == "/Artifact":
                artifacts.append(operands[1])
    return mcids, artifacts


@pytest.mark.parametrize("guide, language", DOCUMENTS)
@pytest.mark.parametrize("format_", FORMATS)
def test_every_marked_sequence_is_in_the_tree_or_an_artifact(built: Built, guide: str, language: str,
                                                             format_: str) -> None:
    reader = PdfReader(built.pdf(language, format_, guide))
    claimed = _tree_mcids(reader)
    for index in range(len(reader.pages)):
        mcids, artifacts = _marked(reader, index)
        assert mcids and mcids <= claimed.get(index, set()), (index, sorted(mcids - claimed.get(index, set())))
        if format_ == "handout":  # the running footer: pagination artifacts
            assert artifacts and all(a["/Type"] == "/Pagination" and a["/Subtype"] == "/Footer" for a in artifacts)


def test_a_run_in_another_language_is_marked_in_the_tree(content_copy: Path, tmp_path: Path) -> None:
    po = content_copy / "esim-cancel" / "locales" / "en.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Choose the number to cancel."', 'msgstr ""'),
                  encoding="utf-8")
    out = tmp_path / "out"
    assert run_cli("build", "--content", str(content_copy), "-l", "en", "-f", "handout", "-o", str(out)).exit_code == 0
    pdf = out / "en" / "esim-cancel-handout.pdf"
    langs = [lang for lang, _ in struct_langs(pdf)]
    # The one string left in Chinese, and the other complete languages named in themselves on the last page
    # (English itself is incomplete now); the rest is the document's own English.
    others = [tag for tag in BUNDLED_LANGUAGES if tag != "en"]
    assert sorted(langs) == sorted(["zh-CN", *others]), langs
    assert "选择要注销的号码" in pdftotext(pdf)
