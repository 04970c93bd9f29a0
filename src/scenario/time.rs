//! Europe/London wall-clock times <-> integer seconds from the scenario epoch.
//!
//! The scenario epoch is the UTC instant of local midnight at the start of the scenario's
//! `date` (midnight always exists in Europe/London: the clocks change at 01:00 UTC). Engine
//! times are [`Seconds`] from that epoch, so a day of the scenario is 82,800, 86,400 or 90,000
//! seconds long, as the clock change makes it.
//!
//! The file holds local times with an explicit date, `YYYY-MM-DDTHH:MM` (seconds optional),
//! optionally followed by a UTC offset (`+01:00` or `+00:00`, `Z` for `+00:00`).
//! Rules, across the March and October clock changes:
//! - a local time in the spring-forward gap (01:00-01:59 on the last Sunday of March) does not
//!   exist and is an error ([`TimeError::Nonexistent`]);
//! - a local time in the autumn fold (01:00-01:59 on the last Sunday of October) happens twice:
//!   without an offset it means the first occurrence (BST, `+01:00`); the offset selects either;
//! - an offset that the local time does not have is an error ([`TimeError::WrongOffset`]);
//! - [`Clock::format`] writes the offset exactly when the time is in a fold, so
//!   `parse(format(t)) == t` for every whole-second `t`.
//!
//! This is also the one place that formats times for people, so that every file and page
//! reads a time the same way and none reads two instants alike:
//! - [`Clock::format_for_files`] (CSV, GeoJSON): ISO 8601 local date-time to the minute with its
//!   UTC offset, always, `2026-10-25T01:30+01:00` then `2026-10-25T01:30+00:00`;
//! - [`Clock::format_for_page`] (report, terminal tables): `HH:MM` on the page's own date, with
//!   the zone (`01:30 BST`, `01:30 GMT`) inside the autumn fold, and with the date first on any
//!   other date (`Mon 8 Jun 21:00`);
//! - [`Clock::format_for_axis`]: the same, shorter for a timeline's hour ticks (`Mon 21:00`).
//!
//! All three drop seconds (round down to the minute); the clocks change on the hour, so that
//! never moves a time across a change.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::{Europe::London, Tz};

use crate::units::Seconds;

/// Why a local time string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    #[error("`{text}` is not a local time of the form YYYY-MM-DDTHH:MM[:SS][+HH:MM]")]
    Syntax { text: String },
    #[error("`{text}` does not exist in Europe/London: the clocks go forward over it")]
    Nonexistent { text: String },
    #[error("`{text}`: Europe/London is not at that UTC offset at that local time")]
    WrongOffset { text: String },
    #[error("`{text}` is not a time of day of the form HH:MM (00:00 to 24:00)")]
    TimeOfDay { text: String },
    #[error("`{text}` is not a date of the form YYYY-MM-DD")]
    Date { text: String },
    #[error("`{text}` has the form YYYY-MM-DD but is not a day of the calendar")]
    NoSuchDate { text: String },
}

/// True when `text` has exactly the shape of `pattern`: `d` an ASCII digit, anything else
/// itself (so `2026-6-9` is not `dddd-dd-dd`, as the schema's patterns say).
fn has_shape(text: &str, pattern: &str) -> bool {
    text.len() == pattern.len()
        && text
            .bytes()
            .zip(pattern.bytes())
            .all(|(c, p)| if p == b'd' { c.is_ascii_digit() } else { c == p })
}

/// The conversion between local wall-clock times and seconds from the scenario epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    date: NaiveDate,
    epoch: DateTime<Utc>,
}

impl Clock {
    /// The clock of a scenario starting at local midnight of `date`.
    pub fn new(date: NaiveDate) -> Self {
        Self {
            date,
            epoch: local_midnight_utc(date),
        }
    }

    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The UTC instant of the epoch.
    pub fn epoch_utc(&self) -> DateTime<Utc> {
        self.epoch
    }

    /// Seconds from the epoch to local midnight at the start of `date`.
    pub fn midnight(&self, date: NaiveDate) -> Seconds {
        self.seconds_of(local_midnight_utc(date))
    }

    /// Seconds from the epoch to local midnight at the start of the scenario's day `day`
    /// (0 = the scenario's `date`; negative days lie before it).
    pub fn day_start(&self, day: i64) -> Seconds {
        self.midnight(self.date + Duration::days(day))
    }

    /// The scenario day (0 = `date`) holding instant `t`, by local date.
    pub fn day_of(&self, t: Seconds) -> i64 {
        (self.local(t).date() - self.date).num_days()
    }

    /// The local date and time at `t`.
    pub fn local(&self, t: Seconds) -> NaiveDateTime {
        (self.epoch + Duration::seconds(t.0))
            .with_timezone(&London)
            .naive_local()
    }

    /// The local weekday at `t`.
    pub fn weekday(&self, t: Seconds) -> Weekday {
        self.local(t).weekday()
    }

    /// Seconds from the epoch to local `time` on `date`; a time in the spring gap moves forward
    /// by the gap (01:30 becomes 02:30 BST), a time in the autumn fold takes its first
    /// occurrence. For recurring times of day (opening hours), where refusing is not an option.
    pub fn at_local_lenient(&self, date: NaiveDate, minute_of_day: u32) -> Seconds {
        let midnight = local_midnight_utc(date);
        let naive = date.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minute_of_day));
        let utc = match London.from_local_datetime(&naive) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
            // In the gap: the wall clock read the same minutes past midnight as it would have
            // without the change; the elapsed time from midnight is what is kept.
            LocalResult::None => midnight + Duration::minutes(i64::from(minute_of_day)),
        };
        self.seconds_of(utc)
    }

    /// Parses a local time (see the module doc for the rules).
    pub fn parse(&self, text: &str) -> Result<Seconds, TimeError> {
        let (naive, offset) = split_offset(text).ok_or_else(|| TimeError::Syntax { text: text.into() })?;
        if !has_shape(naive, "dddd-dd-ddTdd:dd") && !has_shape(naive, "dddd-dd-ddTdd:dd:dd") {
            return Err(TimeError::Syntax { text: text.into() });
        }
        let naive = NaiveDateTime::parse_from_str(naive, "%Y-%m-%dT%H:%M:%S")
            .or_else(|_| NaiveDateTime::parse_from_str(naive, "%Y-%m-%dT%H:%M"))
            .map_err(|_| TimeError::Syntax { text: text.into() })?;
        let candidates: Vec<DateTime<Tz>> = match London.from_local_datetime(&naive) {
            LocalResult::Single(t) => vec![t],
            LocalResult::Ambiguous(a, b) => vec![a, b],
            LocalResult::None => return Err(TimeError::Nonexistent { text: text.into() }),
        };
        let chosen = match offset {
            None => candidates[0],
            Some(secs) => *candidates
                .iter()
                .find(|t| offset_seconds(t) == secs)
                .ok_or_else(|| TimeError::WrongOffset { text: text.into() })?,
        };
        Ok(self.seconds_of(chosen.with_timezone(&Utc)))
    }

    /// Formats `t` as a local time: `YYYY-MM-DDTHH:MM`, with `:SS` when not on a whole minute,
    /// and the UTC offset when the local time happens twice.
    pub fn format(&self, t: Seconds) -> String {
        let at = self.zoned(t);
        let naive = at.naive_local();
        let mut s = if naive.time().format("%S").to_string() == "00" {
            naive.format("%Y-%m-%dT%H:%M").to_string()
        } else {
            naive.format("%Y-%m-%dT%H:%M:%S").to_string()
        };
        if matches!(London.from_local_datetime(&naive), LocalResult::Ambiguous(..)) {
            s.push_str(if offset_seconds(&at) == 0 { "+00:00" } else { "+01:00" });
        }
        s
    }

    /// `t` for a file (CSV, GeoJSON): `YYYY-MM-DDTHH:MM±HH:MM`, the local date-time to the
    /// minute and its UTC offset, so that every reader, person or program, gets one instant.
    pub fn format_for_files(&self, t: Seconds) -> String {
        self.zoned(t).format("%Y-%m-%dT%H:%M%:z").to_string()
    }

    /// `t` as an RFC 3339 local date-time with its offset and seconds, `2026-06-09T07:00:00+01:00`
    /// (for files that programs read back, such as `rota.json`).
    pub fn format_rfc3339(&self, t: Seconds) -> String {
        self.zoned(t).to_rfc3339()
    }

    /// `t` as a person reads it on a page about the local date `page`: `07:30`; inside the
    /// autumn fold with the zone abbreviation, `01:30 BST` or `01:30 GMT`; on another date,
    /// with that date first, `Mon 8 Jun 21:00` (and the zone, were it in a fold).
    pub fn format_for_page(&self, t: Seconds, page: NaiveDate) -> String {
        self.format_wall(t, page, "%a %-d %b ")
    }

    /// As [`Clock::format_for_page`], with only the weekday on another date (`Mon 21:00`): for
    /// the hour ticks of a timeline, which span at most a few days.
    pub fn format_for_axis(&self, t: Seconds, page: NaiveDate) -> String {
        self.format_wall(t, page, "%a ")
    }

    fn format_wall(&self, t: Seconds, page: NaiveDate, other_date: &str) -> String {
        let at = self.zoned(t);
        let naive = at.naive_local();
        let mut s = String::new();
        if naive.date() != page {
            s.push_str(&naive.format(other_date).to_string());
        }
        s.push_str(&naive.format("%H:%M").to_string());
        if matches!(London.from_local_datetime(&naive), LocalResult::Ambiguous(..)) {
            s.push(' ');
            s.push_str(&at.format("%Z").to_string());
        }
        s
    }

    fn zoned(&self, t: Seconds) -> DateTime<Tz> {
        (self.epoch + Duration::seconds(t.0)).with_timezone(&London)
    }

    fn seconds_of(&self, t: DateTime<Utc>) -> Seconds {
        Seconds((t - self.epoch).num_seconds())
    }
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<NaiveDate, TimeError> {
    if !has_shape(text, "dddd-dd-dd") {
        return Err(TimeError::Date { text: text.into() });
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| TimeError::NoSuchDate { text: text.into() })
}

/// Parses a time of day `HH:MM` into minutes after midnight, 0..=1440 (`24:00` ends a day).
pub fn parse_time_of_day(text: &str) -> Result<u32, TimeError> {
    let err = || TimeError::TimeOfDay { text: text.into() };
    let (h, m) = text.split_once(':').ok_or_else(err)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(err());
    }
    let h: u32 = h.parse().map_err(|_| err())?;
    let m: u32 = m.parse().map_err(|_| err())?;
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(err());
    }
    Ok(h * 60 + m)
}

/// Formats minutes after midnight as `HH:MM`.
pub fn format_time_of_day(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The weekday's file spelling: `mon` ... `sun`.
pub fn weekday_code(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

pub fn weekday_from_code(code: &str) -> Option<Weekday> {
    WEEK.into_iter().find(|d| weekday_code(*d) == code)
}

/// Monday to Sunday.
pub const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn local_midnight_utc(date: NaiveDate) -> DateTime<Utc> {
    match London.from_local_datetime(&date.and_time(NaiveTime::MIN)) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        // Europe/London never changes its clocks at midnight; should a future rule do so, the
        // day starts at 00:00 UTC, which is within the hour of any such change.
        LocalResult::None => date.and_time(NaiveTime::MIN).and_utc(),
    }
}

fn offset_seconds(t: &DateTime<Tz>) -> i32 {
    use chrono::Offset;
    t.offset().fix().local_minus_utc()
}

/// Splits `2026-10-25T01:30+00:00` into the naive part and the offset in seconds.
fn split_offset(text: &str) -> Option<(&str, Option<i32>)> {
    if let Some(naive) = text.strip_suffix('Z') {
        return Some((naive, Some(0)));
    }
    let tail_start = text.len().checked_sub(6)?;
    let tail = text.get(tail_start..)?;
    let bytes = tail.as_bytes();
    if (bytes[0] == b'+' || bytes[0] == b'-') && bytes[3] == b':' {
        let h: i32 = tail.get(1..3)?.parse().ok()?;
        let m: i32 = tail.get(4..6)?.parse().ok()?;
        let sign = if bytes[0] == b'-' { -1 } else { 1 };
        return Some((&text[..tail_start], Some(sign * (h * 3600 + m * 60))));
    }
    Some((text, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock(d: &str) -> Clock {
        Clock::new(parse_date(d).unwrap())
    }

    #[test]
    fn dates_and_times_must_have_the_schemas_exact_shape() {
        assert!(matches!(parse_date("2026-6-9"), Err(TimeError::Date { .. })));
        assert!(matches!(parse_date(" 2026-06-09"), Err(TimeError::Date { .. })));
        assert!(matches!(parse_date("2026-02-30"), Err(TimeError::NoSuchDate { .. })));
        assert!(TimeError::NoSuchDate {
            text: "2026-02-30".into()
        }
        .to_string()
        .contains("not a day of the calendar"));
        let c = clock("2026-06-09");
        assert!(matches!(c.parse("2026-6-9T7:30"), Err(TimeError::Syntax { .. })));
        assert!(matches!(c.parse("2026-06-09T7:30"), Err(TimeError::Syntax { .. })));
        assert_eq!(c.parse("2026-06-09T07:30").unwrap(), Seconds::from_minutes(450));
        assert_eq!(c.parse("2026-06-09T07:30:15+01:00").unwrap(), Seconds(450 * 60 + 15));
    }

    #[test]
    fn spring_forward_day_is_23_hours_and_gap_times_are_refused() {
        let c = clock("2026-03-29");
        assert_eq!(c.day_start(1), Seconds::from_hours(23));
        assert_eq!(c.parse("2026-03-29T00:30").unwrap(), Seconds::from_minutes(30));
        assert_eq!(c.parse("2026-03-29T02:00").unwrap(), Seconds::from_hours(1));
        assert!(matches!(
            c.parse("2026-03-29T01:30"),
            Err(TimeError::Nonexistent { .. })
        ));
    }

    #[test]
    fn autumn_fold_takes_first_occurrence_unless_offset_given() {
        let c = clock("2026-10-25");
        assert_eq!(c.day_start(1), Seconds::from_hours(25));
        assert_eq!(c.parse("2026-10-25T01:30").unwrap(), Seconds::from_minutes(90));
        assert_eq!(c.parse("2026-10-25T01:30+01:00").unwrap(), Seconds::from_minutes(90));
        assert_eq!(c.parse("2026-10-25T01:30+00:00").unwrap(), Seconds::from_minutes(150));
        assert!(matches!(
            c.parse("2026-10-25T03:00+01:00"),
            Err(TimeError::WrongOffset { .. })
        ));
    }

    #[test]
    fn format_then_parse_is_identity_across_both_changes() {
        for d in ["2026-03-29", "2026-10-25", "2026-07-01"] {
            let c = clock(d);
            for t in (-7200..26 * 3600).step_by(450).map(Seconds) {
                assert_eq!(c.parse(&c.format(t)).unwrap(), t, "{d} {t}");
            }
        }
        let c = clock("2026-10-25");
        assert_eq!(c.format(Seconds::from_minutes(150)), "2026-10-25T01:30+00:00");
        assert_eq!(c.format(Seconds(61)), "2026-10-25T00:01:01");
    }

    #[test]
    fn the_two_readings_of_a_fold_hour_are_told_apart_in_files_and_on_pages() {
        let c = clock("2026-10-25");
        let d = c.date();
        let (bst, gmt) = (Seconds::from_minutes(75), Seconds::from_minutes(135));
        assert_eq!(c.format_for_files(bst), "2026-10-25T01:15+01:00");
        assert_eq!(c.format_for_files(gmt), "2026-10-25T01:15+00:00");
        assert_eq!(c.format_for_page(bst, d), "01:15 BST");
        assert_eq!(c.format_for_page(gmt, d), "01:15 GMT");
        assert_eq!(c.format_for_axis(gmt, d), "01:15 GMT");
        // Outside the fold a page time is the bare clock time; seconds are dropped.
        assert_eq!(c.format_for_page(Seconds(4 * 3600 + 59), d), "03:00");
        assert_eq!(c.format_for_files(Seconds(4 * 3600 + 59)), "2026-10-25T03:00+00:00");
    }

    #[test]
    fn times_on_another_date_than_the_page_carry_their_date() {
        let c = clock("2026-06-09");
        let d = c.date();
        let evening_before = Seconds::from_hours(-3);
        assert_eq!(c.format_for_page(evening_before, d), "Mon 8 Jun 21:00");
        assert_eq!(c.format_for_axis(evening_before, d), "Mon 21:00");
        assert_eq!(c.format_for_files(evening_before), "2026-06-08T21:00+01:00");
        assert_eq!(c.format_for_page(Seconds::from_hours(31), d), "Wed 10 Jun 07:00");
        assert_eq!(c.format_for_page(Seconds::from_hours(7), d), "07:00");
        // The page's date decides: the same instant on the next day's page has a date.
        assert_eq!(
            c.format_for_page(Seconds::from_hours(7), d.succ_opt().unwrap()),
            "Tue 9 Jun 07:00"
        );
    }

    #[test]
    fn times_of_day_accept_24_00_and_refuse_nonsense() {
        assert_eq!(parse_time_of_day("24:00").unwrap(), 1440);
        assert_eq!(parse_time_of_day("07:30").unwrap(), 450);
        assert!(parse_time_of_day("7:30").is_err());
        assert!(parse_time_of_day("24:30").is_err());
        assert_eq!(format_time_of_day(450), "07:30");
    }

    #[test]
    fn lenient_times_move_out_of_the_gap() {
        let c = clock("2026-03-29");
        let d = c.date();
        assert_eq!(c.at_local_lenient(d, 90), Seconds::from_minutes(90));
        assert_eq!(c.at_local_lenient(d, 180), Seconds::from_hours(2));
        assert_eq!(c.weekday(Seconds::ZERO), Weekday::Sun);
        assert_eq!(c.day_of(Seconds::from_hours(23)), 1);
    }
}
