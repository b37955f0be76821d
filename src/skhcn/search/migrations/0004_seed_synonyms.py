"""The abbreviations the procedure names and the department's documents use (staff extend the table in the admin)."""

from django.db import migrations

from skhcn.core.text import fold

SEED = [
    ("GCN", "Giấy chứng nhận"),
    ("KH&CN", "Khoa học và Công nghệ"),
    ("KHCN", "Khoa học và Công nghệ"),
    ("KHCN", "Khoa học công nghệ"),
    ("KH&PTCN", "Khoa học và phát triển công nghệ"),
    ("CGCN", "Chuyển giao công nghệ"),
    ("SHCN", "Sở hữu công nghiệp"),
    ("SHTT", "Sở hữu trí tuệ"),
    ("NSNN", "Ngân sách nhà nước"),
    ("NC", "Nghiên cứu"),
    ("SX", "Sản xuất"),
    ("QĐ", "Quyết định"),
    ("NĐ", "Nghị định"),
    ("QCKT", "Quy chuẩn kỹ thuật"),
    ("TCVN", "Tiêu chuẩn Việt Nam"),
    ("TĐC", "Tiêu chuẩn Đo lường Chất lượng"),
    ("ATBX", "An toàn bức xạ"),
    ("UBND", "Ủy ban nhân dân"),
]


def seed(apps, schema_editor):
    synonym = apps.get_model("site_search", "Synonym")
    for term, expansion in SEED:
        synonym.objects.get_or_create(
            folded_term=fold(term),
            folded_expansion=fold(expansion),
            defaults={"term": term, "expansion": expansion},
        )


def unseed(apps, schema_editor):
    synonym = apps.get_model("site_search", "Synonym")
    for term, expansion in SEED:
        synonym.objects.filter(folded_term=fold(term), folded_expansion=fold(expansion)).delete()


class Migration(migrations.Migration):
    dependencies = [("site_search", "0003_synonym")]

    operations = [migrations.RunPython(seed, unseed)]
