//! What a scenario holds, at a glance: visits by tier and discipline, staff by base and
//! discipline, hours of care against hours of rostered staff time.
//!
//! Input: a validated [`Scenario`]. Output: counts and whole-minute totals, and a plain-text
//! table ([`std::fmt::Display`]) for a manager to judge the realism of a generated period.
//! Hours of care count each visit once per staff member on it.

use std::fmt;

use crate::scenario::model::{Crew, Scenario};
use crate::scenario::skills::Discipline;
use crate::scenario::tier::Tier;
use crate::units::Seconds;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub date: String,
    pub days: u32,
    pub provenance: Option<String>,
    /// Visits by tier, in [`Tier::ALL`] order.
    pub visits_by_tier: [usize; 4],
    /// Visits by required discipline, in [`Discipline::ALL`] order.
    pub visits_by_discipline: [usize; 6],
    pub two_person_visits: usize,
    pub episodes: usize,
    pub persons: usize,
    /// Base names and their staff by discipline.
    pub staff_by_base: Vec<(String, [usize; 6])>,
    pub staff_rostered: usize,
    pub care: Seconds,
    pub shift_time: Seconds,
}

impl Summary {
    pub fn of(s: &Scenario) -> Self {
        let mut visits_by_tier = [0; 4];
        let mut visits_by_discipline = [0; 6];
        let mut care = Seconds::ZERO;
        for v in &s.visits {
            visits_by_tier[v.tier.index()] += 1;
            visits_by_discipline[v.need.discipline.index()] += 1;
            care += Seconds(v.duration.0 * i64::from(v.crew.staff_count()));
        }
        let mut staff_by_base: Vec<(String, [usize; 6])> = s.bases.iter().map(|b| (b.name.clone(), [0; 6])).collect();
        for m in &s.staff {
            staff_by_base[m.base.get()].1[m.discipline.index()] += 1;
        }
        let shift_time = s
            .staff
            .iter()
            .flat_map(|m| m.shifts.iter().flatten())
            .map(|sh| sh.window.length())
            .sum();
        Self {
            date: s.clock.date().format("%Y-%m-%d").to_string(),
            days: s.days,
            provenance: s
                .provenance
                .as_ref()
                .map(|p| format!("area {}, seed {}, scale {}", p.area, p.seed, p.scale)),
            visits_by_tier,
            visits_by_discipline,
            two_person_visits: s.visits.iter().filter(|v| matches!(v.crew, Crew::Pair(_))).count(),
            episodes: s.episodes.len(),
            persons: s.persons.len(),
            staff_by_base,
            staff_rostered: s
                .staff
                .iter()
                .filter(|m| m.shifts.as_ref().is_some_and(|v| !v.is_empty()))
                .count(),
            care,
            shift_time,
        }
    }

    pub fn visits(&self) -> usize {
        self.visits_by_tier.iter().sum()
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "scenario {} for {} day(s){}",
            self.date,
            self.days,
            match &self.provenance {
                Some(p) => format!(" ({p})"),
                None => String::new(),
            }
        )?;
        writeln!(
            f,
            "visits: {} ({} two-person) for {} people, {} episodes",
            self.visits(),
            self.two_person_visits,
            self.persons,
            self.episodes
        )?;
        let tiers: Vec<String> = Tier::ALL
            .iter()
            .map(|t| format!("{} {}", t, self.visits_by_tier[t.index()]))
            .collect();
        writeln!(f, "  by tier: {}", tiers.join(", "))?;
        let dis: Vec<String> = Discipline::ALL
            .iter()
            .filter(|d| self.visits_by_discipline[d.index()] > 0)
            .map(|d| format!("{} {}", d, self.visits_by_discipline[d.index()]))
            .collect();
        writeln!(f, "  by discipline: {}", dis.join(", "))?;
        let total: usize = self.staff_by_base.iter().map(|(_, c)| c.iter().sum::<usize>()).sum();
        writeln!(f, "staff: {total} ({} with shifts in the period)", self.staff_rostered)?;
        write!(f, "  {:<36}", "base")?;
        for d in ["rn", "ot", "pt", "rw", "sw", "hca"] {
            write!(f, "{d:>5}")?;
        }
        writeln!(f)?;
        for (name, counts) in &self.staff_by_base {
            write!(f, "  {name:<36}")?;
            for c in counts {
                write!(f, "{c:>5}")?;
            }
            writeln!(f)?;
        }
        let care = self.care.as_hours_f64();
        let shifts = self.shift_time.as_hours_f64();
        let ratio = if shifts > 0.0 {
            format!("{:.0}%", 100.0 * care / shifts)
        } else {
            "n/a".into()
        };
        writeln!(
            f,
            "hours: care {care:.1} h (face to face, per staff member), rostered shifts {shifts:.1} h, care/shifts {ratio}"
        )
    }
}
