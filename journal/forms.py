import copy
import datetime
from typing import Any, cast

from django import forms
from django.forms.models import ModelFormMetaclass

from guides.caching import course
from guides.models import Lesson, Strategy

from .models import (
    ANSWER_MAX,
    COMMITMENT_MAX,
    NOTE_MAX,
    Commitment,
    CommitmentStatus,
    LessonReflection,
    local_now,
)
from .scales import Scale

# Further ahead than this is almost certainly a typo in the year.
MAX_DAYS_AHEAD = 730


def too_long(limit: int) -> str:
    return (
        f"Please keep this to {limit:,} characters or fewer "
        "(it has %(show_value)d). Nothing you wrote has been lost."
    )


def without_maxlength(form: forms.BaseForm) -> None:
    """Drops the maxlength attributes Django puts on length-limited fields.

    A maxlength silently cuts off pasted text; the server refuses it with a message
    instead (too_long), keeping every word on the form.
    """
    for field in form.fields.values():
        field.widget.attrs.pop("maxlength", None)


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


def not_too_far_ahead(day: datetime.date) -> None:
    if day > local_now().date() + datetime.timedelta(days=MAX_DAYS_AHEAD):
        raise forms.ValidationError("That date is more than two years away. Please check the year.")


def due_date_field(label: str) -> forms.DateField:
    """An optional day to keep a promise by, in the phone's date picker."""
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date like 2025-06-30."},
        validators=[not_too_far_ahead],
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


# (course version, choices): rebuilt when guides.caching.course() sees a new version of
# the course, so a content reload shows within COURSE_RECHECK_SECONDS.
_lesson_choices: tuple[str, list] | None = None


def lesson_choices() -> list:
    """Lessons grouped by stage, in course order, for a select.

    Built once per process for each version of the course (a query only then); the
    list is never changed by its users.
    """
    global _lesson_choices
    version = course().version
    if _lesson_choices is not None and _lesson_choices[0] == version:
        return _lesson_choices[1]
    groups: dict[str, list[tuple[int, str]]] = {}
    lessons = (
        Lesson.objects.published().in_course_order().values_list("pk", "title", "stage__title")
    )
    for pk, title, stage_title in lessons:
        groups.setdefault(stage_title, []).append((pk, title))
    choices = [("", "None"), *groups.items()]
    _lesson_choices = (version, choices)
    return choices


class SharedChoices(dict):
    """A form's declared fields, copied for each form without copying their choices.

    Django deep-copies every field for every form, and a choice field deep-copies its
    list of choices each time (a tuple per option). These lists are never changed in
    place (a form that needs other choices assigns a new list), so each form's fields
    keep pointing at the declared ones; everything else is still copied as usual.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        for field in self.values():
            choices = getattr(field, "_choices", None)
            if isinstance(choices, list):
                memo[id(choices)] = choices
        return {name: copy.deepcopy(field, memo) for name, field in self.items()}


class SharedChoicesMetaclass(ModelFormMetaclass):
    """Declares the form's fields as usual, then keeps them as SharedChoices."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> type:
        new_class = super().__new__(mcs, name, bases, attrs)
        new_class.base_fields = SharedChoices(new_class.base_fields)  # type: ignore[attr-defined]
        return new_class


class JournalForm(forms.ModelForm, metaclass=SharedChoicesMetaclass):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Most labels are questions; a colon after "(1 = poor, 5 = very good)" reads oddly.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        without_maxlength(self)


class CommitmentForm(JournalForm):
    text = text_field(
        COMMITMENT_MAX,
        label="I said I would…",
        required=True,
        rows=2,
        help_text=f"One concrete thing, in your own words. Up to {COMMITMENT_MAX} characters.",
    )
    due_date = due_date_field("By (optional)")
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
        # A callable: the choices are only built when shown, not to check a posted form
        # (the field's queryset checks the lesson).
        cast(forms.ChoiceField, self.fields["lesson"]).choices = lesson_choices

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
    # A renegotiated promise goes on as a new commitment, linked to the old one.
    new_text = text_field(
        COMMITMENT_MAX,
        label="What I promise now",
        rows=2,
        help_text="The new wording. It is added to your open commitments.",
    )
    new_due_date = due_date_field("New date (optional)")

    def __init__(self, *args: Any, commitment: Commitment | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.commitment = commitment
        if commitment is not None and commitment.is_open:
            self.initial.setdefault("new_text", commitment.text)
            self.initial.setdefault("new_due_date", commitment.due_date)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        old = self.commitment
        renegotiating = data.get("status") == CommitmentStatus.RENEGOTIATED
        if old is not None and old.is_open and renegotiating and not self.has_error("new_due_date"):
            text = data.get("new_text", "")
            if not text:
                self.add_error("new_text", "Write what you promise now (or keep the old words).")
            elif text == old.text and data.get("new_due_date") == old.due_date:
                self.add_error(
                    "new_due_date",
                    "Change the date or the wording: what are you promising now?",
                )
        return data

    @property
    def renegotiating(self) -> bool:
        return bool(self.data.get("status") == CommitmentStatus.RENEGOTIATED)

    def apply(self) -> Commitment | None:
        """Saves the new status; a renegotiation returns the new commitment it opened."""
        commitment = cast(Commitment, self.commitment)
        data = self.cleaned_data
        if data["status"] == CommitmentStatus.RENEGOTIATED and commitment.is_open:
            return commitment.renegotiate(data["reason"], data["new_text"], data["new_due_date"])
        commitment.set_status(data["status"], data["reason"])
        return None


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
