from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "skhcn.ratings"
    label = "ratings"
    verbose_name = "Đánh giá bài viết"

    def ready(self):
        from . import fragments  # noqa: F401
