from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.detail, name="detail"),
    path("da-doc/", views.mark_all_read, name="mark_all_read"),
    path("kenh-nhan/", views.preferences, name="preferences"),
]
