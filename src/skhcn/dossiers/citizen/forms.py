import unicodedata

from django import forms

from ..constants import NOTE_MAX_LENGTH, POSTAL_ADDRESS_MAX_LENGTH, Messages, ReceiveMethod


def clean_text(value: str, keep_newlines: bool = False) -> str:
    """Control characters (NUL included, which PostgreSQL refuses) become spaces; so no input makes a save fail."""
    kept = "\n" if keep_newlines else ""
    value = value.replace("\r\n", "\n")
    return "".join(" " if unicodedata.category(ch) == "Cc" and ch not in kept else ch for ch in value).strip()


class PlainTextField(forms.CharField):
    def __init__(self, *, keep_newlines=False, **kwargs):
        self.keep_newlines = keep_newlines
        super().__init__(**kwargs)
        # clean_text handles NUL; Django's own validator would say "Null characters are not allowed." in English.
        self.validators = [v for v in self.validators if type(v).__name__ != "ProhibitNullCharactersValidator"]

    def to_python(self, value):
        value = super().to_python(value)
        return clean_text(value, self.keep_newlines) if isinstance(value, str) else value


class DetailsForm(forms.Form):
    receive_method = forms.ChoiceField(
        label="Cách nhận kết quả",
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": Messages.RECEIVE_METHOD_INVALID},
    )
    postal_address = PlainTextField(
        label="Địa chỉ nhận kết quả qua bưu chính",
        max_length=POSTAL_ADDRESS_MAX_LENGTH,
        required=False,
        help_text="Chỉ cần khi chọn nhận kết quả qua bưu chính: số nhà, đường, phường/xã, tỉnh/thành phố.",
        error_messages={"max_length": f"Địa chỉ dài tối đa {POSTAL_ADDRESS_MAX_LENGTH} ký tự."},
    )
    note = PlainTextField(
        label="Ghi chú gửi cơ quan tiếp nhận",
        max_length=NOTE_MAX_LENGTH,
        required=False,
        keep_newlines=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"Ghi chú dài tối đa {NOTE_MAX_LENGTH} ký tự."},
    )

    def __init__(self, *args, methods: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receive_method"].choices = methods

    def clean(self):
        data = super().clean()
        if data.get("receive_method") == ReceiveMethod.POST and not data.get("postal_address"):
            self.add_error("postal_address", Messages.POSTAL_ADDRESS_MISSING)
        return data


class TrackForm(forms.Form):
    ma = PlainTextField(
        label="Mã hồ sơ",
        max_length=60,
        required=False,
        help_text=(
            "Ghi trên thông báo tiếp nhận hồ sơ trực tuyến hoặc giấy tiếp nhận hồ sơ và hẹn trả kết quả, "
            "ví dụ 000.26.H11-261129-00001."
        ),
        error_messages={"max_length": "Mã hồ sơ không hợp lệ."},
    )
    sdt = PlainTextField(
        label="Số điện thoại",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"max_length": "Số điện thoại không hợp lệ."},
    )
    giay_to = PlainTextField(
        label="hoặc Số định danh cá nhân / Mã số thuế",
        max_length=30,
        required=False,
        error_messages={"max_length": "Số định danh cá nhân / mã số thuế không hợp lệ."},
    )

    def clean(self):
        data = super().clean()
        if not self.errors:
            if not data.get("ma"):
                self.add_error("ma", Messages.TRACK_CODE_REQUIRED)
            if not data.get("sdt") and not data.get("giay_to"):
                raise forms.ValidationError(Messages.TRACK_CONTACT_REQUIRED)
        return data
