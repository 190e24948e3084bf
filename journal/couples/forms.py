from typing import Any

from django import forms

from journal.forms import JournalForm, rating_field, text_field, without_maxlength
from journal.models import NOTE_MAX
from journal.scales import COMMUNICATION, CONNECTION, TRUST

from .linking import CODE_MAX_LENGTH, clean_code
from .models import SHORT_ANSWER_MAX, JointAnswer


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Invitation code",
        help_text="Paste the code or the whole link your partner sent you.",
        max_length=CODE_MAX_LENGTH * 3,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Paste or type the code your partner sent you.",
            "max_length": "That is longer than any invitation code. Check what you pasted.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A pasted link is longer than the code it holds: never cut short in the box.
        without_maxlength(self)

    def clean_code(self) -> str:
        code = clean_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError("Paste or type the code your partner sent you.")
        return code


class JointAnswerForm(JournalForm):
    trust = rating_field(TRUST)
    communication = rating_field(COMMUNICATION)
    connection = rating_field(CONNECTION)
    working = text_field(
        SHORT_ANSWER_MAX,
        label="What is working between us?",
        rows=3,
        help_text=f"Optional. Up to {SHORT_ANSWER_MAX} characters.",
    )
    would_help = text_field(
        SHORT_ANSWER_MAX,
        label="What would help this week?",
        rows=3,
        help_text=f"Optional. Up to {SHORT_ANSWER_MAX} characters.",
    )
    private_note = text_field(
        NOTE_MAX,
        label="Private note (optional)",
        rows=3,
        help_text="Only you ever see this. It is never shown to your partner.",
    )

    class Meta:
        model = JointAnswer
        fields = ["trust", "communication", "connection", "working", "would_help", "private_note"]
