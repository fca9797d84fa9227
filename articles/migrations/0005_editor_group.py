"""The "Editor" group: editors curate articles, entities, tags, categories, suggestions and
sources (their history included), and cannot manage users or groups."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Editor"
EDITED_MODELS = [
    "article",
    "paragraph",
    "mention",
    "entity",
    "entityalias",
    "tag",
    "category",
    "entitysuggestion",
    "source",
    "historicalarticle",
    "historicalentity",
    "historicalcategory",
]
ACTIONS = ["add", "change", "delete", "view"]


def create_editor_group(apps, schema_editor):
    # Permissions are normally created after all migrations have run; make sure they exist.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles",
            content_type__model__in=EDITED_MODELS,
            codename__in=[f"{action}_{model}" for model in EDITED_MODELS for action in ACTIONS],
        )
    )


def delete_editor_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_editorial_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editor_group, delete_editor_group)]
