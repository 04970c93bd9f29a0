//! A real browser for page tests: Debian's chromium driven through chromedriver (WebDriver,
//! the `fantoccini` client), headless, networking beyond loopback kept off, a fresh profile,
//! a 1366×768 window. The driver is started on a free loopback port and killed on drop.
//!
//! Found through `CAREROTA_CHROMIUM` (default /usr/bin/chromium) and `CAREROTA_CHROMEDRIVER`
//! (default /usr/bin/chromedriver); `scripts/setup.sh` installs both.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

fn tool(var: &str, default: &str, package: &str) -> PathBuf {
    let path = std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    assert!(
        path.is_file(),
        "{} not found (set {var} or run scripts/setup.sh to install Debian's {package} package)",
        path.display()
    );
    path
}

/// A headless Chromium session; the driver process ends when it is dropped.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and opens a session.
    pub async fn start() -> Browser {
        let chromium = tool("CAREROTA_CHROMIUM", "/usr/bin/chromium", "chromium");
        let chromedriver = tool("CAREROTA_CHROMEDRIVER", "/usr/bin/chromedriver", "chromium-driver");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().expect("profile dir");
        let caps = serde_json::json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1366,768",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }
        });
        let caps = caps.as_object().expect("an object").clone();
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let client = loop {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => break c,
                Err(e) => {
                    if started.elapsed() > Duration::from_secs(30) {
                        let _ = driver.kill();
                        panic!("no WebDriver session from chromedriver at {url}: {e}");
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        };
        Browser {
            client,
            driver,
            _profile: profile,
        }
    }

    /// Waits up to 60 s for an element matching `css` that is displayed.
    pub async fn wait_for(&self, css: &str) -> Element {
        let started = Instant::now();
        loop {
            if let Ok(found) = self.client.find_all(Locator::Css(css)).await {
                for e in found {
                    if e.is_displayed().await.unwrap_or(false) {
                        return e;
                    }
                }
            }
            if started.elapsed() > Duration::from_secs(60) {
                let status = self.text("#status").await;
                panic!("no displayed element {css:?} after 60 s; the page's status line: {status:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits up to 60 s until the text of `css` contains `needle`; returns the text.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        let started = Instant::now();
        loop {
            let text = self.text(css).await;
            if text.contains(needle) {
                return text;
            }
            if started.elapsed() > Duration::from_secs(60) {
                let status = self.text("#status").await;
                panic!("{css:?} never said {needle:?}; it says {text:?}; the status line: {status:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The text of the first element matching `css` (empty when there is none).
    pub async fn text(&self, css: &str) -> String {
        match self.client.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// Whether an element matching `css` is displayed now.
    pub async fn displayed(&self, css: &str) -> bool {
        match self.client.find(Locator::Css(css)).await {
            Ok(e) => e.is_displayed().await.unwrap_or(false),
            Err(_) => false,
        }
    }

    /// Clicks the displayed element matching `css`.
    pub async fn click(&self, css: &str) {
        self.wait_for(css).await.click().await.expect("click");
    }

    /// Sets a form field's value as a user would leave it (input and change events fired):
    /// for date and time inputs, whose typing depends on the browser's locale.
    pub async fn set_value(&self, css: &str, value: &str) {
        self.client
            .execute(
                "const e = document.querySelector(arguments[0]); e.value = arguments[1];\
                 e.dispatchEvent(new Event('input', {bubbles: true}));\
                 e.dispatchEvent(new Event('change', {bubbles: true}));",
                vec![serde_json::json!(css), serde_json::json!(value)],
            )
            .await
            .expect("set a field");
    }

    /// Writes a PNG of the window to `dir/name` when `dir` is given.
    pub async fn screenshot(&self, dir: Option<&PathBuf>, name: &str) {
        if let Some(dir) = dir {
            std::fs::create_dir_all(dir).expect("screenshot dir");
            let png = self.client.screenshot().await.expect("screenshot");
            std::fs::write(dir.join(name), png).expect("write screenshot");
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
