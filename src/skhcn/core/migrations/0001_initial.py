from django.db import migrations, models


def create_row(apps, schema_editor):
    apps.get_model("core", "ContentGeneration").objects.get_or_create(pk=1, defaults={"value": 1})


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="ContentGeneration",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.BigIntegerField(default=0)),
                ("changed_at", models.DateTimeField(auto_now=True)),
            ],
            options={"verbose_name": "thế hệ nội dung"},
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
