# Each consumed refresh token records its one successor, so that a replay within the grace
# period answers that successor again instead of starting a second chain.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("blacklist", "0005_blacklistedtoken")]

    operations = [
        migrations.AddField(
            model_name="refreshtoken",
            name="replaced_by",
            field=models.CharField(
                blank=True, default="", max_length=64, verbose_name="replaced by"
            ),
        ),
    ]
