# Received-date ranges: the register (06) of one month reads its rows in this order (a sequential scan of every
# dossier before), and the staff queues' received filter; measured with 1,000,000 dossiers by bench/bench_staff.py.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0002_staff_workflow"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["received_at", "id"], name="dossier_received"),
        ),
    ]
