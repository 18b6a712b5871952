//! Opening hours of a store location: a weekly schedule, per-date exceptions (holidays,
//! late-night shopping), and whether the store is open at a given instant in its time zone.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use kernel::validation::FieldErrors;

const MAX_INTERVALS_PER_DAY: usize = 4;
const MAX_EXCEPTIONS: usize = 400;
pub const DEFAULT_TIME_ZONE: &str = "Europe/Berlin";

/// A time of day, `"HH:MM"`; `"24:00"` closes at midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeOfDay {
    minutes: u16,
}

impl TimeOfDay {
    pub fn parse(text: &str) -> Result<TimeOfDay, String> {
        let invalid = || format!("\"{text}\" is not a time of day like \"09:30\"");
        let (hours, minutes) = text.split_once(':').ok_or_else(invalid)?;
        if hours.len() != 2 || minutes.len() != 2 {
            return Err(invalid());
        }
        let hours: u16 = hours.parse().map_err(|_| invalid())?;
        let minutes: u16 = minutes.parse().map_err(|_| invalid())?;
        if minutes >= 60 || hours > 24 || (hours == 24 && minutes > 0) {
            return Err(invalid());
        }
        Ok(TimeOfDay {
            minutes: hours * 60 + minutes,
        })
    }

    fn from_minutes(minutes: u16) -> TimeOfDay {
        TimeOfDay { minutes }
    }
}

impl std::fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.minutes / 60, self.minutes % 60)
    }
}

/// One opening interval of a day, e.g. 09:00–13:00.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Interval {
    /// Opening time, `"HH:MM"` local time.
    #[schema(example = "09:00", pattern = r"^([01]\d|2[0-3]):[0-5]\d$")]
    pub opens: String,
    /// Closing time, `"HH:MM"` local time, after `opens`; `"24:00"` for midnight.
    #[schema(example = "18:00", pattern = r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$")]
    pub closes: String,
}

/// The regular week. A day that is absent or empty is closed. Up to 4 intervals per day
/// (e.g. a lunch break), in order and not overlapping; intervals do not cross midnight.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeeklyHours {
    #[serde(default)]
    pub monday: Vec<Interval>,
    #[serde(default)]
    pub tuesday: Vec<Interval>,
    #[serde(default)]
    pub wednesday: Vec<Interval>,
    #[serde(default)]
    pub thursday: Vec<Interval>,
    #[serde(default)]
    pub friday: Vec<Interval>,
    #[serde(default)]
    pub saturday: Vec<Interval>,
    #[serde(default)]
    pub sunday: Vec<Interval>,
}

impl WeeklyHours {
    fn day(&self, weekday: Weekday) -> &[Interval] {
        match weekday {
            Weekday::Mon => &self.monday,
            Weekday::Tue => &self.tuesday,
            Weekday::Wed => &self.wednesday,
            Weekday::Thu => &self.thursday,
            Weekday::Fri => &self.friday,
            Weekday::Sat => &self.saturday,
            Weekday::Sun => &self.sunday,
        }
    }

    fn days(&self) -> [(&'static str, &[Interval]); 7] {
        [
            ("monday", &self.monday),
            ("tuesday", &self.tuesday),
            ("wednesday", &self.wednesday),
            ("thursday", &self.thursday),
            ("friday", &self.friday),
            ("saturday", &self.saturday),
            ("sunday", &self.sunday),
        ]
    }
}

/// Hours that replace the weekly ones on one date: a holiday (`hours: []`) or special hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DateException {
    /// The local date, `YYYY-MM-DD`.
    #[schema(value_type = String, format = Date, example = "2026-12-25")]
    pub date: NaiveDate,
    /// The hours of that date; empty means closed all day.
    #[serde(default)]
    pub hours: Vec<Interval>,
    /// Shown to customers, e.g. "1. Weihnachtstag".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "1. Weihnachtstag", max_length = 100)]
    pub note: Option<String>,
}

/// Checks the intervals of one day: valid times, `opens < closes`, ordered, no overlap.
fn check_day(errors: &mut FieldErrors, field: &str, intervals: &[Interval]) {
    if intervals.len() > MAX_INTERVALS_PER_DAY {
        errors.add(
            field,
            format!("must have at most {MAX_INTERVALS_PER_DAY} intervals"),
        );
        return;
    }
    let mut previous_close: Option<TimeOfDay> = None;
    for (index, interval) in intervals.iter().enumerate() {
        let at = format!("{field}[{index}]");
        let opens = errors.check(&format!("{at}.opens"), TimeOfDay::parse(&interval.opens));
        let closes = errors.check(&format!("{at}.closes"), TimeOfDay::parse(&interval.closes));
        let (Some(opens), Some(closes)) = (opens, closes) else {
            continue;
        };
        if opens >= closes {
            errors.add(
                &at,
                "must close after it opens (intervals do not cross midnight)",
            );
        } else if previous_close.is_some_and(|previous| opens < previous) {
            errors.add(&at, "must start after the previous interval ends");
        }
        previous_close = Some(closes);
    }
}

/// Validates a schedule and its exceptions, naming each invalid field.
pub fn check(errors: &mut FieldErrors, weekly: &WeeklyHours, exceptions: &[DateException]) {
    for (day, intervals) in weekly.days() {
        check_day(errors, &format!("opening_hours.{day}"), intervals);
    }
    if exceptions.len() > MAX_EXCEPTIONS {
        errors.add(
            "opening_exceptions",
            format!("must have at most {MAX_EXCEPTIONS} entries"),
        );
        return;
    }
    let mut seen = std::collections::HashSet::new();
    for (index, exception) in exceptions.iter().enumerate() {
        let at = format!("opening_exceptions[{index}]");
        if !seen.insert(exception.date) {
            errors.add(&format!("{at}.date"), "appears more than once");
        }
        check_day(errors, &format!("{at}.hours"), &exception.hours);
        if let Some(note) = &exception.note {
            if note.chars().count() > 100 || note.chars().any(char::is_control) {
                errors.add(
                    &format!("{at}.note"),
                    "must be at most 100 characters without control characters",
                );
            }
        }
    }
}

/// A time zone name from the IANA database, e.g. `Europe/Berlin`.
pub fn time_zone(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>()
        .map_err(|_| format!("\"{name}\" is not an IANA time zone such as \"Europe/Berlin\""))
}

/// Whether a location is open at an instant, and its hours on that local date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenState {
    pub open_now: bool,
    /// Open now or opening later on the same local day: goods can still be picked up today.
    pub open_later_today: bool,
    pub hours_today: Vec<Interval>,
}

/// The state at `now` of a location with these (already validated) hours in `tz`.
pub fn open_state(
    weekly: &WeeklyHours,
    exceptions: &[DateException],
    tz: Tz,
    now: DateTime<Utc>,
) -> OpenState {
    let local = now.with_timezone(&tz);
    let date = local.date_naive();
    let today = exceptions
        .iter()
        .find(|exception| exception.date == date)
        .map(|exception| exception.hours.as_slice())
        .unwrap_or_else(|| weekly.day(date.weekday()));
    let minute = TimeOfDay::from_minutes((local.hour() * 60 + local.minute()) as u16);
    let intervals: Vec<(TimeOfDay, TimeOfDay)> = today
        .iter()
        .filter_map(|interval| {
            TimeOfDay::parse(&interval.opens)
                .ok()
                .zip(TimeOfDay::parse(&interval.closes).ok())
        })
        .collect();
    OpenState {
        open_now: intervals
            .iter()
            .any(|(opens, closes)| *opens <= minute && minute < *closes),
        open_later_today: intervals.iter().any(|(_, closes)| minute < *closes),
        hours_today: today.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn interval(opens: &str, closes: &str) -> Interval {
        Interval {
            opens: opens.to_owned(),
            closes: closes.to_owned(),
        }
    }

    fn shop() -> WeeklyHours {
        WeeklyHours {
            monday: vec![interval("09:00", "13:00"), interval("14:00", "18:30")],
            saturday: vec![interval("09:00", "14:00")],
            ..WeeklyHours::default()
        }
    }

    fn state(at: DateTime<Utc>, exceptions: &[DateException]) -> bool {
        open_state(&shop(), exceptions, chrono_tz::Europe::Berlin, at).open_now
    }

    #[test]
    fn open_follows_local_time() {
        // Monday 2026-11-23, 08:30 UTC = 09:30 in Berlin (CET, UTC+1).
        let monday = |h, m| Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0).unwrap();
        assert!(state(monday(8, 30), &[]));
        assert!(!state(monday(7, 59), &[]));
        assert!(!state(monday(12, 30), &[]), "lunch break 13:00–14:00 local");
        assert!(state(monday(13, 0), &[]));
        assert!(!state(monday(17, 30), &[]), "18:30 local is closing time");
        // Sunday is closed.
        assert!(!state(
            Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap(),
            &[]
        ));
    }

    #[test]
    fn pickup_is_possible_until_the_last_closing_time_of_the_day() {
        let later = |h, m| {
            open_state(
                &shop(),
                &[],
                chrono_tz::Europe::Berlin,
                Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0).unwrap(),
            )
            .open_later_today
        };
        assert!(later(6, 0), "07:00 local: opens at 09:00");
        assert!(later(12, 30), "lunch break: opens again at 14:00");
        assert!(later(17, 29));
        assert!(!later(17, 30), "18:30 local: closed for the day");
    }

    #[test]
    fn summer_time_moves_the_offset() {
        // Monday 2026-07-06, 07:30 UTC = 09:30 in Berlin (CEST, UTC+2).
        assert!(state(
            Utc.with_ymd_and_hms(2026, 7, 6, 7, 30, 0).unwrap(),
            &[]
        ));
        assert!(!state(
            Utc.with_ymd_and_hms(2026, 7, 6, 6, 30, 0).unwrap(),
            &[]
        ));
    }

    #[test]
    fn exceptions_replace_the_day() {
        let monday = Utc.with_ymd_and_hms(2026, 11, 23, 8, 30, 0).unwrap();
        let holiday = DateException {
            date: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            hours: vec![],
            note: Some("Betriebsausflug".to_owned()),
        };
        assert!(!state(monday, std::slice::from_ref(&holiday)));
        let sunday_opening = DateException {
            date: NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
            hours: vec![interval("13:00", "18:00")],
            note: None,
        };
        let sunday = Utc.with_ymd_and_hms(2026, 11, 29, 14, 0, 0).unwrap();
        assert!(state(sunday, &[sunday_opening]));
    }

    #[test]
    fn invalid_hours_name_each_field() {
        let weekly = WeeklyHours {
            monday: vec![interval("18:00", "09:00")],
            tuesday: vec![interval("09:00", "13:00"), interval("12:00", "18:00")],
            wednesday: vec![interval("9:00", "25:00")],
            friday: vec![interval("08:00", "24:00")],
            ..WeeklyHours::default()
        };
        let date = NaiveDate::from_ymd_opt(2026, 12, 24).unwrap();
        let exceptions = [
            DateException {
                date,
                hours: vec![],
                note: None,
            },
            DateException {
                date,
                hours: vec![],
                note: None,
            },
        ];
        let mut errors = FieldErrors::new();
        check(&mut errors, &weekly, &exceptions);
        let problem = errors.finish().unwrap_err();
        let fields: Vec<_> = problem.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "opening_hours.monday[0]",
                "opening_hours.tuesday[1]",
                "opening_hours.wednesday[0].opens",
                "opening_hours.wednesday[0].closes",
                "opening_exceptions[1].date",
            ]
        );
    }

    #[test]
    fn time_zones_are_iana_names() {
        assert!(time_zone("Europe/Berlin").is_ok());
        assert!(time_zone("CET+1").is_err());
    }
}
