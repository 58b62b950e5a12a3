"""Seed the default per-transaction channel costs (organisation = none).

Source: Socitm Insight, "Channel value benchmarking", May 2012 — the figures most UK councils
quote: face to face £8.62, phone £2.83, web £0.15. Each organisation can set its own.
"""

import datetime

from django.db import migrations

SOURCE = "Socitm Insight channel value benchmarking, May 2012"
COSTS = {"face_to_face": 862, "phone": 283, "web": 15}


def seed(apps, schema_editor):
    ChannelCost = apps.get_model("contacts", "ChannelCost")
    for channel, pence in COSTS.items():
        ChannelCost.objects.get_or_create(
            organisation=None,
            channel=channel,
            valid_from=datetime.date(2012, 5, 1),
            defaults={"cost_pence": pence, "source": SOURCE},
        )


def unseed(apps, schema_editor):
    ChannelCost = apps.get_model("contacts", "ChannelCost")
    ChannelCost.objects.filter(organisation=None, source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("contacts", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
