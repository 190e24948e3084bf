import datetime
from typing import Any, cast

from django import forms

from guides.models import Lesson, Strategy
from trustrepair.models import User

from .models import (
    ANSWER_MAX,
    COMMITMENT_MAX,
    NOTE_MAX,
    CheckIn,
    Commitment,
    CommitmentStatus,
    LessonReflection,
    local_now,
)
from .scales import COMMUNICATION, CONNECTION, TRUST, Scale
from .suggestions import PROMPTS, SAFETY_QUESTION

# Further ahead than this is almost certainly a typo in the year.
MAX_DAYS_AHEAD = 730


def too_long(limit: int) -> str:
    return (
        f"Please keep this to {limit:,} characters or fewer "
        "(it has %(show_value)d). Nothing you wrote has been lost."
    )


def text_field(
    limit: int, *, label: str, required: bool = False, rows: int = 4, help_text: str = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        strip=True,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": too_long(limit)},
    )


def rating_field(scale: Scale, help_text: str = "") -> forms.TypedChoiceField:
    label = f"{scale.question} ({scale.low} = {scale.low_word}, {scale.high} = {scale.high_word})"
    message = f"Choose a number from {scale.low} to {scale.high}."
    return forms.TypedChoiceField(
        label=label,
        choices=[(n, str(n)) for n in scale.values],
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
        help_text=help_text,
        error_messages={"required": message, "invalid_choice": message},
    )


def lesson_choices() -> list:
    """Lessons grouped by stage, in course order, for a select (one query)."""
    groups: dict[str, list[tuple[int, str]]] = {}
    lessons = (
        Lesson.objects.published().in_course_order().values_list("pk", "title", "stage__title")
    )
    for pk, title, stage_title in lessons:
        groups.setdefault(stage_title, []).append((pk, title))
    return [("", "None"), *groups.items()]


class JournalForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Most labels are questions; a colon after "(1 = poor, 5 = very good)" reads oddly.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # A maxlength attribute would silently cut off pasted text; the server
        # refuses it with a message instead, keeping every word.
        for field in self.fields.values():
            field.widget.attrs.pop("maxlength", None)


class CommitmentForm(JournalForm):
    text = text_field(
        COMMITMENT_MAX,
        label="I said I would…",
        required=True,
        rows=2,
        help_text=f"One concrete thing, in your own words. Up to {COMMITMENT_MAX} characters.",
    )
    due_date = forms.DateField(
        label="By (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date like 2025-06-30."},
    )
    due_time = forms.TimeField(
        label="At (optional)",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Enter a time like 18:30."},
    )
    strategy = forms.ChoiceField(
        label="What it practises",
        choices=[("", "Choose one"), *Strategy.choices],
        error_messages={"required": "Choose what this practises; the closest fit is fine."},
    )
    lesson = forms.ModelChoiceField(
        label="From the lesson (optional)",
        queryset=Lesson.objects.published(),
        required=False,
    )
    note = text_field(
        NOTE_MAX,
        label="Private note (optional)",
        help_text="Only you can see this. It is never shared.",
    )

    class Meta:
        model = Commitment
        fields = ["text", "due_date", "due_time", "strategy", "lesson", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages["required"] = "Write what you said you would do."
        cast(forms.ChoiceField, self.fields["lesson"]).choices = lesson_choices()

    def clean_due_date(self) -> datetime.date | None:
        due = self.cleaned_data.get("due_date")
        if due and due > local_now().date() + datetime.timedelta(days=MAX_DAYS_AHEAD):
            raise forms.ValidationError(
                "That date is more than two years away. Please check the year."
            )
        return due

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if (
            cleaned.get("due_time")
            and not cleaned.get("due_date")
            and not self.has_error("due_date")
        ):
            self.add_error("due_time", "Add the date this time belongs to.")
        return cleaned


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label="How did it go?",
        choices=CommitmentStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose kept, missed or renegotiated."},
    )
    reason = text_field(
        ANSWER_MAX,
        label="What did you tell them, and why did it need to move? (optional)",
        rows=3,
        help_text="For a renegotiated commitment: saying early that a plan will slip "
        "is part of keeping trust, not a failure.",
    )


class CheckInForm(JournalForm):
    date = forms.DateField(
        label="Date",
        required=False,
        help_text="Today, unless you are catching up on an earlier day.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date like 2025-06-30."},
    )
    trust = rating_field(TRUST, help_text="What moved it up or down? You can say below.")
    communication = rating_field(COMMUNICATION)
    connection = rating_field(CONNECTION)
    working = text_field(
        ANSWER_MAX,
        label="What is working well between us right now?",
        help_text=f"Optional. Up to {ANSWER_MAX:,} characters.",
    )
    needs_work = text_field(
        ANSWER_MAX,
        label="What needs work?",
        help_text=f"Optional. Up to {ANSWER_MAX:,} characters.",
    )
    appreciation = text_field(
        ANSWER_MAX,
        label="One thing I appreciate",
        rows=2,
        help_text="Optional. Something they did, said or are.",
    )
    prompt = forms.ChoiceField(
        label="A question to think about (optional)",
        choices=[("", "None this time"), *PROMPTS],
        required=False,
        widget=forms.RadioSelect,
    )
    prompt_answer = text_field(
        ANSWER_MAX,
        label="My thoughts",
        help_text="Optional. Answer the question you picked, or anything else on your mind.",
    )
    safety_concern = forms.TypedChoiceField(
        label=SAFETY_QUESTION,
        choices=[("", "I'd rather not say"), ("no", "No"), ("yes", "Yes")],
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text="A safety question we ask everyone. Your answer stays private.",
    )
    private_note = text_field(
        NOTE_MAX,
        label="Private note",
        rows=5,
        help_text="Never shared with anyone, not even in a summary you choose to send. "
        f"Up to {NOTE_MAX:,} characters.",
    )
    lesson = forms.ModelChoiceField(
        label="The lesson I am working on",
        queryset=Lesson.objects.published()
        .select_related("stage")
        .only("id", "title", "stage__id", "stage__title"),
        required=False,
        help_text="Used to show how check-ins change from one stage to the next.",
    )

    class Meta:
        model = CheckIn
        fields = [
            "date",
            "trust",
            "communication",
            "connection",
            "working",
            "needs_work",
            "appreciation",
            "prompt",
            "prompt_answer",
            "safety_concern",
            "private_note",
            "lesson",
        ]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        cast(forms.ChoiceField, self.fields["lesson"]).choices = lesson_choices()
        if self.instance.pk and self.instance.safety_concern is not None:
            self.initial["safety_concern"] = "yes" if self.instance.safety_concern else "no"

    def clean_date(self) -> datetime.date:
        today = local_now().date()
        date = self.cleaned_data["date"] or today
        if date > today:
            raise forms.ValidationError("A check-in can only be for today or an earlier day.")
        taken = CheckIn.objects.filter(user=self.user, date=date).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                "You already have a check-in for that day. Choose another day, "
                "or edit that check-in from your timeline."
            )
        return date

    def save(self, commit: bool = True) -> CheckIn:
        checkin = super().save(commit=False)
        # The stage follows the lesson, so per-stage insights stay consistent.
        checkin.stage = checkin.lesson.stage if checkin.lesson else None
        if commit:
            checkin.save()
        return checkin


class ReflectionForm(JournalForm):
    text = text_field(
        ANSWER_MAX,
        label="Your reflection",
        required=True,
        rows=5,
        help_text="Private to you. You can come back and change it any time.",
    )

    class Meta:
        model = LessonReflection
        fields = ["text"]

    def __init__(self, *args: Any, question: str = "", **kwargs: Any) -> None:
        # Its own ids: the form sits on a lesson page beside other forms.
        kwargs.setdefault("auto_id", "reflection_%s")
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages["required"] = "Write a few words before saving."
        if question:
            self.fields["text"].label = question


KIND_CHOICES = [
    ("", "Everything"),
    ("commitment", "Commitments"),
    ("checkin", "Check-ins"),
    ("reflection", "Reflections"),
]
STATUS_FILTERS = [("", "Any status"), ("overdue", "Overdue"), *CommitmentStatus.choices]


class TimelineFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Show", choices=KIND_CHOICES, required=False)
    strategy = forms.ChoiceField(
        label="Strategy", choices=[("", "Any strategy"), *Strategy.choices], required=False
    )
    status = forms.ChoiceField(label="Status", choices=STATUS_FILTERS, required=False)

    def filters(self) -> dict[str, str]:
        """The valid filters; an unknown value is ignored rather than an error page."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
