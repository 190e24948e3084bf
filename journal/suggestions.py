"""Ready-made commitments and gentle check-in prompts, in the project's own words."""

from dataclasses import dataclass

from guides.models import Strategy


@dataclass(frozen=True)
class Suggestion:
    key: str
    text: str
    strategy: str

    @property
    def strategy_label(self) -> str:
        return Strategy(self.strategy).label


SUGGESTIONS: tuple[Suggestion, ...] = (
    Suggestion(
        "say-where",
        "Tell them where I'm going and roughly when I'll be back",
        Strategy.TRANSPARENCY,
    ),
    Suggestion("call-on-time", "Call or message when I said I would", Strategy.RELIABILITY),
    Suggestion(
        "flag-early",
        "Say early when a plan changes, and explain why",
        Strategy.ACCOUNTABILITY,
    ),
    Suggestion(
        "share-my-day",
        "Share something about my day without being asked",
        Strategy.COMMUNICATION,
    ),
    Suggestion(
        "one-appreciation",
        "Name one thing I appreciate about them, out loud",
        Strategy.APPRECIATION,
    ),
    Suggestion(
        "listen-fully",
        "Listen to the end without interrupting or defending myself",
        Strategy.EMPATHY,
    ),
    Suggestion("be-on-time", "Arrive on time for what we planned", Strategy.RELIABILITY),
    Suggestion(
        "time-together",
        "Set aside an evening for just the two of us, phones away",
        Strategy.SHARED_TIME,
    ),
    Suggestion(
        "own-a-mistake",
        "Own a mistake plainly and say sorry without a 'but'",
        Strategy.ACCOUNTABILITY,
    ),
    Suggestion(
        "name-a-trigger",
        "Notice when I feel a doubt rising, and name it before acting on it",
        Strategy.SELF_AWARENESS,
    ),
    Suggestion(
        "share-a-worry",
        "Tell them one worry or hope I usually keep to myself",
        Strategy.VULNERABILITY,
    ),
)

_BY_KEY = {s.key: s for s in SUGGESTIONS}


def suggestion(key: str | None) -> Suggestion | None:
    return _BY_KEY.get(key or "")


# Check-in questions a person may pick one of and answer (the rest of the
# check-in covers what is working, what needs work, appreciation and ratings).
PROMPTS: tuple[tuple[str, str], ...] = (
    ("promises", "Which promises did I keep, which did I move in good time, and which slipped?"),
    ("doubt-moments", "Were there moments when doubt crept in? What was going on?"),
    ("heated", "Did either of us get defensive, brush the other off, or raise our voice?"),
    ("small-wins", "What small win could we be glad about?"),
    ("my-feelings", "What did I notice about my own feelings and what sets them off?"),
    ("together", "Did we spend real time together, or try something new?"),
    ("felt-appreciated", "Did I feel appreciated? Did I show appreciation?"),
    ("boundaries", "Do our boundaries feel clear and respected both ways? Anything unclear?"),
    (
        "openness",
        "Is any openness we agreed on for a while (like shared location) still needed, "
        "or is it time to wind it down?",
    ),
    (
        "own-work",
        "Is the one who finds trust hard doing their own work on it, in ways we can see?",
    ),
    ("unsaid", "Is something being left unsaid that is starting to weigh on us?"),
    ("my-wellbeing", "How am I doing in myself? Does this relationship still feel good for me?"),
    (
        "outside-help",
        "Do our talks keep going round in circles? Would a counsellor help us now?",
    ),
)

PROMPT_LABELS = dict(PROMPTS)

SAFETY_QUESTION = (
    "Lately, has anyone read your messages, tracked where you are, demanded constant "
    "check-ins, kept you from friends or family, or accused you with no reason?"
)
