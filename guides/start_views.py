""" "Start here": one question a screen, plain forms, no JavaScript needed.

The step is in the URL. Each answer is saved as it is given (guides.start_here), so
leaving halfway loses nothing; any question can be skipped, and so can the whole
thing. A yes to the safety question leads to a short page of help that reads the same
for everyone, so opening it later tells nobody what was answered.
"""

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from trustrepair.http import AuthenticatedHttpRequest

from . import start_here
from .models import Side, Situation
from .start_here import AFRAID, NO, SIDE, SITUATION, STEPS, YES

SAFETY_QUESTION = (
    "Are you afraid of your partner, or does your partner check your phone, "
    "messages or whereabouts?"
)
QUESTIONS = {
    SIDE: ("Which of these sounds most like you?", Side.choices),
    SITUATION: ("What is going on between you?", Situation.choices),
    AFRAID: (SAFETY_QUESTION, [(YES, "Yes"), (NO, "No")]),
}
CHOOSE_ONE = "Choose one of the answers, or skip this question."


class QuestionForm(forms.Form):
    answer = forms.ChoiceField(
        widget=forms.RadioSelect, error_messages={"required": CHOOSE_ONE}, label=""
    )

    def __init__(self, step: str, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        label, choices = QUESTIONS[step]
        field = cast(forms.ChoiceField, self.fields["answer"])
        field.choices = choices
        field.label = label


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def question(request: AuthenticatedHttpRequest, step: str = SIDE) -> HttpResponse:
    if step not in STEPS:
        raise Http404("No such question")
    number = STEPS.index(step) + 1
    # Never filled in from an earlier answer: the safety answer, above all, is not shown
    # back to whoever is holding the phone.
    form = QuestionForm(step, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        skipped = "skip" in request.POST
        if skipped or form.is_valid():
            value = None if skipped else form.cleaned_data["answer"]
            start_here.record_answer(request.user, step, value)
            if number < len(STEPS):
                return redirect("guides:start_step", STEPS[number])
            # The same words whatever the answer: the next page must not tell it.
            messages.success(request, "Your path is on the lessons page.")
            return redirect("guides:start_help" if value == YES else "guides:index")
    context = {"form": form, "step": step, "number": number, "count": len(STEPS)}
    return render(request, "guides/start.html", context)


@require_safe
def help_page(request: HttpRequest) -> HttpResponse:
    """Kind words and where to turn; the same page for everyone who opens it."""
    return render(request, "guides/start_help.html")
