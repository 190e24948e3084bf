"""Joint check-ins are shared records: each person's export, deletion and unlinking."""

import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from journal.couples import linking
from journal.couples.models import JointAnswer, JointCheckIn, Link, VisibleCommitment
from journal.couples.tests.helpers import PRIVATE, answered, ask, kept, with_password
from tests.helpers import PASSWORD
from trustrepair import data_rights

pytestmark = pytest.mark.django_db


def both_answered(user, partner):
    checkin = ask(user, partner)
    answered(user, checkin, working="Robin's answer", private_note=f"{PRIVATE} robin")
    answered(partner, checkin, working="Sasha's answer", private_note=f"{PRIVATE} sasha")
    return checkin


def test_the_export_holds_ones_own_answers_and_those_the_partner_let_one_see(linked):
    user, partner = linked
    first = both_answered(user, partner)
    JointCheckIn.objects.filter(pk=first.pk).update(closes_at=timezone.now())
    hidden = ask(user, partner)  # a later one sasha answered alone and did not show
    answered(partner, hidden, working="Sasha kept this to herself")

    response = with_password(user).post(reverse("export_download"), {"format": "json"})

    export = json.loads(response.content)
    mine = export["data"]["couples.jointanswer"]
    assert {a["working"] for a in mine if a["answered"]} == {"Robin's answer"}
    assert f"{PRIVATE} robin" in response.content.decode()
    shared = export["shared_with_you"]["couples.jointanswer"]
    assert [a["working"] for a in shared] == ["Sasha's answer"]
    assert f"{PRIVATE} sasha" not in response.content.decode()
    assert "Sasha kept this to herself" not in response.content.decode()


def test_the_zip_export_has_a_table_of_what_was_shared_with_one(linked):
    user, partner = linked
    both_answered(user, partner)

    response = with_password(user).post(reverse("export_download"))

    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert "Sasha's answer" in archive.read("shared_with_you.couples.jointanswer.csv").decode()
    assert "Robin's answer" in archive.read("couples.jointanswer.csv").decode()


def test_after_unlinking_the_export_holds_only_ones_own_answers(linked):
    user, partner = linked
    both_answered(user, partner)

    linking.unlink(partner)

    export = data_rights.export_data(user)
    assert export["shared_with_you"] == {}
    assert [a["working"] for a in export["data"]["couples.jointanswer"]] == ["Robin's answer"]


def test_unlinking_keeps_each_persons_own_answers(linked):
    user, partner = linked
    checkin = both_answered(user, partner)

    linking.unlink(user)

    assert JointAnswer.objects.get(checkin=checkin, user=user).working == "Robin's answer"
    assert JointAnswer.objects.get(checkin=checkin, user=partner).working == "Sasha's answer"


def test_deleting_an_account_deletes_its_answers_and_leaves_the_partners(linked):
    user, partner = linked
    checkin = both_answered(user, partner)
    VisibleCommitment.objects.create(commitment=kept(user))
    client = with_password(user)

    client.post(reverse("delete_account"), {"password": PASSWORD, "confirm": "delete"})

    assert not JointAnswer.objects.filter(user_id=user.pk).exists()
    assert JointAnswer.objects.get(checkin=checkin, user=partner).working == "Sasha's answer"
    assert JointCheckIn.objects.filter(pk=checkin.pk).exists()
    assert not Link.objects.exists()
    assert not VisibleCommitment.objects.exists()


def test_a_joint_check_in_goes_once_neither_person_is_left(linked):
    user, partner = linked
    both_answered(user, partner)

    data_rights.delete_account(user)
    assert JointCheckIn.objects.count() == 1
    data_rights.delete_account(partner)

    assert not JointCheckIn.objects.exists()


def test_what_one_shows_is_in_ones_own_export(linked):
    user, _partner = linked
    shown = kept(user)
    choice = VisibleCommitment.objects.create(commitment=shown, noticed=True)

    export = data_rights.export_data(user)

    assert export["data"]["couples.visiblecommitment"] == [
        {"id": choice.pk, "commitment_id": shown.pk, "noticed": True}
    ]
