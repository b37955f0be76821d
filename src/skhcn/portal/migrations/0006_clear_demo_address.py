"""The demo data used to write an editor's hint into the public address ("sửa trong Cài đặt › …"): clear it."""

from django.db import migrations

DEMO_ADDRESS = "Địa chỉ cơ quan (dữ liệu mẫu, sửa trong Cài đặt › Cấu hình cổng thông tin)"


def clear_demo_address(apps, schema_editor):
    apps.get_model("portal", "PortalSettings").objects.filter(address=DEMO_ADDRESS).update(address="")


class Migration(migrations.Migration):
    dependencies = [("portal", "0005_sidebar_registry_kinds")]

    operations = [migrations.RunPython(clear_demo_address, migrations.RunPython.noop)]
