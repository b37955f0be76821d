"""Admin: the synonym table ("Từ viết tắt và từ đồng nghĩa"), under Settings; the searches read it at once."""

from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .forms import SynonymForm
from .models import Synonym


class SynonymViewSet(SnippetViewSet):
    model = Synonym
    icon = "search"
    menu_label = "Từ viết tắt và từ đồng nghĩa"
    menu_name = "search-synonyms"
    url_prefix = "tu-viet-tat"
    add_to_settings_menu = True
    list_display = ["term", "expansion", "updated_at"]
    search_fields = ["term", "expansion", "folded_term", "folded_expansion"]
    ordering = ["folded_term", "folded_expansion"]
    edit_handler = ObjectList([FieldPanel("term"), FieldPanel("expansion")], base_form_class=SynonymForm)


register_snippet(SynonymViewSet)
