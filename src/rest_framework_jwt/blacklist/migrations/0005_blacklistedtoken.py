# drf-jwt's model name again, as a proxy over the token rows of Revocation: no table, no raw
# token (see BlacklistedToken in models.py).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("blacklist", "0004_remove_blacklistedtoken")]

    operations = [
        migrations.CreateModel(
            name="BlacklistedToken",
            fields=[],
            options={
                "verbose_name": "blacklisted token",
                "verbose_name_plural": "blacklisted tokens",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("blacklist.revocation",),
        ),
    ]
