"""One row of every kind a person can own, so the attack tests cover them all."""

import datetime
import json
from dataclasses import dataclass

from django.utils import timezone

from guides import start_here
from guides.models import LessonProgress
from journal.couples import joint, linking
from journal.couples.models import Invitation, JointCheckIn, Link, VisibleCommitment
from journal.models import CheckIn, Commitment, CommitmentStatus, LessonReflection, PartnerFeatures
from journal.reminders.models import PushSubscription, ReminderSettings
from journal.sharing import links, summary
from journal.sharing.models import Share
from tests.helpers import make_user
from tests.journal.helpers import make_lesson
from trustrepair import twofactor
from trustrepair.models import AuthenticatorDevice, User, UserSession, WrongCodeNotice


@dataclass
class Owned:
    commitment: Commitment
    checkin: CheckIn
    reflection: LessonReflection
    share: Share
    token: str
    progress: LessonProgress
    # Couple mode: the person's partner, a joint check-in both answered, an invitation.
    partner: User
    joint_checkin: JointCheckIn
    invitation: Invitation
    kept: Commitment
    device: PushSubscription


def answer_joint(user: User, checkin: JointCheckIn, text: str) -> None:
    answer = checkin.answers.get(user=user)
    values = {"trust": 7, "communication": 3, "connection": 4}
    values |= {"working": text, "would_help": text, "private_note": text}
    assert joint.answer(answer, values)


def fill_journal(user: User, text: str = "Owner's words") -> Owned:
    """Writes `text` into every free-text field of every kind of row the person owns."""
    lesson = make_lesson(slug=f"lesson-for-{user.username}")
    progress = LessonProgress.objects.create(
        user=user, lesson=lesson, started_at=timezone.now(), last_viewed_at=timezone.now()
    )
    commitment = Commitment.objects.create(
        user=user,
        text=text,
        note=text,
        strategy="reliability",
        status=CommitmentStatus.RENEGOTIATED,
        renegotiation_reason=text,
        resolved_at=timezone.now(),
        lesson=lesson,
    )
    Commitment.objects.create(
        user=user, text=text, strategy="transparency", due_date=timezone.localdate()
    )
    kept = Commitment.objects.create(
        user=user,
        text=text,
        strategy="empathy",
        status=CommitmentStatus.KEPT,
        resolved_at=timezone.now(),
    )
    checkin = CheckIn.objects.create(
        user=user,
        date=timezone.localdate() - datetime.timedelta(days=1),
        trust=6,
        communication=3,
        connection=4,
        working=text,
        needs_work=text,
        appreciation=text,
        prompt_answer=text,
        private_note=text,
        safety_concern=True,
        lesson=lesson,
        stage=lesson.stage,
    )
    reflection = LessonReflection.objects.create(user=user, lesson=lesson, text=text)
    today = timezone.localdate()
    snapshot = summary.build_snapshot(
        user,
        today - datetime.timedelta(days=13),
        today,
        include_ratings=True,
        include_consistency=True,
        reflection_checkin_ids=[checkin.pk],
    )
    share, token = links.create_share(user, snapshot, text, 7)
    links.add_reply(share, text)
    totp = AuthenticatorDevice.objects.create(user=user, name="phone", confirmed=True)
    twofactor.new_recovery_codes(user)
    WrongCodeNotice.objects.create(user=user, attempt=f"attempt-{user.pk}")
    PartnerFeatures.objects.create(user=user, confirmed_at=timezone.now())
    start_here.record_answer(user, start_here.SIDE, "both")
    start_here.record_answer(user, start_here.SITUATION, "friction")
    start_here.record_answer(user, start_here.AFRAID, start_here.NO)
    ReminderSettings.objects.create(user=user, by_email=True, days=[0, 2, 4])
    device = PushSubscription.objects.create(
        user=user,
        endpoint=f"https://fcm.googleapis.com/fcm/send/{user.pk}",
        key=json.dumps({"p256dh": "public-part", "auth": "secret-part"}),
        endpoint_hash=f"hash-{user.pk}",
        device="Firefox on Linux",
    )
    UserSession.objects.create(
        session_key=f"session-{user.pk}-x",
        session_data="",
        expire_date=timezone.now() + datetime.timedelta(hours=1),
        user=user,
    )
    assert totp.pk
    # Couple mode: linked to a partner of their own, who noticed a kept commitment shown
    # to them; a joint check-in both answered; an invitation made before linking.
    invitation, _code = linking.create_invitation(user)
    partner = make_user(f"{user.username}-partner")
    Link.objects.create(user=user, partner=partner)
    Link.objects.create(user=partner, partner=user)
    VisibleCommitment.objects.create(commitment=kept, noticed=True)
    joint_checkin, _made = joint.ask(user, partner)
    answer_joint(user, joint_checkin, text)
    answer_joint(partner, joint_checkin, f"{partner.username}'s words")
    return Owned(
        commitment,
        checkin,
        reflection,
        share,
        token,
        progress,
        partner,
        joint_checkin,
        invitation,
        kept,
        device,
    )
