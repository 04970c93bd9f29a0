//! report.html in a real browser: headless Chromium (Debian's `chromium` package, installed by
//! `scripts/setup.sh`) renders the page offline, and the rendered DOM holds the map with its
//! route lines and the timeline; a screenshot comes out as a real picture.
//!
//! Chromium is found through `CAREROTA_CHROMIUM` or at /usr/bin/chromium; without it the test
//! fails and says how to install it.

mod common;

use std::path::{Path, PathBuf};

use common::chromium::{chromium, run_chromium};
use common::plan_quick;

/// Writes a plan of the default day (quick profile) into `dir`; returns report.html's path.
fn report_in(dir: &Path) -> PathBuf {
    let (ok, _, err) = plan_quick("data/scenarios/rutland-2026-06-09.json", "2026-06-09", dir);
    assert!(ok, "{err}");
    dir.join("report.html")
}

#[test]
fn chromium_renders_the_map_with_routes_and_the_timeline_and_takes_a_screenshot() {
    chromium();
    let tmp = tempfile::tempdir().unwrap();
    let page = report_in(&tmp.path().join("plan"));

    let dom = run_chromium(&tmp.path().join("profile-dom"), &["--dump-dom"], &page);
    let map_at = dom.find("<div id=\"map\">").expect("the map section is in the DOM");
    let map = &dom[map_at..dom[map_at..].find("</svg>").map_or(dom.len(), |e| map_at + e)];
    assert!(
        map.contains("<svg") && map.contains("class=\"map\""),
        "the map is an SVG"
    );
    assert!(
        map.matches("<path class=\"route\"").count() >= 5,
        "route lines drawn on the map"
    );
    assert!(map.contains("© OpenStreetMap contributors"));
    let timeline_at = dom.find("<div id=\"timeline\">").expect("the timeline is in the DOM");
    let timeline = &dom[timeline_at..];
    assert!(timeline.contains("class=\"timeline\""));
    assert!(
        timeline.matches("<g class=\"row\">").count() >= 5,
        "a row per staff member"
    );
    assert!(timeline.contains("class=\"visit\"") && timeline.contains("class=\"travel\""));

    let shot = tmp.path().join("report.png");
    run_chromium(
        &tmp.path().join("profile-shot"),
        &[&format!("--screenshot={}", shot.display()), "--window-size=1400,1000"],
        &page,
    );
    let png = std::fs::read(&shot).expect("the screenshot is written");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), (1400, 1000));
    // A page of one colour compresses to a few kilobytes; the map and figures take far more.
    assert!(png.len() > 50_000, "the screenshot has content: {} bytes", png.len());
}
