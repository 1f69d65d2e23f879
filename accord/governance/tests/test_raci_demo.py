"""The demo's RACI matrices: three partnerships, two sound and one that breaks the rules the
issue names (two A's on one row, a member with no role, a function with no R)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accord.governance.demo_raci import BROKEN, MATRICES, demo_raci_build
from accord.governance.models import Deliverable
from accord.governance.raci_selectors import raci_matrix
from accord.partnerships.models import Partnership
from accord.workspaces.models import Workspace

pytestmark = pytest.mark.django_db


def test_demo_matrices_have_one_broken_on_purpose():
    call_command("demo", stdout=StringIO())
    workspace = Workspace.objects.get(slug="brightwater")
    if not Deliverable.objects.filter(workspace=workspace).exists():
        demo_raci_build(workspace, today=timezone.localdate())
    rules = {}
    for slug in MATRICES:
        partnership = Partnership.objects.get(workspace=workspace, slug=slug)
        matrix = raci_matrix(partnership=partnership)
        assert len(matrix.rows) == len(MATRICES[slug])
        rules[slug] = {item.finding.rule for item in matrix.findings}
    assert {"one-accountable", "member-without-role", "function-without-responsible"} <= rules[
        BROKEN
    ]
    assert "responsible-present" not in rules[BROKEN]
    for slug in set(MATRICES) - {BROKEN}:
        assert not rules[slug] & {
            "one-accountable",
            "responsible-present",
            "daci-one-driver",
            "daci-one-approver",
            "member-without-role",
            "function-without-responsible",
            "goal-owner-not-accountable",
        }, (slug, rules[slug])
    assert Deliverable.objects.filter(workspace=workspace, mode="daci").exists()
