from django import forms
from django.conf import settings

from skhcn.search.forms import QueryField

from . import services
from .constants import OnlineLevel


class Messages:
    QUERY_TOO_LONG = "Từ khóa quá dài (tối đa {limit} ký tự)."
    FIELD_UNKNOWN = "Lĩnh vực không tồn tại, đang hiện tất cả lĩnh vực."
    LEVEL_UNKNOWN = "Mức độ trực tuyến không hợp lệ, đang hiện tất cả mức độ."
    POSTAL_UNKNOWN = "Lựa chọn bưu chính không hợp lệ, đang hiện tất cả."
    PAGE_INVALID = "Số trang không hợp lệ, đang hiện trang 1."
    PAGE_PAST_END = "Không có trang {requested}, đang hiện trang cuối ({number})."
    INVALID = "Một số điều kiện lọc không hợp lệ và đã được bỏ qua."


class CatalogueFilterForm(forms.Form):
    q = QueryField(
        label="Từ khóa (tên hoặc mã thủ tục)",
        required=False,
        max_length=settings.SEARCH_MAX_QUERY_LENGTH,
        error_messages={"max_length": Messages.QUERY_TOO_LONG.format(limit=settings.SEARCH_MAX_QUERY_LENGTH)},
        widget=forms.TextInput(attrs={"type": "search", "maxlength": settings.SEARCH_MAX_QUERY_LENGTH}),
    )
    linh_vuc = forms.ChoiceField(
        label="Lĩnh vực", required=False, error_messages={"invalid_choice": Messages.FIELD_UNKNOWN}
    )
    muc_do = forms.ChoiceField(
        label="Mức độ trực tuyến",
        required=False,
        choices=[("", "Tất cả mức độ"), (OnlineLevel.FULL, "Toàn trình"), (OnlineLevel.PARTIAL, "Một phần")],
        error_messages={"invalid_choice": Messages.LEVEL_UNKNOWN},
    )
    buu_chinh = forms.ChoiceField(
        label="Bưu chính",
        required=False,
        choices=[("", "Tất cả")] + services.POSTAL_CHOICES,
        error_messages={"invalid_choice": Messages.POSTAL_UNKNOWN},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.field_options = {field.code: field for field in services.fields_in_use()}
        self.fields["linh_vuc"].choices = [("", "Tất cả lĩnh vực")] + [
            (code, field.name) for code, field in self.field_options.items()
        ]

    def criteria(self) -> dict:
        """The valid criteria; an invalid one is dropped (its error is shown beside the field)."""
        data = getattr(self, "cleaned_data", {})
        return {
            "query": data.get("q") or "",
            "field": self.field_options.get(data.get("linh_vuc") or ""),
            "online_level": data.get("muc_do") or "",
            "postal": data.get("buu_chinh") or "",
        }
