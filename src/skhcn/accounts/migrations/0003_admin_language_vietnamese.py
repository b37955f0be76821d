from django.db import migrations


def back_to_server_language(apps, schema_editor):
    """Vietnamese is now the admin's only language: a staff member who had picked another one (the account page
    no longer offers the choice) gets the server's language, Vietnamese, again."""
    UserProfile = apps.get_model("wagtailusers", "UserProfile")
    UserProfile.objects.exclude(preferred_language__in=["", "vi"]).update(preferred_language="")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_staff_roles"),
        ("wagtailusers", "0015_userprofile_keyboard_shortcuts"),
    ]

    operations = [migrations.RunPython(back_to_server_language, migrations.RunPython.noop)]
