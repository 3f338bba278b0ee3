# drf-jwt's second migration: a token id column, the raw token made optional, and a check
# that one of them is set. drf-jwt also back-filled ids here; 0003 reads either column, so
# no back-fill is needed.

import django
from django.db import migrations, models

_either = models.Q(token_id__isnull=False) | models.Q(token__isnull=False)
# CheckConstraint takes `condition` since Django 5.1; `check` is gone in 6.0.
_constraint_kwargs = {"condition": _either} if django.VERSION >= (5, 1) else {"check": _either}


class Migration(migrations.Migration):
    dependencies = [("blacklist", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="blacklistedtoken",
            name="token_id",
            field=models.UUIDField(db_index=True, null=True),
        ),
        migrations.AlterField(
            model_name="blacklistedtoken",
            name="token",
            field=models.TextField(db_index=True, null=True),
        ),
        migrations.AddConstraint(
            model_name="blacklistedtoken",
            constraint=models.CheckConstraint(name="token_or_id_not_null", **_constraint_kwargs),
        ),
    ]
