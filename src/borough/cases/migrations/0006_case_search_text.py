"""Case.search_text: the answers as a person reads them, for staff search; filled in for
the cases already made, from each case's own form version."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from borough.cases.search import answers_search_text

    Case = apps.get_model("cases", "Case")
    FormDefinition = apps.get_model("catalogue", "FormDefinition")
    forms = {
        (form.service_id, form.version): form.definition for form in FormDefinition.objects.all()
    }
    batch = []
    for case in Case.objects.only("id", "service_id", "form_version", "answers").iterator():
        definition = forms.get((case.service_id, case.form_version))
        if definition is None:
            continue
        case.search_text = answers_search_text(definition, case.answers or {})
        batch.append(case)
        if len(batch) >= 1000:
            Case.objects.bulk_update(batch, ["search_text"])
            batch = []
    Case.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_attachment_thumbnail"),
        ("catalogue", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
