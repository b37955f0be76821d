from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    path("nop/<str:code>/", views.start, name="start"),
    path("ho-so/<int:pk>/", views.edit, name="edit"),
    path("ho-so/<int:pk>/tai-len/", views.upload, name="upload"),
    path("ho-so/<int:pk>/xoa-tep/<int:file_id>/", views.remove_file, name="remove_file"),
    path("ho-so/<int:pk>/xoa-nhap/", views.delete_draft, name="delete_draft"),
    path("ho-so/<int:pk>/xem-lai/", views.review, name="review"),
    path("ho-so/<int:pk>/bien-nhan.pdf", views.receipt, name="receipt"),
    path("ho-so/<int:pk>/tep/<int:file_id>/", views.download, name="file"),
    path("ho-so/<int:pk>/bo-sung/", views.supplement, name="supplement"),
    path("ho-so/<int:pk>/rut-ho-so/", views.withdraw, name="withdraw"),
    path("ho-so/<int:pk>/ket-qua/", views.result, name="result"),
    path("ho-so/<int:pk>/tep-xu-ly/<int:file_id>/", views.event_file, name="event_file"),
    path("ho-so-cua-toi/", views.mine, name="mine"),
    path("tra-cuu/", views.track, name="track"),
]
