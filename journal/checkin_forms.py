"""The daily check-in's form: three ratings, words only if wanted, one suggested question."""

import datetime
from typing import Any, cast

from django import forms
from django.db import router

from guides.models import Lesson
from trustrepair import sql
from trustrepair.models import User

from .forms import JournalForm, lesson_choices, rating_field, text_field
from .models import ANSWER_MAX, NOTE_MAX, CheckIn, checkin_on, local_now
from .scales import COMMUNICATION, CONNECTION, SCALES, TRUST, Scale
from .suggestions import PROMPT_LABELS, PROMPTS, SAFETY_QUESTION


def suggested_prompt(day: datetime.date) -> str:
    """One question a day, in turn, instead of a list to choose from."""
    return PROMPTS[day.toordinal() % len(PROMPTS)][0]


SAFETY_CHOICES = [("", "I'd rather not say"), ("no", "No"), ("yes", "Yes")]
KEEP_ANSWER = "keep"


class CheckInForm(JournalForm):
    """The daily check-in: three taps, and words only if wanted.

    `day` decides the date: a new check-in for today carries the day the form was
    opened on (posted after midnight, it stays on that day); for another day the
    person picks a date; an existing check-in keeps its date (editing never moves it).
    """

    date = forms.DateField(
        label="Which day?",
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": "Enter a date like 2025-06-30."},
    )
    trust = rating_field(TRUST)
    communication = rating_field(COMMUNICATION)
    connection = rating_field(CONNECTION)
    working = text_field(
        ANSWER_MAX,
        label="What is working well between us right now?",
        rows=3,
    )
    needs_work = text_field(ANSWER_MAX, label="What needs work?", rows=3)
    appreciation = text_field(
        ANSWER_MAX,
        label="One thing I appreciate",
        rows=2,
        help_text="Something they did, said or are.",
    )
    prompt = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    prompt_answer = text_field(
        ANSWER_MAX,
        label="My thoughts",
        rows=3,
        help_text="Or write about anything else on your mind.",
    )
    safety_concern = forms.ChoiceField(
        label=SAFETY_QUESTION,
        choices=SAFETY_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        help_text="A safety question we ask everyone. Your answer stays private.",
    )
    private_note = text_field(
        NOTE_MAX,
        label="Private note",
        rows=4,
        help_text="Only you can read this. It is never shared, not even in a summary you "
        f"choose to send. Up to {NOTE_MAX:,} characters.",
    )
    lesson = forms.ModelChoiceField(
        label="The lesson I am working on",
        queryset=Lesson.objects.published()
        .select_related("stage")
        .only("id", "title", "stage__id", "stage__title"),
        required=False,
        help_text="Used to show how check-ins change from one stage to the next.",
    )

    OPTIONAL_WORDS = ("working", "needs_work", "appreciation", "prompt_answer")

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

    def __init__(self, *args: Any, user: User, pick_day: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.pick_day = pick_day
        self.taken: CheckIn | None = None
        self.was_safety_concern = self.instance.safety_concern
        # A callable: the choices are only built when shown, not to check a posted form
        # (the field's queryset checks the lesson).
        cast(forms.ChoiceField, self.fields["lesson"]).choices = lesson_choices
        today = local_now().date()
        date_field = cast(forms.DateField, self.fields["date"])
        if self.instance.pk:
            # Editing never moves a check-in to another day.
            date_field.disabled = True
            # The saved answer is never shown back: "leave it" is the default.
            safety = cast(forms.ChoiceField, self.fields["safety_concern"])
            safety.choices = [(KEEP_ANSWER, "Leave my earlier answer as it is"), *SAFETY_CHOICES]
            self.initial["safety_concern"] = KEEP_ANSWER
        elif pick_day:
            date_field.required = True
            date_field.error_messages["required"] = "Choose the day this check-in is for."
            date_field.widget = forms.DateInput(
                attrs={"type": "date", "max": today.isoformat()}, format="%Y-%m-%d"
            )
            date_field.help_text = "A day you missed. Only one check-in per day."
        prompt = self.data.get("prompt") if self.is_bound else None
        if prompt not in PROMPT_LABELS:
            prompt = self.instance.prompt or suggested_prompt(self.instance.date or today)
        self.initial["prompt"] = prompt
        self.prompt_question = PROMPT_LABELS.get(prompt, "")
        self.fields["prompt_answer"].label = self.prompt_question or "My thoughts"

    @property
    def lesson_title(self) -> str:
        """The chosen lesson's title, read from the course's choices (no query)."""
        chosen = str(self["lesson"].value() or "")
        for _group, lessons in lesson_choices()[1:]:
            for pk, title in cast(list, lessons):
                if str(pk) == chosen:
                    return str(title)
        return ""

    @property
    def ratings(self) -> list[tuple[Scale, forms.BoundField]]:
        return [(scale, self[scale.field]) for scale in SCALES]

    @property
    def words_have_errors(self) -> bool:
        return any(self.has_error(name) for name in self.OPTIONAL_WORDS)

    @property
    def has_words(self) -> bool:
        """Something is written in the folded part: it opens, so nothing typed is hidden."""
        return any(self[name].value() for name in self.OPTIONAL_WORDS)

    def clean_date(self) -> datetime.date:
        if self.instance.pk:
            return self.instance.date
        today = local_now().date()
        date = self.cleaned_data["date"] or today
        if date > today:
            raise forms.ValidationError("A check-in can only be for today or an earlier day.")
        # Whether the day is taken is asked in clean() when the form has other errors to
        # show, and otherwise learnt from the INSERT itself (see add()).
        return date

    def clean_prompt(self) -> str:
        prompt = self.cleaned_data.get("prompt", "")
        return prompt if prompt in PROMPT_LABELS else ""

    def clean_safety_concern(self) -> bool | None:
        answer = self.cleaned_data.get("safety_concern")
        if answer == KEEP_ANSWER:
            return self.instance.safety_concern
        return {"yes": True, "no": False}.get(answer or "")

    def clean(self) -> dict[str, Any]:
        super().clean()
        if not self.cleaned_data.get("prompt_answer"):
            self.cleaned_data["prompt"] = ""
        date = self.cleaned_data.get("date")
        # The form comes back anyway: say now, with the rest, if the day is taken too.
        if self.errors and date is not None and self.instance.pk is None:
            taken = checkin_on(self.user.pk, date)
            if taken is not None:
                self._day_taken(taken, date)
        return self.cleaned_data

    def _day_taken(self, taken: CheckIn | None, date: datetime.date) -> None:
        self.taken = taken
        if date == local_now().date():
            self.add_error("date", "You already checked in today.")
        else:
            self.add_error("date", "You already have a check-in for that day.")

    @property
    def safety_newly_yes(self) -> bool:
        """A yes that was not there before: the help is shown once, on the confirmation."""
        answer = self.cleaned_data.get("safety_concern")
        return answer is True and self.was_safety_concern is not True

    def add(self) -> CheckIn | None:
        """Saves a valid new check-in, or None when its day is taken: by a check-in
        saved earlier, or a moment ago from another tab. The form then says so, with a
        link to it, and keeps everything typed; nothing is written.

        One INSERT that skips a taken day (the one-per-day constraint decides), rather
        than a SELECT to ask first: one statement fewer on every check-in, and two posts
        of the same day at once no longer end in an error page.
        """
        checkin = self.save(commit=False)
        if sql.insert(checkin, router.db_for_write(CheckIn, instance=checkin), unless_taken=True):
            return checkin
        self._day_taken(checkin_on(self.user.pk, checkin.date), checkin.date)
        return None

    def save(self, commit: bool = True) -> CheckIn:
        checkin = super().save(commit=False)
        # The stage follows the lesson, so per-stage insights stay consistent.
        checkin.stage = checkin.lesson.stage if checkin.lesson else None
        # New check-ins are added through add() (one INSERT built once, a taken day a
        # message); an edit, or a caller that commits here, saves through the ORM.
        if commit:
            checkin.save()
        return checkin
