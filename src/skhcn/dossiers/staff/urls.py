"""Staff screens of the one-stop process inside the Wagtail admin (``/admin/ho-so/``), namespace "dossiers_staff".

Registered through ``register_admin_urls`` in ``wagtail_hooks``; the PDF forms (01–05) and register (06) views of
``forms_pdf`` / ``register`` add their own patterns here.
"""

from django.urls import path

from . import views as staff_views

app_name = "dossiers_staff"

urlpatterns = [
    path("", staff_views.queue, {"queue": "can-xu-ly"}, name="index"),
    path("hang-doi/<slug:queue>/", staff_views.queue, name="queue"),
    path("phan-cong/", staff_views.bulk_assign, name="bulk_assign"),
    path("<int:pk>/", staff_views.detail, name="detail"),
    path("<int:pk>/tep/<int:file_id>/", staff_views.dossier_file, name="file"),
    path("<int:pk>/tep/<int:file_id>/xem/", staff_views.dossier_file_viewer, name="file_viewer"),
    path("<int:pk>/tep-thao-tac/<int:file_id>/", staff_views.event_file, name="event_file"),
    path("<int:pk>/tep-thao-tac/<int:file_id>/xem/", staff_views.event_file_viewer, name="event_file_viewer"),
    path("<int:pk>/ket-qua/", staff_views.result_file, name="result_file"),
    path("<int:pk>/ket-qua/xem/", staff_views.result_viewer, name="result_viewer"),
    path("<int:pk>/thao-tac/<slug:action>/", staff_views.action, name="action"),
    path("<int:pk>/phieu/<int:paper_id>/huy/", staff_views.void_paper, name="void_paper"),
]

# Printable forms 01–05 and the register 06 (staff_documents_views).
from . import documents_views as staff_documents_views  # noqa: E402

urlpatterns += [
    path("<int:pk>/mau/<str:number>.pdf", staff_documents_views.form_pdf, name="form_pdf"),
    path("so-theo-doi/", staff_documents_views.register, name="register"),
    path("so-theo-doi/excel/", staff_documents_views.register_export, name="register_xlsx"),
]
