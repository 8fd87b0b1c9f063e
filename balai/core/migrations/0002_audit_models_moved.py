# The audit models now live in the `audit` app, which took over their tables unchanged
# (see audit/0001_initial): core forgets them without touching the database.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="AuditEvent"),
                migrations.DeleteModel(name="AuditChain"),
            ],
            database_operations=[],
        ),
    ]
