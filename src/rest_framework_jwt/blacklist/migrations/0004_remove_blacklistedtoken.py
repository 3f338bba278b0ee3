# drf-jwt's table held raw tokens; its rows now live in Revocation (0003), so it goes.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("blacklist", "0003_revocation_store")]

    operations = [migrations.DeleteModel(name="BlacklistedToken")]
