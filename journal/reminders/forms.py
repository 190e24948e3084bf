from django import forms

from trustrepair.models import User

from .models import WEEKDAYS, ReminderSettings
from .rules import in_quiet_hours


class ReminderSettingsForm(forms.ModelForm):
    days = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="On these days",
    )

    class Meta:
        model = ReminderSettings
        fields = [
            "by_email",
            "by_push",
            "days",
            "at",
            "commitments_due",
            "quiet_from",
            "quiet_until",
        ]
        labels = {
            "by_email": "By email",
            "by_push": "As a notification on the devices listed below",
            "at": "At this time",
            "commitments_due": "Also on a day when something I planned is due",
            "quiet_from": "Quiet from",
            "quiet_until": "Quiet until",
        }
        help_texts = {
            "quiet_from": "No reminder comes between these times.",
        }
        widgets = {
            "at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_until": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user
        self.label_suffix = ""

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("by_email") and not self.user.email:
            self.add_error(
                "by_email", "Add an email address on your account page first, or leave this off."
            )
        on = data.get("by_email") or data.get("by_push")
        if on and not data.get("days") and not data.get("commitments_due"):
            self.add_error("days", "Choose at least one day.")
        start, end = data.get("quiet_from"), data.get("quiet_until")
        if (start is None) != (end is None):
            self.add_error("quiet_until", "Give both quiet times, or neither.")
        elif data.get("at") and in_quiet_hours(data["at"], start, end):
            self.add_error("at", "This time is inside your quiet hours, so nothing would come.")
        return data
