"""Key the chain: a MAC and key id on every record, an outcome's link to its entry's hash.

Records already there are not re-sealed (history is never rewritten): a signed cut-over
(``audit.cutover``) marks where the keyed rule starts, pins the old records under the key, and
their head gets a checkpoint. On a database without records nothing is written: every record
will be keyed. Adding the columns touches no row (empty defaults; PostgreSQL only changes the
catalogue, so the append-only trigger never fires).
"""

from functools import partial

from django.db import migrations, models, transaction

from audit.checkpoints import checkpoint_record
from audit.cutover import cutover_create


def record_cutover(apps, schema_editor):
    head = cutover_create(apps)
    if head is not None:
        seq, entry_hash = head
        transaction.on_commit(
            partial(checkpoint_record, seq=seq, entry_hash=entry_hash),
            using=schema_editor.connection.alias,
        )


def refuse_if_keyed(apps, schema_editor):
    """Going back would drop the MACs of keyed records: they could never be verified again."""
    for name in ("AuditEntry", "AuditOutcome"):
        if apps.get_model("audit", name).objects.exclude(mac="").exists():
            raise RuntimeError("Keyed audit records exist: migration 0006 cannot be reversed.")


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0005_account_actions'),
    ]

    operations = [
        migrations.CreateModel(
            name='ChainCutover',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.BigIntegerField(editable=False)),
                ('head_hash', models.CharField(editable=False, max_length=64)),
                ('legacy_digest', models.CharField(editable=False, max_length=64)),
                ('created_at', models.DateTimeField(editable=False)),
                ('key_id', models.CharField(editable=False, max_length=32)),
                ('mac', models.CharField(editable=False, max_length=64)),
            ],
        ),
        migrations.AddField(
            model_name='auditentry',
            name='key_id',
            field=models.CharField(blank=True, default='', editable=False, max_length=32),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='mac',
            field=models.CharField(blank=True, default='', editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='auditoutcome',
            name='entry_link',
            field=models.CharField(blank=True, default='', editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='auditoutcome',
            name='key_id',
            field=models.CharField(blank=True, default='', editable=False, max_length=32),
        ),
        migrations.AddField(
            model_name='auditoutcome',
            name='mac',
            field=models.CharField(blank=True, default='', editable=False, max_length=64),
        ),
        migrations.RunPython(record_cutover, refuse_if_keyed),
    ]
