"""Staff forms of the postal screens: they parse what was typed; the rules live in ``services`` (their Vietnamese
message is put next to the field it concerns)."""

from django import forms

from skhcn.accounts.constants import ApplicantKind
from skhcn.dossiers.intake.services import receive_methods
from skhcn.dossiers.staff.forms import MultipleFileField, date_field
from skhcn.procedures.models import Procedure

from . import carriers
from .constants import ShipmentStatus
from .services import PostalApplicant, Recipient


class ServiceErrorsMixin:
    def add_service_error(self, error) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)


class ShipmentForm(ServiceErrorsMixin, forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)
    carrier = forms.ChoiceField(label="Đơn vị bưu chính")
    tracking_number = forms.CharField(
        label="Số hiệu bưu gửi",
        required=False,
        max_length=40,
        help_text="In trên biên lai của bưu điện, ví dụ EB123456785VN. Để trống với bưu chính thử nghiệm.",
    )
    recipient_name = forms.CharField(label="Người nhận", max_length=255, required=False)
    recipient_phone = forms.CharField(label="Điện thoại người nhận", max_length=20, required=False)
    address_line = forms.CharField(label="Địa chỉ (số nhà, đường, thôn/xóm)", max_length=255, required=False)
    ward = forms.CharField(label="Xã/phường", max_length=120, required=False)
    district = forms.CharField(label="Quận/huyện (nếu có)", max_length=120, required=False)
    province = forms.CharField(label="Tỉnh/thành phố", max_length=120, required=False)
    notes = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].choices = carriers.choices()

    def recipient(self) -> Recipient:
        data = self.cleaned_data
        return Recipient(
            name=data["recipient_name"],
            phone=data["recipient_phone"],
            address_line=data["address_line"],
            ward=data["ward"],
            district=data["district"],
            province=data["province"],
        )

    @staticmethod
    def initial_for(dossier) -> dict:
        """Prefilled from the dossier: the applicant and the postal address they gave (the officer splits it)."""
        return {
            "expected_version": dossier.version,
            "carrier": (carriers.enabled_keys() or [""])[0],
            "recipient_name": dossier.applicant_name,
            "recipient_phone": dossier.applicant_phone,
            "address_line": dossier.postal_address or dossier.applicant_address,
        }


class DeliveredForm(ServiceErrorsMixin, forms.Form):
    delivered_at = date_field(label="Ngày phát thành công", required=False)
    note = forms.CharField(label="Ghi chú", required=False, max_length=2000)


class ReturnedForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label="Lý do không phát được", required=False, max_length=2000)


class ShipmentFilterForm(forms.Form):
    status = forms.ChoiceField(label="Trạng thái", required=False)
    carrier = forms.ChoiceField(label="Đơn vị bưu chính", required=False)
    q = forms.CharField(label="Số hiệu / mã hồ sơ", required=False, max_length=60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Tất cả")] + list(ShipmentStatus.choices)
        self.fields["carrier"].choices = [("", "Tất cả")] + [(key, cls.label) for key, cls in carriers.REGISTRY.items()]


class PostalIntakeForm(ServiceErrorsMixin, forms.Form):
    procedure = forms.ModelChoiceField(
        label="Thủ tục hành chính",
        queryset=Procedure.objects.none(),
        empty_label="— Chọn thủ tục —",
        error_messages={"required": "Vui lòng chọn thủ tục.", "invalid_choice": "Thủ tục đã chọn không hợp lệ."},
    )
    applicant_kind = forms.ChoiceField(label="Người nộp là", choices=ApplicantKind.choices)
    applicant_name = forms.CharField(label="Họ và tên / tên tổ chức", max_length=255, required=False)
    applicant_id_number = forms.CharField(label="Số định danh cá nhân / mã số thuế", max_length=20, required=False)
    applicant_phone = forms.CharField(label="Số điện thoại", max_length=20, required=False)
    applicant_email = forms.EmailField(
        label="Thư điện tử (không bắt buộc)",
        required=False,
        error_messages={"invalid": "Thư điện tử không hợp lệ."},
    )
    address_line = forms.CharField(label="Địa chỉ (số nhà, đường, thôn/xóm)", max_length=255, required=False)
    ward = forms.CharField(label="Xã/phường", max_length=120, required=False)
    district = forms.CharField(label="Quận/huyện (nếu có)", max_length=120, required=False)
    province = forms.CharField(label="Tỉnh/thành phố", max_length=120, required=False)
    postmark_date = date_field(label="Ngày gửi theo dấu bưu điện (dd/mm/yyyy)", required=False)
    receive_method = forms.ChoiceField(label="Cách nhận kết quả")
    files = MultipleFileField(label="Bản quét thành phần hồ sơ", required=False)
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = Procedure.objects.filter(is_active=True, post_submission=True).order_by(
            "name"
        )
        self.fields["receive_method"].choices = [(v, lbl) for v, lbl in receive_methods(Procedure(post_return=True))]

    def applicant(self) -> PostalApplicant:
        d = self.cleaned_data
        return PostalApplicant(
            kind=d["applicant_kind"],
            name=d["applicant_name"],
            id_number=d["applicant_id_number"],
            phone=d["applicant_phone"],
            email=d["applicant_email"],
            address_line=d["address_line"],
            ward=d["ward"],
            district=d["district"],
            province=d["province"],
        )
