"""Postal screens under ``/admin/buu-chinh/`` (namespace "delivery_staff"), registered in ``wagtail_hooks``."""

from django.urls import path

from . import views

app_name = "delivery_staff"

urlpatterns = [
    path("tiep-nhan/", views.intake, name="intake"),
    path("van-don/", views.shipment_list, name="list"),
    path("ho-so/<int:pk>/gui/", views.ship, name="ship"),
    path("van-don/<int:pk>/nhan.pdf", views.label, name="label"),
    path("van-don/<int:pk>/phieu-giao-nhan.pdf", views.slip, name="slip"),
    path("van-don/<int:pk>/da-phat/", views.delivered, name="delivered"),
    path("van-don/<int:pk>/hoan-ve/", views.returned, name="returned"),
]
