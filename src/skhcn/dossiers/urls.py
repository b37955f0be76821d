from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    path("nop/<str:code>/", views.start, name="start"),
    path("ho-so/<int:pk>/", views.edit, name="edit"),
    path("ho-so/<int:pk>/tai-len/", views.upload, name="upload"),
    path("ho-so/<int:pk>/xoa-tep/<int:file_id>/", views.remove_file, name="remove_file"),
    path("ho-so/<int:pk>/xem-lai/", views.review, name="review"),
    path("ho-so/<int:pk>/bien-nhan.pdf", views.receipt, name="receipt"),
    path("ho-so/<int:pk>/tep/<int:file_id>/", views.download, name="file"),
    path("ho-so-cua-toi/", views.mine, name="mine"),
    path("tra-cuu/", views.track, name="track"),
]
