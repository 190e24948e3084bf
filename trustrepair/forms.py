from django import forms
from django.contrib.auth.forms import UserCreationForm

from .models import User, time_zone_choices


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        required=False,
        help_text="Optional. Only used to reset a forgotten password. Leave blank if you prefer.",
    )

    class Meta:
        model = User
        fields = ("username", "email")


class AccountSettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        help_text="Dates and times in your journal are shown in this time zone.",
    )

    class Meta:
        model = User
        fields = ("email", "time_zone")
        help_texts = {"email": "Optional. Only used to reset a forgotten password."}
