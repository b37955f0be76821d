from django.utils.safestring import mark_safe
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import expand_db_html


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label="Ảnh")
    alt_text = blocks.CharBlock(
        label="Mô tả ảnh cho người khiếm thị",
        required=False,
        max_length=255,
        help_text="Để trống thì dùng chú thích.",
    )
    caption = blocks.CharBlock(label="Chú thích", required=False, max_length=500)

    class Meta:
        icon = "image"
        label = "Ảnh có chú thích"
        template = "portal/blocks/captioned_image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label="Trích dẫn")
    attribution = blocks.CharBlock(label="Người nói / nguồn", required=False)

    class Meta:
        icon = "openquote"
        label = "Trích dẫn"
        template = "portal/blocks/quote.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label="Tài liệu")
    title = blocks.CharBlock(label="Tên hiển thị", required=False)

    class Meta:
        icon = "doc-full"
        label = "Tài liệu đính kèm"
        template = "portal/blocks/document.html"


class ParagraphBlock(blocks.RichTextBlock):
    """Rich text rendered straight from the stored HTML, without a template per paragraph."""

    def render_basic(self, value, context=None):
        return mark_safe(expand_db_html(value.source))  # noqa: S308 - editor HTML, sanitised by Wagtail's editor


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = ParagraphBlock(
        label="Đoạn văn",
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "hr", "blockquote"],
    )
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    document = DocumentLinkBlock()
