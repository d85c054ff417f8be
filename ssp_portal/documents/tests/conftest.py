from __future__ import annotations

import io

import pytest
from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def kyrgyz_organization(db):
    from organizations.factories import OrganizationFactory

    return OrganizationFactory(
        name="Коомдук фонд «Балдарга Тирек» — Үмүт, Өнүгүү, Таң",
        head_name="Чолпон Абдылдаева",
        verified=True,
    )
