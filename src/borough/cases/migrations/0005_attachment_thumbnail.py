import borough.cases.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0004_case_named_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="thumbnail",
            field=models.FileField(
                blank=True, max_length=200, upload_to=borough.cases.models.thumbnail_path
            ),
        ),
    ]
