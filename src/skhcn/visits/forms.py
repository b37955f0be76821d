from django import forms
from django.utils import timezone


class PeriodForm(forms.Form):
    nam = forms.IntegerField(
        label="Năm",
        min_value=2000,
        max_value=2100,
        required=False,
        error_messages={
            "invalid": "Năm phải là một số, ví dụ 2026.",
            "min_value": "Năm không hợp lệ.",
            "max_value": "Năm không hợp lệ.",
        },
    )
    thang = forms.IntegerField(
        label="Tháng",
        min_value=1,
        max_value=12,
        required=False,
        error_messages={
            "invalid": "Tháng phải là số từ 1 đến 12.",
            "min_value": "Tháng phải là số từ 1 đến 12.",
            "max_value": "Tháng phải là số từ 1 đến 12.",
        },
    )

    def period(self) -> tuple[int, int]:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("nam") or today.year, data.get("thang") or today.month
