from django.urls import path

from . import staff_views

app_name = "payments_staff"

urlpatterns = [
    path("", staff_views.payment_list, name="list"),
    path("ho-so/<int:pk>/yeu-cau-nop-phi/", staff_views.request_fee, name="request_fee"),
    path("<int:pk>/bien-lai.pdf", staff_views.receipt, name="receipt"),
    path("<int:pk>/hoan-tien/", staff_views.refund, name="refund"),
    path("<int:pk>/tra-soat/", staff_views.query, name="query"),
    path("<int:pk>/xac-nhan-hoan-tien/", staff_views.confirm_refund, name="confirm_refund"),
    path("<int:pk>/khong-hoan-tien/", staff_views.keep, name="keep"),
]
