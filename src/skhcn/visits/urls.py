from django.urls import path

from . import views

urlpatterns = [
    path("thong-ke/", views.statistics, name="statistics"),
    path("thong-ke/csv/<slug:table>/", views.statistics_csv, name="statistics-csv"),
]
