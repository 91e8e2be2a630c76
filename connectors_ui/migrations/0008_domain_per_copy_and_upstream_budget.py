# The local copy, its refresh state and the change claims are per domain; existing rows become
# the default domain's (the callable default, evaluated once). One upstream budget row per domain.

import connectors_ui.domains.context
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('connectors_ui', '0007_saved_views_and_previous_names'),
    ]

    operations = [
        migrations.CreateModel(
            name='UpstreamBudget',
            fields=[
                ('domain', models.CharField(max_length=64, primary_key=True, serialize=False)),
                ('tokens', models.FloatField()),
                ('updated_at', models.FloatField()),
            ],
        ),
        migrations.AddField(
            model_name='catalogueconnector',
            name='domain',
            field=models.CharField(db_index=True, default=connectors_ui.domains.context.current_domain_name, max_length=64),
        ),
        migrations.AddField(
            model_name='cataloguestate',
            name='domain',
            field=models.CharField(default=connectors_ui.domains.context.current_domain_name, max_length=64, unique=True),
        ),
        migrations.AddField(
            model_name='cataloguesync',
            name='domain',
            field=models.CharField(db_index=True, default=connectors_ui.domains.context.current_domain_name, max_length=64),
        ),
        migrations.AddField(
            model_name='changeclaim',
            name='domain',
            field=models.CharField(db_index=True, default=connectors_ui.domains.context.current_domain_name, max_length=64),
        ),
        migrations.AlterField(
            model_name='catalogueconnector',
            name='uuid',
            field=models.CharField(max_length=64),
        ),
        migrations.AlterField(
            model_name='changeclaim',
            name='target',
            field=models.CharField(max_length=80),
        ),
        migrations.AddConstraint(
            model_name='catalogueconnector',
            constraint=models.UniqueConstraint(fields=('domain', 'uuid'), name='unique_connector_per_domain'),
        ),
        migrations.AddConstraint(
            model_name='changeclaim',
            constraint=models.UniqueConstraint(fields=('domain', 'target'), name='unique_claim_per_domain'),
        ),
    ]
