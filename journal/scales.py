"""The three check-in ratings: one definition for the form, the model, charts, shares and export.

Each scale runs from 1 to its top, with a word for each end, so a number is never
shown without what it means.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    field: str  # the CheckIn column
    name: str  # how pages name it: "Felt trust"
    question: str  # what the check-in asks
    low: int
    high: int
    low_word: str
    high_word: str

    @property
    def values(self) -> range:
        return range(self.low, self.high + 1)

    @property
    def range_label(self) -> str:
        return f"{self.low} to {self.high}"


TRUST = Scale(
    field="trust",
    name="Felt trust",
    question="How secure and trusted do I feel?",
    low=1,
    high=10,
    low_word="not at all",
    high_word="completely",
)
COMMUNICATION = Scale(
    field="communication",
    name="Communication",
    question="How is our communication?",
    low=1,
    high=5,
    low_word="poor",
    high_word="very good",
)
CONNECTION = Scale(
    field="connection",
    name="Connection",
    question="How close do we feel?",
    low=1,
    high=5,
    low_word="distant",
    high_word="very close",
)
SCALES = (TRUST, COMMUNICATION, CONNECTION)
BY_FIELD = {scale.field: scale for scale in SCALES}
