"""Findings entered by hand had unregistered rule ids (``MANUAL`` and the indicator); they are now
the registered rules GI-M001 (人工检查问题) and GI-NM102 (NM-V3 from the account checks).
Rename the stored ids and recompute what is derived from them (each item's group id and
problem fingerprints: reports.rectification.GroupKey.id, core.types.Finding.fingerprint)."""

import hashlib

from django.db import migrations

OLD_PREFIX = "MANUAL"  # no registered rule id starts with it


def new_rule(old: str) -> str:
    """GI-NM102 for the NM-V3 findings built from the account checks, else GI-M001."""
    return "GI-NM102" if old.removeprefix(OLD_PREFIX).lstrip(".") == "NM-V3" else "GI-M001"


def _sha(parts) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def forward(apps, schema_editor):
    Item = apps.get_model("rectify", "Item")
    for item in Item.objects.filter(rule_id__startswith=OLD_PREFIX).select_related("site",
                                                                                   "account"):
        rule = new_rule(item.rule_id)
        subject = item.site.code if item.site_id else item.account.code
        item.group_id = _sha((str(item.unit_id), subject, item.indicator_id, rule, item.item))
        # a manual finding has no span and no parent page: its fingerprint is rule, subject,
        # item and URL
        item.fingerprints = [_sha((rule, subject, item.item, url, "")) for url in item.pages]
        item.rule_id = rule
        item.save(update_fields=["group_id", "fingerprints", "rule_id"])
    Decision = apps.get_model("decisions", "Decision")
    for decision in Decision.objects.filter(rule_id__startswith=OLD_PREFIX):
        decision.rule_id = new_rule(decision.rule_id)
        decision.save(update_fields=["rule_id"])


class Migration(migrations.Migration):

    dependencies = [
        ("rectify", "0003_recheck"),
        ("decisions", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
