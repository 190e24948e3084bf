import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from journal.forms import too_long, without_maxlength
from trustrepair.models import User

from .links import DEFAULT_EXPIRY_DAYS, EXPIRY_CHOICES
from .models import MESSAGE_MAX, REPLY_MAX
from .summary import checkins_in_period

PERIODS = {"2w": ("The last 2 weeks", 14), "4w": ("The last 4 weeks", 28)}
LONGEST_PERIOD_DAYS = 366
# Anything outside this is a typo in the year (and year 1 overflows time zone maths).
EARLIEST = datetime.date(2000, 1, 1)


def latest_allowed(today: datetime.date) -> datetime.date:
    return datetime.date(today.year + 1, 12, 31)


class ShareForm(forms.Form):
    period = forms.ChoiceField(
        label="Which period?",
        choices=[*((k, label) for k, (label, _) in PERIODS.items()), ("dates", "Choose dates")],
        initial="2w",
        widget=forms.RadioSelect,
    )
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    include_ratings = forms.BooleanField(
        label="How the ratings moved (trust, communication, connection)",
        required=False,
        initial=True,
    )
    include_consistency = forms.BooleanField(
        label="How many commitments I kept, and which",
        required=False,
        initial=True,
    )
    reflections = forms.TypedMultipleChoiceField(
        label="Check-ins whose answers to show",
        help_text="Only “what is working”, “what needs work” and the appreciation are shown.",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    message = forms.CharField(
        label="A message to your partner (optional)",
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": too_long(MESSAGE_MAX)},
    )
    expiry_days = forms.TypedChoiceField(
        label="The link stops working after",
        choices=list(EXPIRY_CHOICES.items()),
        coerce=int,
        initial=DEFAULT_EXPIRY_DAYS,
        widget=forms.RadioSelect,
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        # As on the journal's forms: labels are questions and phrases, not "From:".
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        without_maxlength(self)
        self.user = user
        start, end = self.period_bounds()
        cast(forms.ChoiceField, self.fields["reflections"]).choices = [
            (c.pk, c.date.strftime("%a %-d %b"))
            for c in checkins_in_period(user, start, end).only("id", "date")
        ]

    def _raw(self, name: str) -> str:
        if self.is_bound:
            return self.data.get(self.add_prefix(name), "") or ""
        return str(self.initial.get(name, self.fields[name].initial or ""))

    def period_bounds(self) -> tuple[datetime.date, datetime.date]:
        """The chosen period from what was typed, tolerant of half-filled forms."""
        today = timezone.localdate()
        period = self._raw("period") or "2w"
        if period in PERIODS:
            return today - datetime.timedelta(days=PERIODS[period][1] - 1), today
        try:
            start = datetime.date.fromisoformat(self._raw("start"))
            end = datetime.date.fromisoformat(self._raw("end"))
        except ValueError:
            return today - datetime.timedelta(days=13), today
        if min(start, end) < EARLIEST or max(start, end) > latest_allowed(today):
            return today - datetime.timedelta(days=13), today
        return min(start, end), max(start, end)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("period") == "dates":
            start, end = data.get("start"), data.get("end")
            today = timezone.localdate()
            if start is None:
                self.add_error("start", "Choose the first day.")
            if end is None:
                self.add_error("end", "Choose the last day.")
            for name, day in (("start", start), ("end", end)):
                if day and not EARLIEST <= day <= latest_allowed(today):
                    self.add_error(
                        name,
                        f"Choose a day between {EARLIEST.year} and {latest_allowed(today).year}; "
                        "please check the year.",
                    )
            start, end = data.get("start"), data.get("end")
            if start and end:
                if end < start:
                    self.add_error("end", "The last day must be on or after the first day.")
                elif end > today:
                    self.add_error("end", "The period cannot end in the future.")
                elif (end - start).days >= LONGEST_PERIOD_DAYS:
                    self.add_error("start", "Please choose a period of a year or less.")
        if not (data.get("include_ratings") or data.get("include_consistency")) and not data.get(
            "reflections"
        ):
            raise forms.ValidationError(
                "Choose at least one thing to include: ratings, commitments or some check-ins."
            )
        return data


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label="A short reply (optional)",
        max_length=REPLY_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Write a few words, or use the acknowledge button instead.",
            "max_length": too_long(REPLY_MAX),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        without_maxlength(self)

    def reply_field(self) -> SafeString:
        """The reply's label and box, as `as_field_group` draws them.

        A partner's visit shows the form empty; Django's form templates (field, label,
        widget, attributes: five renders) cost about a millisecond of that page, so the
        empty form is written here from the field's own settings. With an answer to show
        again or its errors, Django draws it. A test keeps the two identical.
        """
        field = self["reply"]
        if self.is_bound:
            return field.as_field_group()
        widget = field.field.widget
        attrs = widget.build_attrs(widget.attrs, field.build_widget_attrs({}, widget))
        attrs.setdefault("id", field.auto_id)
        # As django/forms/widgets/attrs.html writes them: in order, True as a bare name.
        markup = format_html_join(
            "",
            "{}",
            (
                (
                    format_html(" {}", name)
                    if value is True
                    else format_html(' {}="{}"', name, value),
                )
                for name, value in attrs.items()
                if value is not False
            ),
        )
        return format_html(
            '<label for="{}">{}{}</label>\n\n\n\n<textarea name="{}"{}>\n</textarea>',
            field.id_for_label,
            field.label,
            self.label_suffix,
            field.html_name,
            markup,
        )
