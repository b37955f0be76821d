from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import SidebarBlock


class SidebarBlockViewSet(SnippetViewSet):
    model = SidebarBlock
    icon = "list-ul"
    menu_label = "Khối bên phải"
    menu_name = "sidebar-blocks"
    add_to_admin_menu = True
    menu_order = 210
    list_display = ["title", "kind", "sort_order", "is_active"]
    list_filter = ["kind", "is_active"]


register_snippet(SidebarBlockViewSet)
