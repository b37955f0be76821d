from django.urls import path

from . import views

app_name = "notifications_staff"

urlpatterns = [
    path("", views.staff_inbox, name="inbox"),
    path("<int:pk>/", views.staff_detail, name="detail"),
    path("mau/", views.template_list, name="templates"),
    path("mau/<str:event>/", views.template_edit, name="template"),
    path("gui/", views.delivery_list, name="deliveries"),
    path("gui/<int:pk>/gui-lai/", views.delivery_resend, name="resend"),
    path("sms-thu-nghiem/", views.sandbox_sms, name="sandbox_sms"),
]
