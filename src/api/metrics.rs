//! Prometheus metrics (text exposition format 0.0.4) through the `prometheus` crate:
//!
//! - `carerota_http_requests_total{route, method, status}`: requests answered;
//! - `carerota_http_request_duration_seconds{route, method}`: latency histogram;
//! - `carerota_jobs{state}`: jobs by state in the store (read at scrape time);
//! - `carerota_solve_duration_seconds{kind}`: time a worker spent on a job's solve;
//! - `carerota_sync_rejected_total`: synchronous calls refused with 429.
//!
//! Routes are labelled by their pattern (`/v1/plans/{id}`), never the raw path, so the label
//! set stays bounded.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder,
};

use crate::store::JobState;

/// The service's metrics and their registry; cheap to clone.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    pub requests: IntCounterVec,
    pub latency: HistogramVec,
    pub jobs: IntGaugeVec,
    pub solve: HistogramVec,
    pub sync_rejected: IntCounter,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("carerota_http_requests_total", "HTTP requests answered"),
            &["route", "method", "status"],
        )
        .expect("invariant: valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new("carerota_http_request_duration_seconds", "HTTP request latency").buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            &["route", "method"],
        )
        .expect("invariant: valid metric");
        let jobs =
            IntGaugeVec::new(Opts::new("carerota_jobs", "Jobs by state"), &["state"]).expect("invariant: valid metric");
        let solve = HistogramVec::new(
            HistogramOpts::new("carerota_solve_duration_seconds", "Time spent solving a job")
                .buckets(vec![0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0]),
            &["kind"],
        )
        .expect("invariant: valid metric");
        let sync_rejected = IntCounter::new(
            "carerota_sync_rejected_total",
            "Synchronous calls refused with 429 because the solver pool was full",
        )
        .expect("invariant: valid metric");
        for c in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(jobs.clone()),
            Box::new(solve.clone()),
            Box::new(sync_rejected.clone()),
        ] {
            registry.register(c).expect("invariant: metric names are unique");
        }
        Metrics {
            registry,
            requests,
            latency,
            jobs,
            solve,
            sync_rejected,
        }
    }

    /// Records one answered request.
    pub fn observe_request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        self.requests
            .with_label_values(&[route, method, &status.to_string()])
            .inc();
        self.latency.with_label_values(&[route, method]).observe(seconds);
    }

    /// Sets the jobs-by-state gauge.
    pub fn set_jobs(&self, counts: &[(JobState, i64)]) {
        for (state, n) in counts {
            self.jobs.with_label_values(&[state.as_str()]).set(*n);
        }
    }

    /// The text exposition of every metric.
    pub fn render(&self) -> String {
        let mut buf = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut buf)
            .expect("invariant: encoding to memory cannot fail");
        String::from_utf8(buf).expect("invariant: the text format is UTF-8")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_requests_by_route_pattern_and_jobs_by_state() {
        let m = Metrics::new();
        m.observe_request("/v1/plans/{id}", "GET", 200, 0.003);
        m.set_jobs(&[(JobState::Queued, 2), (JobState::Solving, 1)]);
        let text = m.render();
        assert!(text.contains("carerota_http_requests_total{method=\"GET\",route=\"/v1/plans/{id}\",status=\"200\"} 1"));
        assert!(text.contains("carerota_jobs{state=\"queued\"} 2"));
        assert!(text.contains("carerota_http_request_duration_seconds_bucket"));
    }
}
