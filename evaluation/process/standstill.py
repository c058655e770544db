"""The end of the standstill period (karensperiode) after an award notice.

legal.md: the contract may not be signed before the standstill period has run (the EU minimum
is 10 days when the notice is sent electronically); a period ending on a weekend or public
holiday is *believed* to move to the next working day (unverified). The rule is therefore a
choice the notice shows in words, and the calendar comes from the ``holidays`` library
(Norway's public holidays: offentlige høytidsdager, 1 and 17 May included).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import holidays

from evaluation.common.labels import Label, format_date

RULES = ("next-working-day", "calendar-days")
WEEKDAYS = (Label("mandag", "Monday"), Label("tirsdag", "Tuesday"), Label("onsdag", "Wednesday"),
            Label("torsdag", "Thursday"), Label("fredag", "Friday"),
            Label("lørdag", "Saturday"), Label("søndag", "Sunday"))


@dataclass(frozen=True)
class Standstill:
    """When the standstill period ends, and the rule that gave the date."""

    sent: dt.date
    days: int
    nominal_end: dt.date  # sent + days
    end: dt.date  # after moving past weekends and holidays (or equal to nominal_end)
    rule: str
    skipped: tuple[tuple[dt.date, Label], ...]  # the days skipped and why

    def letter(self, language: str) -> str:
        """Return the period as a letter to a supplier states it: its length, from when, the
        days it was moved past and its end (how sure the rule is goes to the caseworker's
        checklist, :meth:`explain`)."""
        en = language == "en"
        sent = format_date(self.sent, language)
        end = f"{WEEKDAYS[self.end.weekday()].get(language)} {format_date(self.end, language)}"
        text = (f"The standstill period is {self.days} days from the day after this notice is "
                f"sent ({sent})." if en else
                f"Karensperioden er {self.days} dager regnet fra dagen etter at meddelelsen er "
                f"sendt ({sent}).")
        if self.skipped:
            days = ", ".join(f"{why.get(language)} {format_date(d, language)}"
                             for d, why in self.skipped)
            return text + (f" Day {self.days} and the days after it are not working days "
                           f"({days}), so the period ends on the next working day, {end}."
                           if en else
                           f" Dag {self.days} og dagene etter er ikke virkedager ({days}); "
                           f"perioden utløper derfor neste virkedag, {end}.")
        return text + (f" It ends on {end}." if en else f" Den utløper {end}.")

    def explain(self, language: str) -> str:
        """Return the rule and the dates in words, in ``language``, with where the calendar
        comes from and that the rule is not verified (for the caseworker, not the letter)."""
        en = language == "en"
        sent, nominal = format_date(self.sent, language), format_date(self.nominal_end, language)
        end = f"{WEEKDAYS[self.end.weekday()].get(language)} {format_date(self.end, language)}"
        if en:
            text = (f"The standstill period is {self.days} days counted from the day after the "
                    f"notice is sent ({sent}): day {self.days} is {nominal}.")
        else:
            text = (f"Karensperioden er {self.days} dager regnet fra dagen etter at "
                    f"meddelelsen er sendt ({sent}): dag {self.days} er {nominal}.")
        if self.rule == "calendar-days":
            return text + (" The period is counted in calendar days and is not extended."
                           if en else " Perioden regnes i kalenderdager og forlenges ikke.")
        skipped = ", ".join(f"{format_date(d, language)} ({why.get(language)})"
                            for d, why in self.skipped)
        if en:
            rule = (" A period ending on a Saturday, Sunday or Norwegian public holiday is "
                    "taken to end on the next working day (calendar: the holidays library; "
                    "the rule is believed to apply but was not verified against the "
                    "regulations: check it).")
            moved = (f" Skipped: {skipped}." if skipped else "")
            return f"{text}{rule}{moved} The standstill period ends on {end}."
        rule = (" Slutter perioden på en lørdag, søndag eller offentlig helligdag, regnes den "
                "å løpe til neste virkedag (kalender: biblioteket holidays; regelen antas å "
                "gjelde, men er ikke kontrollert mot regelverket: kontroller den).")
        moved = (f" Hoppet over: {skipped}." if skipped else "")
        return f"{text}{rule}{moved} Karensperioden utløper {end}."


def _norwegian_holidays(years: list[int]) -> holidays.HolidayBase:
    try:  # some versions count every Sunday as a holiday unless told not to
        return holidays.Norway(years=years, language="no", include_sundays=False)
    except TypeError:  # pragma: no cover - versions without the option
        return holidays.Norway(years=years, language="no")


def standstill_end(sent: dt.date, days: int, rule: str = "next-working-day") -> Standstill:
    """Return the end of a standstill period of ``days`` days after a notice sent on ``sent``.

    ``next-working-day``: ``sent + days``, then moved forward past Saturdays, Sundays and
    Norwegian public holidays; ``calendar-days``: ``sent + days`` as it is.
    """
    if rule not in RULES:
        raise ValueError(f"unknown standstill rule {rule!r} (expected {' | '.join(RULES)})")
    nominal = sent + dt.timedelta(days=days)
    end, skipped = nominal, []
    if rule == "next-working-day":
        calendar = _norwegian_holidays([nominal.year, nominal.year + 1])
        calendar_en = holidays.Norway(years=[nominal.year, nominal.year + 1], language="en_US")
        while end.weekday() >= 5 or end in calendar:
            why = (Label(str(calendar.get(end)), str(calendar_en.get(end))) if end in calendar
                   else WEEKDAYS[end.weekday()])
            skipped.append((end, why))
            end += dt.timedelta(days=1)
    return Standstill(sent, days, nominal, end, rule, tuple(skipped))
