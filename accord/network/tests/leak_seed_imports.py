"""Network imports for the tenancy walk: a finished import of acme's with identities (one
mapped to acme's person, one unmatched), through the actions, with "Acme Rocketry" in the
text fields, so that a leak of acme's imports or identities would be seen."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accord.network.import_actions import network_import_create, network_import_run
from accord.network.models import Identity

PARAM_MODELS = {"network_import": "network.networkimport", "identity": "network.identity"}


def seed(world: Any) -> None:
    person = world.person
    content = (
        "timestamp,sender,recipients,channel\n"
        f"2025-03-03T09:00:00Z,{person.email},acme-rocketry@partner.test,email\n"
    )
    with transaction.atomic():
        batch, _created = network_import_create(
            membership=world.owner,
            upload=SimpleUploadedFile("Acme Rocketry.csv", content.encode()),
            background=False,
        )
    network_import_run(batch=batch)
    Identity.objects.filter(
        workspace=world.acme.workspace, value="acme-rocketry@partner.test"
    ).update(display="Acme Rocketry partner")
