//! A job's live progress: the stage it is at, the search's iterations, its best objective over
//! time and the visits served by tier, as the worker records them and `GET` shows them.

use std::time::Instant;

use crate::routing::search::ProgressReport;
use crate::scenario::tier::Tier;

use super::dto::{ObjectivePoint, Progress, TierServed};

/// A job's live progress, as the worker and `GET` see it.
#[derive(Debug)]
pub struct JobProgress {
    pub started: Instant,
    pub report: Progress,
    /// Tier labels of the search's priority classes, highest first.
    pub tiers: Vec<Tier>,
}

impl JobProgress {
    pub fn new() -> Self {
        JobProgress {
            started: Instant::now(),
            report: Progress {
                stage: "starting".into(),
                ..Progress::default()
            },
            tiers: Vec::new(),
        }
    }

    /// The report with the elapsed time brought up to now.
    pub fn snapshot(&self) -> Progress {
        let mut p = self.report.clone();
        p.elapsed_s = round3(self.started.elapsed().as_secs_f64());
        p
    }

    pub(super) fn stage(&mut self, what: &str) {
        self.report.stage = what.to_string();
    }

    pub(super) fn search(&mut self, r: &ProgressReport) {
        let elapsed_s = round3(self.started.elapsed().as_secs_f64());
        let objective = r.cost as f64 / r.unit.max(1) as f64;
        self.report.iterations = r.iteration;
        let better = self
            .report
            .best_objective
            .last()
            .is_none_or(|p| objective < p.objective);
        if better {
            self.report.best_objective.push(ObjectivePoint { elapsed_s, objective });
            // Keep the curve bounded: thin the early points when it grows long.
            if self.report.best_objective.len() > 400 {
                let kept: Vec<ObjectivePoint> = self
                    .report
                    .best_objective
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| i % 2 == 0)
                    .map(|(_, p)| p.clone())
                    .collect();
                self.report.best_objective = kept;
            }
        }
        self.report.served_by_tier = r
            .served_by_priority
            .iter()
            .enumerate()
            .map(|(i, &(served, total))| TierServed {
                tier: self
                    .tiers
                    .get(i)
                    .filter(|_| self.tiers.len() == r.served_by_priority.len())
                    .map_or_else(|| format!("priority_{}", i + 1), |t| t.code().to_string()),
                served,
                total,
            })
            .collect();
    }
}

impl Default for JobProgress {
    fn default() -> Self {
        Self::new()
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
