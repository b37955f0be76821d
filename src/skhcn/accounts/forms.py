from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from . import lockout, services
from .constants import ApplicantKind
from .models import ApplicantProfile
from .tasks import send_email
from .validators import normalize_id_number, normalize_phone


class Messages:
    REQUIRED = "Vui lòng nhập mục này."
    EMAIL_INVALID = "Địa chỉ thư điện tử không hợp lệ (ví dụ: ten@example.vn)."
    EMAIL_TAKEN = "Địa chỉ thư điện tử này đã được dùng để đăng ký. Hãy đăng nhập, hoặc dùng chức năng “Quên mật khẩu”."
    PASSWORD_MISMATCH = "Hai lần nhập mật khẩu không giống nhau."  # noqa: S105
    CONSENT_REQUIRED = "Ông/Bà cần đồng ý với việc xử lý dữ liệu cá nhân để đăng ký tài khoản."
    KIND_REQUIRED = "Vui lòng chọn loại tài khoản."
    INVALID_LOGIN = "Thư điện tử hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa và chữ thường."
    INACTIVE = "Tài khoản này đã bị khóa. Vui lòng liên hệ Sở để được hỗ trợ."
    LOCKED = (
        "Ông/Bà đã nhập sai mật khẩu {count} lần liên tiếp. Để bảo vệ tài khoản, đăng nhập bằng địa chỉ này tạm khóa"
        " {minutes} phút: vui lòng thử lại sau, hoặc dùng chức năng “Quên mật khẩu” để đặt mật khẩu mới."
    )


ID_NUMBER_HELP = (
    "Công dân: số định danh cá nhân gồm 12 chữ số (in trên thẻ căn cước). "
    "Tổ chức, doanh nghiệp: mã số thuế 10 chữ số, hoặc 13 chữ số với đơn vị phụ thuộc (ví dụ 0123456789-001)."
)
PASSWORD_HELP = "Ít nhất 8 ký tự, không toàn chữ số, không quá phổ biến và không giống thư điện tử hay họ tên."  # noqa: S105


# Django's Vietnamese catalogue lacks some password validator messages (the plural ones): ours, by error code.
PASSWORD_ERRORS = {
    "password_too_short": "Mật khẩu này quá ngắn: cần ít nhất {min_length} ký tự.",
    "password_too_common": "Mật khẩu này quá phổ biến, dễ bị đoán ra.",
    "password_entirely_numeric": "Mật khẩu này hoàn toàn là số: hãy thêm chữ cái hoặc ký hiệu.",
    "password_too_similar": "Mật khẩu quá giống thư điện tử hoặc họ tên của Ông/Bà.",
}


def _vietnamese_error(error: ValidationError) -> ValidationError:
    template = PASSWORD_ERRORS.get(error.code)
    if template is None:
        return error
    return ValidationError(template.format(**(error.params or {})), code=error.code)


class AccessibleFormMixin:
    """Ties each field's error (and help) text to its input with aria-describedby; see includes/field.html."""

    def full_clean(self):
        super().full_clean()
        for name, errors in self.errors.as_data().items():
            if any(error.code in PASSWORD_ERRORS for error in errors):
                self._errors[name] = self.error_class([_vietnamese_error(error) for error in errors])
            if name not in self.fields:
                continue
            bound = self[name]
            described_by = [f"{bound.auto_id}_error"]
            if self.fields[name].help_text:
                described_by.append(f"{bound.auto_id}_helptext")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(described_by)


def _text(label, max_length, required=True, autocomplete=None, **attrs):
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages={"required": Messages.REQUIRED},
        widget=forms.TextInput(attrs=attrs),
    )


def _email_field():
    return forms.EmailField(
        label="Thư điện tử",
        max_length=254,
        error_messages={"required": Messages.REQUIRED, "invalid": Messages.EMAIL_INVALID},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"}),
    )


def _password_field(label, autocomplete, help_text=""):
    return forms.CharField(
        label=label,
        strip=False,
        help_text=help_text,
        error_messages={"required": Messages.REQUIRED},
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class ApplicantFieldsMixin:
    """Phone and ID number checks shared by registration and the profile page."""

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])

    def clean_full_name(self):
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_address(self):
        return " ".join(self.cleaned_data["address"].split())


class RegisterForm(AccessibleFormMixin, ApplicantFieldsMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Ông/Bà đăng ký với tư cách",
        choices=ApplicantKind.choices,
        initial=ApplicantKind.CITIZEN,
        widget=forms.RadioSelect,
        error_messages={"required": Messages.KIND_REQUIRED, "invalid_choice": Messages.KIND_REQUIRED},
    )
    full_name = _text("Họ và tên (hoặc tên tổ chức, doanh nghiệp)", 255, autocomplete="name")
    email = _email_field()
    phone = _text("Số điện thoại di động", 20, autocomplete="tel", inputmode="tel", type="tel")
    id_number = _text("Số định danh cá nhân hoặc mã số thuế", 20, autocomplete="off", spellcheck="false")
    address = _text("Địa chỉ liên hệ", 500, autocomplete="address-line1")
    password1 = _password_field("Mật khẩu", "new-password", PASSWORD_HELP)
    password2 = _password_field("Nhập lại mật khẩu", "new-password")
    consent = forms.BooleanField(
        label=(
            "Tôi đồng ý để Sở Khoa học và Công nghệ xử lý dữ liệu cá nhân đã khai nhằm giải quyết thủ tục hành chính,"
            " theo Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân."
        ),
        error_messages={"required": Messages.CONSENT_REQUIRED},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = "Dùng để đăng nhập và nhận thông báo về hồ sơ."
        self.fields["id_number"].help_text = ID_NUMBER_HELP

    def clean_email(self):
        email = services.normalize_email(self.cleaned_data["email"])
        if services.email_taken(email):
            raise ValidationError(Messages.EMAIL_TAKEN, code="taken")
        return email

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind and "id_number" in cleaned:
            try:
                cleaned["id_number"] = normalize_id_number(kind, cleaned["id_number"])
            except ValidationError as error:
                self.add_error("id_number", error)
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", Messages.PASSWORD_MISMATCH)
        elif password1:
            email = cleaned.get("email", "")
            candidate = get_user_model()(username=email, email=email, first_name=cleaned.get("full_name", "")[:150])
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(AccessibleFormMixin, ApplicantFieldsMixin, forms.ModelForm):
    class Meta:
        model = ApplicantProfile
        fields = ["full_name", "phone", "id_number", "address"]
        labels = {
            "full_name": "Họ và tên (hoặc tên tổ chức, doanh nghiệp)",
            "phone": "Số điện thoại di động",
            "address": "Địa chỉ liên hệ",
        }
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
            "id_number": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "address": forms.TextInput(attrs={"autocomplete": "address-line1"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        business = self.instance.kind == ApplicantKind.BUSINESS
        self.fields["id_number"].label = "Mã số thuế" if business else "Số định danh cá nhân"
        self.fields["id_number"].help_text = (
            "10 chữ số, hoặc 13 chữ số với đơn vị phụ thuộc (ví dụ 0123456789-001)."
            if business
            else "12 chữ số in trên thẻ căn cước."
        )
        for name in self.fields:
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = Messages.REQUIRED

    def clean_id_number(self):
        return normalize_id_number(self.instance.kind, self.cleaned_data["id_number"])


class LoginForm(AccessibleFormMixin, AuthenticationForm):
    """Log in with the e-mail address (any case); repeated failures lock the address for a while."""

    username = forms.EmailField(
        label="Thư điện tử",
        error_messages={"required": Messages.REQUIRED, "invalid": Messages.EMAIL_INVALID},
        widget=forms.EmailInput(
            attrs={"autofocus": True, "autocomplete": "email", "inputmode": "email", "spellcheck": "false"}
        ),
    )
    password = _password_field("Mật khẩu", "current-password")
    error_messages = {"invalid_login": Messages.INVALID_LOGIN, "inactive": Messages.INACTIVE}

    def locked_error(self) -> ValidationError:
        lockout.explained(self.request)
        message = Messages.LOCKED.format(count=lockout.max_failures(), minutes=lockout.lock_minutes())
        return ValidationError(message, code="locked")

    def clean(self):
        email = services.normalize_email(self.cleaned_data.get("username") or "")
        if not email or not self.cleaned_data.get("password"):
            return self.cleaned_data
        self.cleaned_data["username"] = email
        if lockout.is_locked(self.request, email):
            raise self.locked_error()
        try:
            # A wrong password reaches django-axes through the user_login_failed signal; a login clears the count.
            return super().clean()
        except ValidationError as error:
            if error.code == "invalid_login" and lockout.locked_now(self.request):
                raise self.locked_error() from error
            raise


class ResetForm(AccessibleFormMixin, PasswordResetForm):
    """Same answer whether or not the address exists; the e-mail leaves through the task queue."""

    email = _email_field()

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        subject = " ".join(render_to_string(subject_template_name, context).split())
        body = render_to_string(email_template_name, context)
        send_email.enqueue(subject, body, to_email)


class NewPasswordForm(AccessibleFormMixin, SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Mật khẩu mới"
        self.fields["new_password1"].help_text = PASSWORD_HELP
        self.fields["new_password2"].label = "Nhập lại mật khẩu mới"
        self.error_messages = {**self.error_messages, "password_mismatch": Messages.PASSWORD_MISMATCH}


class ChangePasswordForm(NewPasswordForm, PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Mật khẩu hiện tại"
        self.error_messages = {
            **self.error_messages,
            "password_incorrect": "Mật khẩu hiện tại không đúng.",
        }
