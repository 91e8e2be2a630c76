# Audit entries carry their domain; existing ones keep none (they were sealed without it: history is
# never rewritten) and count as the default domain's.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0009_notify_actions'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='domain',
            field=models.CharField(blank=True, db_index=True, default='', max_length=64),
        ),
    ]
