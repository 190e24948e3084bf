from typing import Any, cast

from django import forms
from django.contrib.auth.forms import UserCreationForm

from . import timezones
from .models import User

TIME_ZONE_HELP = "Dates in your journal, and what counts as “today”, follow this time zone."


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        required=False,
        help_text="Optional. Only used to reset a forgotten password. Leave blank if you prefer.",
    )
    # Filled in by the browser (static/js/app.js); without JavaScript, the picker
    # shown in <noscript> is sent instead.
    time_zone = forms.CharField(
        required=False,
        widget=forms.HiddenInput(attrs={"data-detect-time-zone": ""}),
    )
    time_zone_pick = forms.ChoiceField(
        label="Your time zone",
        required=False,
        initial="UTC",
        help_text=TIME_ZONE_HELP,
    )

    class Meta:
        model = User
        fields = ("username", "email")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["time_zone_pick"]).choices = timezones.grouped_choices()

    def chosen_time_zone(self) -> str:
        # A name zoneinfo does not know (a browser's typo, a forged post) is ignored.
        return (
            timezones.valid_or_none(self.cleaned_data.get("time_zone"))
            or timezones.valid_or_none(self.cleaned_data.get("time_zone_pick"))
            or "UTC"
        )

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.time_zone = self.chosen_time_zone()
        if commit:
            user.save()
        return user


class AccountSettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label="Time zone",
        help_text=TIME_ZONE_HELP + " Type a city's first letters to find it.",
        widget=forms.Select(attrs={"data-searchable": "", "autocomplete": "off"}),
        error_messages={"invalid_choice": "Choose a time zone from the list."},
    )

    class Meta:
        model = User
        fields = ("email", "time_zone")
        help_texts = {"email": "Optional. Only used to reset a forgotten password."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.time_zone if self.instance else None
        cast(forms.ChoiceField, self.fields["time_zone"]).choices = timezones.grouped_choices(
            current
        )
