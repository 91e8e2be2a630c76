# The sandbox serves several domains; existing connectors become the first one's.

import sandbox.domains
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sandbox', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='sandboxconnector',
            name='domain',
            field=models.CharField(db_index=True, default=sandbox.domains.sandbox_domain, max_length=64),
        ),
        migrations.AddField(
            model_name='sandboxfault',
            name='domain',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AlterField(
            model_name='sandboxconnector',
            name='uuid',
            field=models.CharField(max_length=36),
        ),
        migrations.AddConstraint(
            model_name='sandboxconnector',
            constraint=models.UniqueConstraint(fields=('domain', 'uuid'), name='sandbox_uuid_per_domain'),
        ),
    ]
