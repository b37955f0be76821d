from django.contrib import admin

from . import services
from .models import Vote


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ["created_at", "article", "score", "address_hash_short", "is_void", "void_reason"]
    list_filter = ["is_void", "score", "created_at"]
    search_fields = ["article__title", "address_hash", "voter_key"]
    readonly_fields = [f.name for f in Vote._meta.fields]
    actions = ["void_selected"]
    list_select_related = ["article"]

    @admin.display(description="Địa chỉ (băm)")
    def address_hash_short(self, vote):
        return vote.address_hash[:12]

    @admin.action(description="Hủy các phiếu đã chọn (không tính vào tổng điểm)")
    def void_selected(self, request, queryset):
        count = services.void_votes(queryset.values_list("id", flat=True), f"Hủy bởi {request.user.get_username()}")
        self.message_user(request, f"Đã hủy {count} phiếu đánh giá.")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
