"""The transition table of the staff guide (docs/quy-trinh-ho-so.md) says what ``workflow/transitions.py`` says.

The guide's table is written from the code's table by ``markdown_table()`` below. When the code changes, this test
fails and prints the table to paste between the two markers of the guide.
"""

from pathlib import Path

from skhcn.accounts.constants import StaffRole
from skhcn.dossiers.constants import Action, Status
from skhcn.dossiers.workflow.transitions import NEW, RESUME, TRANSITIONS, DateKind, Need, Role, Transition

GUIDE = Path(__file__).resolve().parents[4] / "docs" / "quy-trinh-ho-so.md"
START = "<!-- bảng chuyển trạng thái: sinh từ src/skhcn/dossiers/workflow/transitions.py, kiểm tra bằng kiểm thử -->"
END = "<!-- hết bảng chuyển trạng thái -->"

ROLE_LABELS = {Role.APPLICANT: "Người nộp hồ sơ", **{role.value: role.label for role in StaffRole}}
ROLE_ORDER = [Role.APPLICANT, *StaffRole.values]
DATE_LABELS = {
    DateKind.POSTMARK: "ngày bưu điện",
    DateKind.FEE_PAID: "ngày nộp phí",
    DateKind.NEW_DUE: "ngày hẹn mới",
}


def _states(states) -> str:
    if states == {NEW}:
        return "(hồ sơ mới)"
    ordered = [status.label for status in Status if status.value in states]
    if len(ordered) > len(Status) / 2:
        missing = [status.label for status in Status if status.value not in states]
        return "mọi trạng thái trừ " + "; ".join(missing)
    return "; ".join(ordered)  # labels hold commas ("Chờ nộp phí, lệ phí")


def _target(transition: Transition) -> str:
    if transition.target is None:
        return "giữ nguyên"
    if transition.target == RESUME:
        return "trạng thái trước khi tạm dừng"
    target = Status(transition.target).label
    if transition.fee_target:
        target += f" (hoặc {Status(transition.fee_target).label} khi thời hạn tính từ lúc nộp phí)"
    return target


def _needs(transition: Transition) -> str:
    needs = []
    if transition.comment == Need.REQUIRED:
        needs.append("nội dung")
    if transition.files == Need.REQUIRED:
        needs.append("tệp")
    if transition.division:
        needs.append("phòng")
    if transition.assignee:
        needs.append("chuyên viên")
    if transition.date:
        needs.append(DATE_LABELS[transition.date] + ("" if transition.date_required else " (tùy chọn)"))
    if transition.receive_method:
        needs.append("hình thức trả")
    return ", ".join(needs) or "—"


def markdown_table() -> str:
    lines = ["| Thao tác | Từ trạng thái | Sang | Ai làm | Cần |", "|---|---|---|---|---|"]
    for action, transition in TRANSITIONS.items():
        roles = ", ".join(ROLE_LABELS[role] for role in ROLE_ORDER if role in transition.roles)
        cells = [
            f"{Action(action).label} (`{action}`)",
            _states(set(transition.sources)),
            _target(transition),
            roles,
            _needs(transition),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def guide_table(text: str) -> str:
    assert START in text and END in text, f"the guide has lost the markers {START!r} … {END!r}"
    return text.split(START, 1)[1].split(END, 1)[0].strip()


def test_the_guide_table_matches_the_code():
    expected = markdown_table()
    assert guide_table(GUIDE.read_text(encoding="utf-8")) == expected, (
        "docs/quy-trinh-ho-so.md: the transition table differs from workflow/transitions.py; paste this between "
        f"the markers:\n\n{expected}\n"
    )


def test_every_action_and_every_state_label_appears():
    table = markdown_table()
    for action in TRANSITIONS:
        assert f"(`{action}`)" in table
    assert len(table.splitlines()) == len(TRANSITIONS) + 2


def test_a_changed_row_is_noticed():
    text = GUIDE.read_text(encoding="utf-8")
    row = next(line for line in guide_table(text).splitlines() if "(`close`)" in line)
    drifted = text.replace(row, row.replace("Đã kết thúc", "Đã trả kết quả"))
    assert guide_table(drifted) != markdown_table()
