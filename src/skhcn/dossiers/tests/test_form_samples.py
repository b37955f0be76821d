"""One realistic dossier walked through the workflow, its forms 01–05 and the register 06 rendered and read back.

With ``FORM_SAMPLES_DIR`` set (``make form-samples``), the files are also written there, for people to look at (the
Makefile turns the PDFs into PNG pages with pdftoppm)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from skhcn.dossiers.constants import Action
from skhcn.dossiers.documents.forms_pdf import render_form
from skhcn.dossiers.documents.receipt import render_receipt
from skhcn.dossiers.documents.register import RegisterFilters, register_xlsx
from skhcn.dossiers.models import Dossier

from .test_papers import add_documents, pages_of
from .workflow_support import act, submitted_dossier

pytestmark = pytest.mark.django_db

COMPANY = "Công ty TNHH Đầu tư Phát triển Bắc Sơn"
ADDRESS = "Số 12, đường Kim Đồng, phường Thục Phán, tỉnh Cao Bằng"


def _write(name: str, content: bytes) -> None:
    folder = os.environ.get("FORM_SAMPLES_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(content)


def test_sample_dossier_prints_every_form(world, clock):
    dossier = submitted_dossier(
        world, applicant_name=COMPANY, applicant_address=ADDRESS, applicant_id_number="4800123456"
    )
    add_documents(dossier, 3)
    _write("thong-bao-tiep-nhan-truc-tuyen.pdf", render_receipt(dossier))
    clock.advance(hours=1)
    dossier = act(dossier, Action.RECEIVE, world=world)
    for action in (Action.TRANSFER, Action.ASSIGN):
        clock.advance(hours=2)
        dossier = act(dossier, action, world=world)
    clock.advance(days=1)
    dossier = act(
        dossier,
        Action.REQUEST_SUPPLEMENT,
        world.specialist,
        world=world,
        comment="Bổ sung báo cáo tài chính năm 2025 có xác nhận của cơ quan thuế",
        reason="Báo cáo tài chính đã nộp chưa có xác nhận của cơ quan thuế.",
    )
    clock.advance(days=2)
    dossier = act(dossier, Action.SUPPLY, world=world)
    clock.advance(days=1)
    dossier = act(
        dossier, Action.APOLOGIZE, world.leader, world=world, comment="Hồ sơ cần lấy ý kiến thẩm định của Sở Tài chính."
    )
    dossier = Dossier.objects.get(pk=dossier.pk)
    expected = {
        "01": ("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Số: 1/TNHS-SKHCN"),
        "02": ("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Số: 1/PYCBS-SKHCN"),
        "04": ("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "Số: 1/PXL-SKHCN"),
        "05": ("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", COMPANY),
    }
    for number, needles in expected.items():
        content = render_form(dossier, number)
        _write(f"mau-{number}.pdf", content)
        text = " ".join(pages_of(content))
        for needle in needles:
            assert needle in text, (number, needle)
    assert len(pages_of(render_form(dossier, "01"))) == 1, "form 01 of three documents fits one page"

    refused = submitted_dossier(world, applicant_name="Đặng Thị Ngọc Ánh")
    refused = act(
        refused,
        Action.REFUSE_INTAKE,
        world=world,
        comment="Thủ tục không thuộc thẩm quyền giải quyết của Sở\nĐề nghị nộp hồ sơ tại Ủy ban nhân dân cấp xã",
    )
    content = render_form(refused, "03")
    _write("mau-03.pdf", content)
    assert "Số: 1/PTCTN-SKHCN" in " ".join(pages_of(content))

    day = dossier.received_at.date()
    with register_xlsx(RegisterFilters(day, day)) as output:
        _write("mau-06.xlsx", output.read())
