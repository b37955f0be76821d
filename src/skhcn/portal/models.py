import functools

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponsePermanentRedirect
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.models import Orderable, Page, PageViewRestriction
from wagtail.search import index

from skhcn.core import search_sources
from skhcn.core.pages import page_url
from skhcn.core.text import vietnamese_slug
from skhcn.visits.services import remember_article_views

from . import queries
from .blocks import ArticleBodyBlock
from .constants import ARTICLES_PER_PAGE, HOME_CATEGORY_COUNT, HOME_LATEST_COUNT, SidebarKind
from .forms import PortalPageForm

LIST_FIELDS = ("id", "title", "url_path", "published_at", "cover_image")
THUMBNAIL_SPEC = "fill-320x200"


class CacheablePageMixin:
    """Lets the page cache keep the public, live rendering of this page (never a preview or a private page).

    Private pages need no check here: Wagtail's before_serve_page hook answers them with a login or password form
    unless the visitor passed, and passing always means a session cookie, which bypasses the page cache.
    """

    base_form_class = PortalPageForm

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        response.page_cacheable = self.live and not getattr(request, "is_preview", False)
        return response

    def get_view_restrictions(self):
        # Wagtail asks on every request (two queries); skip them while the site has no restriction at all.
        if not queries.any_view_restrictions():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


class HomePage(CacheablePageMixin, Page):
    intro = models.TextField("Giới thiệu ngắn", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["portal.CategoryPage", "portal.StandardPage"]
    max_count = 1

    class Meta:
        verbose_name = "Trang nhất"

    def route(self, request, path_components):
        # Two queries whatever the depth, instead of two per level; and, unlike Wagtail's default, a page below
        # an unpublished category is not public either.
        if path_components:
            page = live_page_by_path(self, path_components)
            if page is None:
                raise Http404("Trang không tồn tại")
            return page.route(request, [])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(home_sections(self))
        return context


class CategoryPage(CacheablePageMixin, Page):
    intro = models.TextField("Mô tả chuyên mục", blank=True)
    show_on_home = models.BooleanField("Hiện một khối trên trang nhất", default=True)
    show_in_menus_default = True

    content_panels = Page.content_panels + [FieldPanel("intro")]
    promote_panels = Page.promote_panels + [FieldPanel("show_on_home")]
    parent_page_types = ["portal.HomePage", "portal.CategoryPage"]
    subpage_types = ["portal.CategoryPage", "portal.ArticlePage"]

    class Meta:
        verbose_name = "Chuyên mục"
        verbose_name_plural = "Chuyên mục"

    def serve(self, request, *args, **kwargs):
        raw = request.GET.get("page")
        if raw == "1":
            # One canonical URL per page: the first page has no ?page=.
            return HttpResponsePermanentRedirect(self.url)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(category_articles(self), ARTICLES_PER_PAGE)
        try:
            articles = paginator.page(request.GET.get("page") or 1)
        except (EmptyPage, PageNotAnInteger) as exc:
            raise Http404("Trang không tồn tại") from exc
        context["articles"] = articles
        context["subcategories"] = child_categories(self)
        context["breadcrumb"] = queries.breadcrumb(self)
        return context


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey("portal.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE)

    class Meta:
        # Also the index that makes "does this article carry one of these tags?" a single lookup.
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="portal_articletag_unique")]


class ArticlePage(CacheablePageMixin, Page):
    published_at = models.DateTimeField(
        "Thời gian đăng",
        null=True,
        blank=True,
        db_index=True,
        help_text="Hiện trên bài viết (ví dụ 12/04/2021 15:58). Để trống thì lấy thời điểm xuất bản.",
    )
    lead = models.TextField("Tóm tắt (sapo)", blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="Ảnh đại diện",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(ArticleBodyBlock(), verbose_name="Nội dung", blank=True)
    author_name = models.CharField("Tác giả bài viết", max_length=255, blank=True)
    source = models.CharField("Nguồn tin", max_length=255, blank=True)
    is_headline = models.BooleanField("Tin tiêu điểm (hiện đầu trang nhất)", default=False)
    tags = ClusterTaggableManager("Từ khóa", through=ArticleTag, blank=True)
    view_count = models.PositiveBigIntegerField("Lượt xem", default=0, editable=False)
    # The parent category, kept in step with the tree, so that "newer/older in this category" is an index scan.
    category = models.ForeignKey(
        "portal.CategoryPage",
        verbose_name="Chuyên mục",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = Page.content_panels + [
        FieldPanel("published_at"),
        FieldPanel("lead"),
        FieldPanel("cover_image"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("author_name"), FieldPanel("source"), FieldPanel("tags")], heading="Thông tin thêm"
        ),
        InlinePanel("related_links", label="Tin liên quan (chọn tay)"),
    ]
    promote_panels = Page.promote_panels + [FieldPanel("is_headline")]
    search_fields = Page.search_fields + [index.SearchField("lead"), index.SearchField("body")]
    parent_page_types = ["portal.CategoryPage"]
    subpage_types = []

    class Meta:
        verbose_name = "Bài viết"
        verbose_name_plural = "Bài viết"
        indexes = [models.Index(fields=["category", "published_at", "page_ptr"], name="portal_article_category_pub")]

    def save(self, *args, **kwargs):
        if self.path and len(self.path) > self.steplen:
            parent_path = self.path[: -self.steplen]
            self.category_id = CategoryPage.objects.filter(path=parent_path).values_list("id", flat=True).first()
        return super().save(*args, **kwargs)

    def full_clean(self, *args, **kwargs):
        if not self.slug and self.title:
            self.slug = vietnamese_slug(self.title)
        super().full_clean(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(queries.article_neighbours(self))
        chosen_ids, tags = queries.article_links_and_tags(self)
        context["tags"] = tags
        context["related"] = queries.related_articles(self, chosen_ids, [tag_id for tag_id, _name in tags])
        context["breadcrumb"] = queries.breadcrumb(self)
        context["page_path"] = page_url(self)
        context["print_view"] = request.GET.get("in") == "1"
        remember_article_views(self.id, self.view_count)
        return context

    def get_template(self, request, *args, **kwargs):
        if request.GET.get("in") == "1":
            return "portal/article_print.html"
        return super().get_template(request, *args, **kwargs)


class ArticleRelatedLink(Orderable):
    article = ParentalKey(ArticlePage, related_name="related_links", on_delete=models.CASCADE)
    target = models.ForeignKey(Page, verbose_name="Bài viết", on_delete=models.CASCADE, related_name="+")

    panels = [PageChooserPanel("target", "portal.ArticlePage")]


class StandardPage(CacheablePageMixin, Page):
    body = RichTextField("Nội dung", blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    parent_page_types = ["portal.HomePage", "portal.StandardPage"]

    class Meta:
        verbose_name = "Trang tĩnh"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["breadcrumb"] = queries.breadcrumb(self)
        return context


class SidebarBlock(ClusterableModel):
    title = models.CharField("Tiêu đề khối", max_length=120)
    kind = models.CharField("Loại nội dung", max_length=20, choices=SidebarKind.choices, default=SidebarKind.LINKS)
    category = models.ForeignKey(
        "portal.CategoryPage",
        verbose_name="Chuyên mục (với loại tin mới của chuyên mục)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    item_count = models.PositiveSmallIntegerField("Số mục hiển thị", default=5)
    text = RichTextField("Nội dung (với loại nội dung tự soạn)", blank=True)
    sort_order = models.PositiveSmallIntegerField("Thứ tự", default=0)
    is_active = models.BooleanField("Đang hiển thị", default=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("kind"),
        FieldPanel("category"),
        FieldPanel("item_count"),
        FieldPanel("text"),
        InlinePanel("items", label="Mục (video hoặc liên kết)"),
        FieldPanel("sort_order"),
        FieldPanel("is_active"),
    ]

    class Meta:
        verbose_name = "Khối bên phải"
        verbose_name_plural = "Khối bên phải"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.kind == SidebarKind.CATEGORY and not self.category_id:
            raise ValidationError({"category": "Hãy chọn chuyên mục cho khối tin mới của chuyên mục."})


class SidebarItem(Orderable):
    block = ParentalKey(SidebarBlock, related_name="items", on_delete=models.CASCADE)
    title = models.CharField("Tiêu đề", max_length=255)
    link_url = models.URLField("Địa chỉ liên kết", blank=True)
    link_page = models.ForeignKey(
        Page,
        verbose_name="hoặc trang trong cổng",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    thumbnail = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="Ảnh nhỏ",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [FieldPanel("title"), FieldPanel("link_url"), FieldPanel("link_page"), FieldPanel("thumbnail")]

    def clean(self):
        if not self.link_url and not self.link_page_id:
            raise ValidationError("Hãy nhập địa chỉ liên kết hoặc chọn một trang.")

    @property
    def href(self):
        return page_url(self.link_page) if self.link_page_id else self.link_url


@register_setting(icon="site")
class PortalSettings(BaseSiteSetting):
    site_title = models.CharField(
        "Tên cổng",
        max_length=255,
        default="Trang thông tin điện tử Sở KH&CN Cao Bằng",
    )
    agency_name = models.CharField("Tên cơ quan", max_length=255, default="Sở Khoa học và Công nghệ tỉnh Cao Bằng")
    address = models.CharField("Địa chỉ", max_length=255, blank=True)
    phone = models.CharField("Điện thoại", max_length=100, blank=True)
    email = models.EmailField("Thư điện tử", blank=True)
    footer_note = models.TextField("Ghi chú chân trang (giấy phép, người chịu trách nhiệm)", blank=True)

    class Meta:
        verbose_name = "Cấu hình cổng thông tin"


# --- Listings that query the page models (the model-free queries are in queries.py) ---


def _below(page):
    return Q(path__startswith=page.path) & Q(depth__gt=page.depth)


def live_page_by_path(home, components: list[str]):
    """The live page at ``components`` below ``home`` when it and all its ancestors are live.

    The ancestors (categories) come from the per-process skeleton map, so an article costs one query: by its slug
    (indexed) under its parent category.
    """
    skeleton = queries.skeleton_by_url_path()
    parent_url = home.url_path + "".join(f"{c}/" for c in components[:-1])
    parent = skeleton.get(parent_url) if components[:-1] else skeleton.get(home.url_path)
    ancestors_live = all(
        home.url_path + "".join(f"{c}/" for c in components[: i + 1]) in skeleton for i in range(len(components) - 1)
    )
    if parent is None or not ancestors_live:
        return None
    here = skeleton.get(parent_url + f"{components[-1]}/")
    if here is not None:  # a category or another non-article page
        model = ContentType.objects.get_for_id(here.content_type_id).model_class()
        return model.objects.filter(id=here.id).first() if model else None
    # By slug alone (the indexed column; a slug is rarely shared), then the parent is checked here: given both,
    # SQLite would walk every article of the category instead.
    sql, params = _article_by_slug_sql()
    slug = components[-1]
    for article in ArticlePage.objects.raw(sql, [slug if p == _SLUG else p for p in params]):
        if article.category_id == parent.id:
            return article
    return None


_SLUG = "\x00slug\x00"  # stands for the slug in the compiled parameters


@functools.cache
def _article_by_slug_sql() -> tuple[str, list]:
    """The ORM's own SQL for live articles with a given slug, compiled once: compiling it cost more than running it."""
    sql, params = ArticlePage.objects.filter(slug=_SLUG, live=True)[:50].query.sql_with_params()
    return sql, list(params)


def _articles():
    images = get_image_model().objects.prefetch_renditions(THUMBNAIL_SPEC)
    return ArticlePage.objects.live().only(*LIST_FIELDS).prefetch_related(Prefetch("cover_image", queryset=images))


def _articles_with_lead():
    return _articles().only(*LIST_FIELDS, "lead")


def category_articles(category):
    """Live articles below ``category`` (or below the home page), newest first."""
    return _articles_with_lead().filter(_below(category)).order_by("-published_at", "-id")


def child_categories(page):
    return list(
        CategoryPage.objects.live()
        .filter(path__startswith=page.path, depth=page.depth + 1)
        .only("id", "title", "url_path")
    )


def home_sections(home) -> dict:
    below_home = _below(home)
    latest = list(_articles_with_lead().filter(below_home).order_by("-published_at", "-id")[: HOME_LATEST_COUNT + 1])
    headline = _articles_with_lead().filter(below_home, is_headline=True).order_by("-published_at", "-id").first()
    if headline is None and latest:
        headline = latest[0]
    latest = [article for article in latest if headline is None or article.id != headline.id][:HOME_LATEST_COUNT]
    sections = []
    categories = (
        CategoryPage.objects.live()
        .filter(path__startswith=home.path, depth=home.depth + 1, show_on_home=True)
        .only("id", "title", "url_path", "path", "depth")
    )
    for category in categories:
        articles = list(category_articles(category)[:HOME_CATEGORY_COUNT])
        if articles:
            sections.append({"category": category, "articles": articles})
    return {"headline": headline, "latest": latest, "sections": sections}


def sidebar_blocks() -> list:
    blocks = list(
        SidebarBlock.objects.filter(is_active=True)
        .select_related("category")
        .prefetch_related("items__thumbnail", "items__link_page")
    )
    for block in blocks:
        if block.kind == SidebarKind.CATEGORY and block.category and block.category.live:
            block.articles = list(category_articles(block.category)[: block.item_count])
    return blocks


search_sources.register_pages(
    search_sources.PageIndex(key="articles", label="Bài viết", model=ArticlePage, section_model=CategoryPage)
)
