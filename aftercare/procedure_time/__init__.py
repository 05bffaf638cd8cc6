"""When did the patient's procedure happen? Reads it from what they type. No Rasa, no spaCy model.

`find_procedure_time(text, now, timezone)` returns the first mention in the text that says when the
procedure happened, as a UTC moment, or None. The words it knows live in `content/time_vocabulary.yml`
(number words, units, weekdays, months, parts of the day, ignore cues, the "today" and "just now"
offsets), so a clinic can teach it a spelling without touching code.

How phrases are found: the text is lower-cased and split into words by spaCy's blank English
tokenizer (no model), here also splitting digits from letters ("48hrs", "25th") and punctuation from
words. A spaCy `Matcher` built from the YAML finds each kind of phrase ("2 days ago", "yesterday",
"Nov 25", "at 3pm" next to a day, "next" before one, a question cue): its token patterns are places
each filled by a YAML word list or a number. YAML phrases are split into words like messages, so adding
"sat" to a weekday, or `a handful of: 5` to the number words, is all it takes. The parts of each match
are then read by the rules below.

How phrases are read (product decisions; tests pin each of them down):

- A named day without a time of day takes the current local clock time on that day: "yesterday" is
  24 h ago, "the day before yesterday" 48 h ago. "On/since Monday" and a bare "Monday" are the most
  recent past Monday; "last Monday" too, except that when today is Monday it means 7 days ago.
  "Nov 25" is 25 November of the current year at the current clock time.
- When the named day is today ("today", "earlier today", "on Sunday" said on a Sunday, today's date),
  the procedure is taken to be 2 hours ago (`today.minutes_before_now`): a conservative guess, so
  bleeding-type symptoms still escalate while care tips that need more time wait.
- "just now", "just had it": 15 minutes ago (`just_now.minutes_before_now`).
- Parts of the day are local clock hours: this morning 09:00, this afternoon 14:00, this evening and
  tonight 18:00, last night yesterday 20:00; "yesterday morning", "Friday evening" likewise on that
  day. A part of today that is still to come is returned as it is (in the future): the assistant
  rejects it and asks again. A clock time next to a day is used ("yesterday at 3pm"); an hour without
  am/pm below 8 is read as afternoon, since procedures happen in clinic hours. A clock time alone
  ("at 3pm") is not a procedure time.
- Elapsed time is exact: "N minutes/hours/days/weeks/months ago" (a month is 30 days), with digits,
  decimals or words (a/an = 1, a couple (of) = 2, a few = 3, several = 3, half an hour = 30 min,
  "an hour and a half"), abbreviations (min, hr, hrs, h, wk, wks), "48hrs ago", "2 weeks back",
  "it's been 4 days", "4 days post/out/since", "last week" (7 days ago), "last month" (30 days ago).
  "I'm on day 3", "it's day 3", "day 3 post", "day 3 after" all mean 3 days ago. Because elapsed
  time is exact, "3 days ago" and "on Thursday" differ by an hour when a daylight-saving change lies
  between them.
- Dates: "Nov 25", "November 25th", "25 November", "25th of Nov", ISO "2026-11-25", numeric "11/25",
  "11/25/2026", "11-25-26", read in the clinic's date order (MDY or DMY). A numeric date that is
  impossible in that order is read the other way round ("25/11" under MDY is 25 November), so
  "3/4" is ambiguous and follows the clinic, while "25/11" is not. Two-part numeric dates need a
  slash ("2-3 days" is a range) and "6/10" is a pain score, not a date. "The 25th" is the most
  recent 25th: this month, or last month when the 25th has not come yet. A date without a year is
  in the current year, even when that puts it in the future: it is rejected and asked again rather
  than silently moved to last year.
- Only times about the procedure count. A mention is about the procedure when its clause names the
  procedure ("had it done Thursday", "my appointment was yesterday", "got microneedled on friday"),
  when it says so itself ("I'm on day 3", "4 days post", "it's been 2 days"), or when
  it is all its clause says apart from filler words ("yesterday", "3 days ago I think", "friday,
  is peeling normal?"), which is how the time question is answered. Any other time is about
  something else and is left alone: when a symptom started ("red since last night", "the flaking
  started 2 days ago"), when the patient writes ("my skin stings tonight"), another event ("my
  brother's birthday was yesterday", "I washed my face this morning"). Clauses end at punctuation
  and at the joining words of `about_the_procedure.clause_words` ("and", "but").
- `find_symptom_onset` returns the first time that is not about the procedure and follows "since"
  ("bleeding since this morning"): the symptom has lasted at least that long, which the care guide
  may use to escalate (never to reassure) while the procedure time is unknown.
- `find_time_ahead` returns a time ahead standing alone ("in 3 days"): never a procedure time, but the answer
  to "when did you have your treatment?" that the assistant explains is in the future instead of asking blindly.
- Ignored: forward-looking times ("tomorrow", "in 2 days", "next week", "this Friday", "until
  Monday"), frequencies ("twice a day", "every day", "once a week"), durations ("for 2 weeks") and
  clock-only times. A named day inside a question or plan ("can I wear make-up today", "is it ok to
  go to the gym on Monday") is about the future unless a past-tense word comes between the question
  and the day ("should I be red if I had it yesterday").

All times are aware datetimes. Values are returned in UTC, truncated to the minute.
"""

import importlib
from typing import Any

# The public names, by the module that defines them. They load on first use, so that reading the vocabulary alone
# (the care guide's "Earlier today" button, aftercare/care_guide.py) does not import spaCy.
_EXPORTS = {
    "DEFAULT_EXPRESSIONS_FILE": "vocabulary",
    "TimePatterns": "vocabulary",
    "today_offset_hours": "vocabulary",
    "build_time_patterns": "matching",
    "load_time_patterns": "matching",
    "TimeMention": "interpretation",
    "find_procedure_time": "interpretation",
    "find_symptom_onset": "interpretation",
    "find_time_ahead": "interpretation",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
