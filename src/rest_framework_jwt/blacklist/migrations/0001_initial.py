# The schema drf-jwt's blacklist app created in its first migration, re-created so that
# projects upgrading from drf-jwt (same app label, same migration names) keep a consistent
# history; 0003 imports its rows into the digest-only store and 0004 drops the table.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name="BlacklistedToken",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False)),
                ("token", models.TextField(db_index=True)),
                ("expires_at", models.DateTimeField(db_index=True)),
                ("blacklisted_at", models.DateTimeField(auto_now_add=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
        ),
    ]
