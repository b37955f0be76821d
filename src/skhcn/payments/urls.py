from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("<int:pk>/thanh-toan/", views.pay, name="pay"),
    path("<int:pk>/bien-lai.pdf", views.receipt, name="receipt"),
    path("ket-qua/<slug:gateway>/", views.payment_return, name="return"),
    path("ipn/<slug:gateway>/", views.ipn, name="ipn"),
    path("sandbox/thanh-toan/", views.sandbox_pay, name="sandbox_pay"),
    path("sandbox/api/transaction/", views.sandbox_api, name="sandbox_api"),
]
