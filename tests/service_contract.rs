//! The service's contract: the committed OpenAPI document is the generated one and documents
//! every route; the README's table of roles is the code's; every route refuses a missing or bad
//! key and the roles it does not admit; the request/response examples of
//! `api/examples/service/` replay against a running `carerota serve`; bad input and limits are
//! refused with a JSON error naming a code and the request id, never a 500; a plan's audit log.
//!
//! `CAREROTA_BLESS=1 cargo test --release --test service_contract` rewrites `api/openapi.json`
//! and the README's table of roles from the code.
//!
//! Adding a route: a row in `carerota::api::access::ROUTES` and a row in [`CALLS`] below
//! (and examples in `api/examples/service/` when it has something to show).

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::Method;
use actix_web::test as actix_test;
use carerota::api::access::{self, Access};
use carerota::api::state::{AppState, PoolSize};
use carerota::store::Role;
use common::service::{add_key, bearer, rutland_scenario, state_in, Server};
use serde_json::{json, Value};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bless() -> bool {
    std::env::var_os("CAREROTA_BLESS").is_some_and(|v| v == "1")
}

const REGENERATE: &str = "CAREROTA_BLESS=1 cargo test --release --test service_contract";

// ---------------------------------------------------------------------------------------------
// The routes registered in `configure`, read from its source.

/// `(METHOD, path template)` of every route `carerota::api::configure` registers, read from
/// `src/api/mod.rs`: each `web::resource("PATH")` with the `.route(web::METHOD()` calls that
/// follow it.
fn configured_routes() -> BTreeSet<(String, String)> {
    let src = std::fs::read_to_string(repo().join("src/api/mod.rs")).unwrap();
    let start = src.find("pub fn configure(").expect("configure in src/api/mod.rs");
    let end = start + src[start..].find("\n}\n").expect("end of configure");
    let body = &src[start..end];
    for unsupported in ["web::scope(", ".configure(", "cfg.route(", "web::route()"] {
        assert!(
            !body.contains(unsupported),
            "configure uses {unsupported}; teach configured_routes in tests/service_contract.rs to read it"
        );
    }
    let mut routes = BTreeSet::new();
    let mut pieces = body.split("web::resource(\"").skip(1).peekable();
    assert!(pieces.peek().is_some(), "no web::resource in configure");
    for piece in pieces {
        let path = &piece[..piece.find('"').expect("closing quote of the path")];
        let mut methods = 0;
        for m in ["get", "post", "delete", "put", "patch"] {
            methods += piece.matches(&format!(".route(web::{m}()")).count();
            if piece.contains(&format!(".route(web::{m}()")) {
                routes.insert((m.to_uppercase(), path.to_string()));
            }
        }
        assert!(
            methods > 0,
            "resource {path} has no .route(web::METHOD()) this parser reads"
        );
    }
    routes
}

fn rules() -> BTreeSet<(String, String)> {
    access::ROUTES
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect()
}

#[test]
fn every_configured_route_has_exactly_one_access_rule() {
    let configured = configured_routes();
    let ruled = rules();
    let missing: Vec<_> = configured.difference(&ruled).collect();
    let extra: Vec<_> = ruled.difference(&configured).collect();
    assert!(
        missing.is_empty(),
        "routes without a rule in carerota::api::access::ROUTES: {missing:?}"
    );
    assert!(
        extra.is_empty(),
        "rules for routes configure does not register: {extra:?}"
    );
    assert_eq!(ruled.len(), access::ROUTES.len(), "a route has two rules");
}

// ---------------------------------------------------------------------------------------------
// The OpenAPI document.

fn document() -> Value {
    serde_json::from_str(&carerota::api::openapi::json()).unwrap()
}

#[test]
fn the_committed_openapi_document_is_the_generated_one() {
    let path = repo().join("api/openapi.json");
    let generated = carerota::api::openapi::json();
    if bless() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "api/openapi.json is stale (it differs from carerota::api::openapi::json()); regenerate it with\n    {REGENERATE}\nand commit it"
    );
}

#[test]
fn the_document_is_openapi_3_1_and_documents_every_route() {
    let doc = document();
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1.")),
        "openapi is {}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().expect("paths");
    let mut undocumented = Vec::new();
    for (method, path) in configured_routes() {
        if paths
            .get(&path)
            .and_then(|item| item.get(method.to_lowercase()))
            .is_none()
        {
            undocumented.push(format!("{method} {path}"));
        }
    }
    assert!(
        undocumented.is_empty(),
        "routes missing from the OpenAPI document: {undocumented:?}"
    );
    let documented: usize = paths.values().map(|item| item.as_object().map_or(0, |o| o.len())).sum();
    assert_eq!(
        documented,
        configured_routes().len(),
        "the document has operations no route serves"
    );
}

/// Resolves a `$ref` of the document's components.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => doc.pointer(r.trim_start_matches('#')).unwrap_or(&Value::Null),
        None => schema,
    }
}

#[test]
fn every_operation_names_its_roles_its_bodies_and_its_errors() {
    let doc = document();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let rule = access::rule_for(method, path).unwrap_or_else(|| panic!("{method} {path} has no rule"));
            let name = format!("{} {path}", method.to_uppercase());
            let responses = op["responses"].as_object().expect("responses");
            let ok = responses
                .iter()
                .find(|(s, _)| s.starts_with('2'))
                .unwrap_or_else(|| panic!("{name}: no 2xx response"));
            assert!(
                ok.0 == "204" || ok.1.get("content").is_some(),
                "{name}: its {} response has no content",
                ok.0
            );
            match rule.access {
                Access::Public => assert!(op.get("security").is_none(), "{name} is public but asks for a key"),
                Access::Roles(roles) => {
                    assert!(op.get("security").is_some(), "{name} needs a key but does not say so");
                    let named: Vec<&str> = op["x-roles"]
                        .as_array()
                        .unwrap_or_else(|| panic!("{name}: no x-roles"))
                        .iter()
                        .filter_map(Value::as_str)
                        .collect();
                    let want: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
                    assert_eq!(named, want, "{name}: x-roles");
                    for status in ["401", "403"] {
                        let r = responses
                            .get(status)
                            .unwrap_or_else(|| panic!("{name}: no {status} response"));
                        let schema = resolve(&doc, &r["content"]["application/json"]["schema"]);
                        assert!(
                            schema["properties"].get("error").is_some(),
                            "{name}: its {status} is not an ErrorBody"
                        );
                    }
                }
            }
            if method == "post" {
                let body = &op["requestBody"];
                assert!(
                    body["content"]["application/json"]["schema"].is_object(),
                    "{name}: no JSON request body"
                );
                assert_eq!(body["required"], true, "{name}: its body is not marked required");
                for status in ["400", "413", "415"] {
                    assert!(responses.contains_key(status), "{name}: no {status} response");
                }
            }
            if path.contains('{') {
                assert!(responses.contains_key("404"), "{name}: no 404 response");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The README's table of roles.

const ROLES_BEGIN: &str = "<!-- roles: generated from carerota::api::access::ROUTES -->\n";
const ROLES_END: &str = "<!-- end of roles -->";

#[test]
fn the_readme_table_of_roles_is_the_codes() {
    let path = repo().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme.find(ROLES_BEGIN).expect("the roles marker in README.md") + ROLES_BEGIN.len();
    let end = start
        + readme[start..]
            .find(ROLES_END)
            .expect("the end-of-roles marker in README.md");
    let table = access::markdown_table();
    if bless() {
        let mut new = readme[..start].to_string();
        new.push_str(&table);
        new.push_str(&readme[end..]);
        std::fs::write(&path, new).unwrap();
        return;
    }
    assert!(
        readme[start..end] == table,
        "README.md's table of roles differs from carerota::api::access::markdown_table(); regenerate it with\n    {REGENERATE}"
    );
}

// ---------------------------------------------------------------------------------------------
// Calling the app in-process.

/// A response, read whole.
struct Reply {
    status: u16,
    headers: actix_web::http::header::HeaderMap,
    bytes: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The error's code, after checking the error shape every 4xx and 5xx has: JSON with
    /// `error.code`, `error.message` and `error.request_id` equal to the `x-request-id` header.
    fn error_code(&self, what: &str) -> String {
        assert!(self.status >= 400, "{what}: {} is not an error", self.status);
        check_error_shape(
            what,
            self.status,
            self.header("x-request-id"),
            self.header("content-type"),
            &self.bytes,
        )
    }
}

fn check_error_shape(
    what: &str,
    status: u16,
    request_id: Option<&str>,
    content_type: Option<&str>,
    bytes: &[u8],
) -> String {
    assert!(
        content_type.is_some_and(|c| c.starts_with("application/json")),
        "{what}: {status} with content type {content_type:?}"
    );
    let v: Value = serde_json::from_slice(bytes).unwrap_or_else(|e| {
        panic!(
            "{what}: the {status} body is not JSON ({e}): {}",
            String::from_utf8_lossy(bytes)
        )
    });
    let code = v["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("{what}: no error.code in {v}"));
    assert!(!code.is_empty(), "{what}: empty code");
    assert!(
        v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{what}: no error.message in {v}"
    );
    let header = request_id.unwrap_or_else(|| panic!("{what}: no x-request-id header"));
    assert_eq!(
        v["error"]["request_id"], header,
        "{what}: error.request_id is not the x-request-id header"
    );
    code.to_string()
}

async fn call<S, R, B>(app: &S, req: R) -> Reply
where
    S: Service<R, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let res = actix_test::call_service(app, req).await;
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let bytes = actix_test::read_body(res).await.to_vec();
    assert!(
        status < 500,
        "a 5xx ({status}) for a request the caller got wrong: {}",
        String::from_utf8_lossy(&bytes)
    );
    Reply { status, headers, bytes }
}

/// A request: `method path`, with `key` as a bearer key, and a JSON body when `body` is given.
fn request(method: &str, path: &str, key: Option<&str>, body: Option<Vec<u8>>) -> actix_test::TestRequest {
    let mut r = actix_test::TestRequest::default()
        .method(Method::from_bytes(method.as_bytes()).unwrap())
        .uri(path);
    if let Some(k) = key {
        r = r.insert_header(bearer(k));
    }
    if let Some(b) = body {
        r = r.insert_header(("content-type", "application/json")).set_payload(b);
    }
    r
}

async fn fresh_state() -> (tempfile::TempDir, AppState, HashMap<Role, String>) {
    let dir = tempfile::tempdir().unwrap();
    let (state, keys) = state_in(dir.path(), PoolSize { jobs: 1, sync: 2 }).await;
    (dir, state, keys)
}

// ---------------------------------------------------------------------------------------------
// Roles.

/// One call of every route: `(method, path template, a path to call, a body its roles get past
/// the body's checks with)`. The roles come from `carerota::api::access::ROUTES`.
const CALLS: &[(&str, &str, &str, Option<&str>)] = &[
    (
        "POST",
        "/v1/scenarios:validate",
        "/v1/scenarios:validate?network=false",
        Some("{}"),
    ),
    ("POST", "/v1/scenarios", "/v1/scenarios", Some("{}")),
    ("GET", "/v1/scenarios/{id}", "/v1/scenarios/sc_missing", None),
    ("GET", "/v1/scenarios", "/v1/scenarios?limit=5", None),
    ("GET", "/v1/plans", "/v1/plans?status=completed", None),
    (
        "POST",
        "/v1/plans",
        "/v1/plans",
        Some(r#"{"scenario_id": "sc_missing", "date": "2026-06-09"}"#),
    ),
    ("GET", "/v1/plans/{id}", "/v1/plans/plan_missing", None),
    ("DELETE", "/v1/plans/{id}", "/v1/plans/plan_missing", None),
    ("GET", "/v1/plans/{id}/audit", "/v1/plans/plan_missing/audit", None),
    ("GET", "/v1/plans/{id}/{file}", "/v1/plans/plan_missing/plan.json", None),
    (
        "POST",
        "/v1/plans/{id}/recommendations",
        "/v1/plans/plan_missing/recommendations",
        Some(r#"{"now": "2026-06-09T11:00", "events": {"events": []}}"#),
    ),
    (
        "POST",
        "/v1/plans/{id}/versions",
        "/v1/plans/plan_missing/versions",
        Some(r#"{"base_version": 1, "now": "2026-06-09T11:00", "events": {"events": []}}"#),
    ),
    (
        "GET",
        "/v1/plans/{id}/versions",
        "/v1/plans/plan_missing/versions",
        None,
    ),
    (
        "GET",
        "/v1/plans/{id}/versions/{n}/diff",
        "/v1/plans/plan_missing/versions/2/diff",
        None,
    ),
    (
        "POST",
        "/v1/rotas",
        "/v1/rotas",
        Some(r#"{"scenario_id": "sc_missing", "weeks": 1}"#),
    ),
    ("GET", "/v1/rotas/{id}", "/v1/rotas/rota_missing", None),
    (
        "POST",
        "/v1/keys",
        "/v1/keys",
        Some(r#"{"role": "scheduler", "label": "roles-test"}"#),
    ),
    ("DELETE", "/v1/keys/{id}", "/v1/keys/key_missing", None),
    (
        "POST",
        "/v1/studies",
        "/v1/studies",
        Some(r#"{"area": "nowhere", "k": 3}"#),
    ),
    ("GET", "/v1/studies", "/v1/studies", None),
    ("GET", "/v1/studies/{id}", "/v1/studies/study_missing", None),
    ("DELETE", "/v1/studies/{id}", "/v1/studies/study_missing", None),
    (
        "GET",
        "/v1/studies/{id}/{file}",
        "/v1/studies/study_missing/report.html",
        None,
    ),
    ("GET", "/v1/areas", "/v1/areas", None),
    ("GET", "/v1/areas/{area}/map.svg", "/v1/areas/rutland/map.svg", None),
    ("GET", "/v1/me", "/v1/me", None),
    ("GET", "/", "/", None),
    ("GET", "/assets/{name}", "/assets/app.js", None),
    ("GET", "/healthz", "/healthz", None),
    ("GET", "/readyz", "/readyz", None),
    ("GET", "/metrics", "/metrics", None),
    ("GET", "/openapi.json", "/openapi.json", None),
    ("GET", "/docs", "/docs", None),
];

#[test]
fn the_table_of_calls_covers_every_rule() {
    let called: BTreeSet<(String, String)> = CALLS
        .iter()
        .map(|(m, p, _, _)| (m.to_string(), p.to_string()))
        .collect();
    let ruled = rules();
    assert_eq!(called.len(), CALLS.len(), "a route is twice in CALLS");
    let missing: Vec<_> = ruled.difference(&called).collect();
    assert!(missing.is_empty(), "routes with no row in CALLS: {missing:?}");
    let extra: Vec<_> = called.difference(&ruled).collect();
    assert!(extra.is_empty(), "rows of CALLS with no rule: {extra:?}");
}

#[actix_web::test]
async fn every_route_refuses_no_key_a_bad_key_and_the_roles_it_does_not_admit() {
    let (_dir, state, keys) = fresh_state().await;
    let app = test_app!(state);
    for (method, template, path, body) in CALLS {
        let rule = access::rule_for(method, template).unwrap_or_else(|| panic!("{method} {template}: no rule"));
        let body = body.map(|b| b.as_bytes().to_vec());
        let name = format!("{method} {path}");
        if rule.access == Access::Public {
            let r = call(&app, request(method, path, None, body.clone()).to_request()).await;
            assert_eq!(r.status, 200, "{name} without a key");
            continue;
        }

        let r = call(&app, request(method, path, None, body.clone()).to_request()).await;
        assert_eq!(r.status, 401, "{name} without a key");
        assert_eq!(r.error_code(&name), "unauthorized");
        assert!(
            r.header("www-authenticate").is_some_and(|v| v.starts_with("Bearer")),
            "{name}: 401 without WWW-Authenticate: Bearer"
        );

        let bad_keys: [(&str, String); 3] = [
            ("an unknown key", "Bearer crk_00000000000000000000000000000000".into()),
            ("another scheme", "Basic dXNlcjpwYXNz".into()),
            ("an empty bearer", "Bearer ".into()),
        ];
        for (what, header) in bad_keys {
            let r = call(
                &app,
                request(method, path, None, body.clone())
                    .insert_header(("Authorization", header))
                    .to_request(),
            )
            .await;
            assert_eq!(r.status, 401, "{name} with {what}");
            assert_eq!(r.error_code(&name), "unauthorized");
            assert!(
                r.header("www-authenticate").is_some(),
                "{name} with {what}: no WWW-Authenticate"
            );
        }

        for role in Role::ALL {
            let r = call(
                &app,
                request(method, path, Some(&keys[&role]), body.clone()).to_request(),
            )
            .await;
            if rule.allows(role) {
                assert!(
                    r.status != 401 && r.status != 403,
                    "{name} as {}: {} {}",
                    role.as_str(),
                    r.status,
                    String::from_utf8_lossy(&r.bytes)
                );
            } else {
                assert_eq!(r.status, 403, "{name} as {}", role.as_str());
                assert_eq!(r.error_code(&name), "forbidden");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Bad input and limits.

/// A request refused before its body is read.
struct Refusal<'a> {
    what: &'a str,
    path: &'a str,
    key: &'a str,
    content_type: Option<&'a str>,
    body: Option<Vec<u8>>,
    status: u16,
}

impl<'a> Refusal<'a> {
    fn of(
        what: &'a str,
        path: &'a str,
        key: &'a str,
        content_type: Option<&'a str>,
        body: Option<Vec<u8>>,
        status: u16,
    ) -> Self {
        Refusal {
            what,
            path,
            key,
            content_type,
            body,
            status,
        }
    }
}

#[actix_web::test]
async fn a_caller_without_a_valid_key_or_the_role_is_refused_before_the_body_is_read() {
    let (_dir, state, keys) = fresh_state().await;
    let app = test_app!(state);
    let huge = || Some(vec![b'x'; 17 * 1024 * 1024]);
    let unknown = "crk_00000000000000000000000000000000";
    let json = Some("application/json");
    let cases = [
        Refusal::of(
            "an unknown key, a body too large",
            "/v1/scenarios",
            unknown,
            json,
            huge(),
            401,
        ),
        Refusal::of(
            "an unknown key, no content type",
            "/v1/plans",
            unknown,
            None,
            Some(b"{}".to_vec()),
            401,
        ),
        Refusal::of(
            "an unknown key, malformed JSON",
            "/v1/keys",
            unknown,
            json,
            Some(b"{".to_vec()),
            401,
        ),
        Refusal::of(
            "a scheduler, a body too large",
            "/v1/scenarios",
            &keys[&Role::Scheduler],
            json,
            huge(),
            403,
        ),
        Refusal::of(
            "a commissioner, malformed JSON",
            "/v1/plans",
            &keys[&Role::Commissioner],
            json,
            Some(b"{".to_vec()),
            403,
        ),
        Refusal::of(
            "a manager, an unknown field",
            "/v1/keys",
            &keys[&Role::Manager],
            json,
            Some(br#"{"x": 1}"#.to_vec()),
            403,
        ),
    ];
    for c in cases {
        let mut r = actix_test::TestRequest::post().uri(c.path).insert_header(bearer(c.key));
        if let Some(ct) = c.content_type {
            r = r.insert_header(("content-type", ct));
        }
        let (status, code, _) =
            status_and_code(&app, r.set_payload(c.body.unwrap_or_default()).to_request(), c.what).await;
        let want_code = if c.status == 401 { "unauthorized" } else { "forbidden" };
        assert_eq!(
            (status, code.as_str()),
            (c.status, want_code),
            "{} to {}",
            c.what,
            c.path
        );
    }
    let r = call(
        &app,
        request("GET", "/v1/plans/plan_x?plan=maybe", Some(&keys[&Role::Admin]), None).to_request(),
    )
    .await;
    assert_eq!(
        (r.status, r.error_code("admin with a bad query").as_str()),
        (403, "forbidden")
    );
}

async fn status_and_code<S, R, B>(app: &S, req: R, what: &str) -> (u16, String, Value)
where
    S: Service<R, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let r = call(app, req).await;
    let code = r.error_code(what);
    (r.status, code, r.json())
}

#[actix_web::test]
async fn bodies_over_the_routes_limits_are_413_body_too_large() {
    let (_dir, state, keys) = fresh_state().await;
    let app = test_app!(state);
    let small = access::CREATE_KEY;
    let label = "x".repeat(300 * 1024);
    let body = format!(r#"{{"role": "scheduler", "label": "{label}"}}"#).into_bytes();
    let (status, code, _) = status_and_code(
        &app,
        request(small.method, small.path, Some(&keys[&Role::Admin]), Some(body)).to_request(),
        "a 300 KiB key request",
    )
    .await;
    assert_eq!((status, code.as_str()), (413, "body_too_large"));

    // A scenario route takes up to 16 MiB: 300 KiB passes the limit, 17 MiB does not.
    let big = format!(r#"{{"pad": "{}"}}"#, "x".repeat(17 * 1024 * 1024)).into_bytes();
    for (path, role) in [
        ("/v1/scenarios", Role::Manager),
        ("/v1/scenarios:validate", Role::Manager),
        ("/v1/plans", Role::Scheduler),
        ("/v1/rotas", Role::Manager),
    ] {
        let (status, code, _) = status_and_code(
            &app,
            request("POST", path, Some(&keys[&role]), Some(big.clone())).to_request(),
            path,
        )
        .await;
        assert_eq!((status, code.as_str()), (413, "body_too_large"), "17 MiB to {path}");
    }
    let (status, code, _) = status_and_code(
        &app,
        request(
            "POST",
            "/v1/scenarios",
            Some(&keys[&Role::Manager]),
            Some(format!(r#"{{"pad": "{label}"}}"#).into_bytes()),
        )
        .to_request(),
        "300 KiB scenario",
    )
    .await;
    assert_eq!(status, 422, "a 300 KiB scenario is read (and found invalid): {code}");
}

#[actix_web::test]
async fn unreadable_bodies_are_400_with_a_code_and_the_field_path() {
    let (_dir, state, keys) = fresh_state().await;
    let app = test_app!(state);
    for c in UNREADABLE {
        let name = format!("{} to {}", c.what, c.path);
        let key = Some(keys[&c.role].as_str());
        let (status, code, v) = status_and_code(
            &app,
            request("POST", c.path, key, Some(c.body.to_vec())).to_request(),
            &name,
        )
        .await;
        assert_eq!((status, code.as_str()), (400, c.code), "{name}: {v}");
        if let Some(p) = c.field {
            assert_eq!(v["error"]["path"], p, "{name}: {v}");
        }
    }
}

/// A body its route cannot read: the 400's code, and the field's path when one is to blame.
struct Unreadable {
    what: &'static str,
    path: &'static str,
    role: Role,
    body: &'static [u8],
    code: &'static str,
    field: Option<&'static str>,
}

const fn unreadable(
    what: &'static str,
    path: &'static str,
    role: Role,
    body: &'static [u8],
    code: &'static str,
    field: Option<&'static str>,
) -> Unreadable {
    Unreadable {
        what,
        path,
        role,
        body,
        code,
        field,
    }
}

const UNREADABLE: &[Unreadable] = &[
    unreadable(
        "malformed JSON",
        "/v1/keys",
        Role::Admin,
        b"{\"role\": ",
        "malformed_json",
        None,
    ),
    unreadable(
        "malformed JSON",
        "/v1/plans",
        Role::Scheduler,
        b"{date: 1}",
        "malformed_json",
        None,
    ),
    unreadable(
        "malformed JSON",
        "/v1/scenarios",
        Role::Manager,
        b"{\"date\": [}",
        "malformed_json",
        None,
    ),
    unreadable(
        "an empty body",
        "/v1/plans",
        Role::Scheduler,
        b"",
        "malformed_json",
        None,
    ),
    unreadable(
        "an unknown field",
        "/v1/keys",
        Role::Admin,
        br#"{"role": "admin", "label": "x", "colour": "blue"}"#,
        "invalid_request",
        Some("$.colour"),
    ),
    unreadable(
        "an unknown field",
        "/v1/plans",
        Role::Scheduler,
        br#"{"scenario_id": "sc_x", "date": "2026-06-09", "colour": "blue"}"#,
        "invalid_request",
        Some("$.colour"),
    ),
    unreadable(
        "an unknown field",
        "/v1/rotas",
        Role::Manager,
        br#"{"scenario_id": "sc_x", "weeks": 1, "colour": "blue"}"#,
        "invalid_request",
        Some("$.colour"),
    ),
    unreadable(
        "a wrong type",
        "/v1/keys",
        Role::Admin,
        br#"{"role": "king", "label": "x"}"#,
        "invalid_request",
        Some("$.role"),
    ),
    unreadable(
        "a list for a number",
        "/v1/rotas",
        Role::Manager,
        br#"{"scenario_id": "sc_x", "weeks": [1]}"#,
        "invalid_request",
        Some("$.weeks"),
    ),
    unreadable(
        "a missing field",
        "/v1/keys",
        Role::Admin,
        br#"{"role": "admin"}"#,
        "invalid_request",
        Some("$.label"),
    ),
    unreadable(
        "an array",
        "/v1/plans",
        Role::Scheduler,
        b"[1, 2]",
        "invalid_request",
        Some("$"),
    ),
    unreadable("null", "/v1/keys", Role::Admin, b"null", "invalid_request", Some("$")),
    unreadable(
        "non-UTF-8",
        "/v1/keys",
        Role::Admin,
        b"{\"role\": \"admin\", \"label\": \"\xff\xfe\"}",
        "body_not_utf8",
        None,
    ),
    unreadable(
        "non-UTF-8",
        "/v1/plans",
        Role::Scheduler,
        b"\xc3\x28",
        "body_not_utf8",
        None,
    ),
    unreadable(
        "non-UTF-8",
        "/v1/scenarios",
        Role::Manager,
        b"{\"name\": \"\xe9t\xe9\"}",
        "body_not_utf8",
        None,
    ),
    unreadable(
        "non-UTF-8",
        "/v1/scenarios:validate",
        Role::Manager,
        b"{\"name\": \"\xe9t\xe9\"}",
        "body_not_utf8",
        None,
    ),
];

#[actix_web::test]
async fn a_body_that_is_not_json_is_415_and_json_with_a_charset_is_read() {
    let (_dir, state, keys) = fresh_state().await;
    let app = test_app!(state);
    let body = br#"{"role": "scheduler", "label": "desk"}"#.to_vec();
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("json"),
    ] {
        for (path, role) in [
            ("/v1/keys", Role::Admin),
            ("/v1/plans", Role::Scheduler),
            ("/v1/scenarios", Role::Manager),
            ("/v1/scenarios:validate", Role::Manager),
            ("/v1/rotas", Role::Manager),
        ] {
            let mut r = actix_test::TestRequest::post()
                .uri(path)
                .insert_header(bearer(&keys[&role]))
                .set_payload(body.clone());
            if let Some(ct) = content_type {
                r = r.insert_header(("content-type", ct));
            }
            let name = format!("{path} with content type {content_type:?}");
            let (status, code, _) = status_and_code(&app, r.to_request(), &name).await;
            assert_eq!((status, code.as_str()), (415, "unsupported_media_type"), "{name}");
        }
    }
    let r = call(
        &app,
        actix_test::TestRequest::post()
            .uri("/v1/keys")
            .insert_header(bearer(&keys[&Role::Admin]))
            .insert_header(("content-type", "application/json; charset=utf-8"))
            .set_payload(body)
            .to_request(),
    )
    .await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.bytes));
}

#[actix_web::test]
async fn ids_that_do_not_exist_are_404_not_found() {
    let (_dir, state, keys) = fresh_state().await;
    let app = test_app!(state);
    let long = "p".repeat(5000);
    let manager = &keys[&Role::Manager];
    let admin = &keys[&Role::Admin];
    let cases = [
        (
            "GET",
            "/v1/scenarios/sc_00000000000000000000000000000000".to_string(),
            manager,
        ),
        ("GET", format!("/v1/scenarios/{long}"), manager),
        ("GET", "/v1/scenarios/%00%ff".to_string(), manager),
        (
            "GET",
            "/v1/plans/plan_00000000000000000000000000000000".to_string(),
            manager,
        ),
        ("GET", format!("/v1/plans/{long}"), manager),
        (
            "DELETE",
            "/v1/plans/plan_00000000000000000000000000000000".to_string(),
            manager,
        ),
        (
            "GET",
            "/v1/plans/plan_00000000000000000000000000000000/audit".to_string(),
            manager,
        ),
        (
            "GET",
            "/v1/plans/plan_00000000000000000000000000000000/report.html".to_string(),
            manager,
        ),
        (
            "GET",
            "/v1/plans/plan_00000000000000000000000000000000/secrets.txt".to_string(),
            manager,
        ),
        ("GET", "/v1/plans/plan_0/plan.json?version=-1".to_string(), manager),
        (
            "GET",
            "/v1/rotas/rota_00000000000000000000000000000000".to_string(),
            manager,
        ),
        (
            "DELETE",
            "/v1/keys/key_00000000000000000000000000000000".to_string(),
            admin,
        ),
    ];
    for (method, path, key) in cases {
        let name = format!("{method} {}", &path[..path.len().min(80)]);
        let (status, code, _) =
            status_and_code(&app, request(method, &path, Some(key), None).to_request(), &name).await;
        assert_eq!((status, code.as_str()), (404, "not_found"), "{name}");
    }
}

#[actix_web::test]
async fn a_wrong_method_is_405_and_an_unknown_route_404_both_json() {
    let (_dir, state, keys) = fresh_state().await;
    let app = test_app!(state);
    let key = Some(keys[&Role::Manager].as_str());
    let wrong_method = [
        ("DELETE", "/v1/scenarios"),
        ("GET", "/v1/scenarios:validate"),
        ("PUT", "/v1/plans/plan_x"),
        ("GET", "/v1/keys"),
        ("POST", "/healthz"),
        ("PATCH", "/v1/rotas/rota_x"),
    ];
    let no_route = [
        ("GET", "/index.html"),
        ("GET", "/v2/plans"),
        ("GET", "/v1/plan"),
        ("POST", "/v1/scenarios:check"),
        ("GET", "/v1/plans/x/plan.json/more"),
        ("GET", "/v1/keys/x/y"),
    ];
    for (cases, want) in [
        (wrong_method, (405, "method_not_allowed")),
        (no_route, (404, "not_found")),
    ] {
        for (method, path) in cases {
            let name = format!("{method} {path}");
            let (status, code, _) = status_and_code(&app, request(method, path, key, None).to_request(), &name).await;
            assert_eq!((status, code.as_str()), want, "{name}");
        }
    }
}

#[actix_web::test]
async fn bad_query_strings_and_headers_are_4xx_never_500() {
    let (_dir, state, keys) = fresh_state().await;
    let app = test_app!(state);
    let manager = Some(keys[&Role::Manager].as_str());
    for path in [
        "/v1/plans/plan_x?plan=maybe",
        "/v1/plans/plan_x?colour=blue",
        "/v1/plans/plan_x/plan.json?version=two",
        "/v1/plans/plan_x/plan.json?version=99999999999999999999999",
    ] {
        let (status, code, _) = status_and_code(&app, request("GET", path, manager, None).to_request(), path).await;
        assert_eq!((status, code.as_str()), (400, "invalid_query"), "{path}");
    }
    let (status, code, _) = status_and_code(
        &app,
        request(
            "POST",
            "/v1/scenarios:validate?network=perhaps",
            manager,
            Some(b"{}".to_vec()),
        )
        .to_request(),
        "validate with network=perhaps",
    )
    .await;
    assert_eq!((status, code.as_str()), (400, "invalid_query"));
    let (status, code, _) = status_and_code(
        &app,
        request(
            "POST",
            "/v1/scenarios?area=atlantis",
            manager,
            Some(rutland_scenario().into_bytes()),
        )
        .to_request(),
        "a scenario on an unknown area",
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "unknown_area"));

    // An Authorization header that is not text is a bad key.
    let r = call(
        &app,
        actix_test::TestRequest::get()
            .uri("/v1/plans/plan_x")
            .insert_header((
                "Authorization",
                actix_web::http::header::HeaderValue::from_bytes(b"Bearer \xff\xfe").unwrap(),
            ))
            .to_request(),
    )
    .await;
    assert_eq!(
        (r.status, r.error_code("binary Authorization").as_str()),
        (401, "unauthorized")
    );
}

#[actix_web::test]
async fn a_callers_request_id_is_echoed_and_a_bad_one_replaced() {
    let (_dir, state, _keys) = fresh_state().await;
    let app = test_app!(state);
    for sent in ["desk-7.abc_1", "<script>", &"x".repeat(65)] {
        let req = actix_test::TestRequest::get()
            .uri("/v1/plans/plan_x")
            .insert_header(("x-request-id", sent))
            .to_request();
        let r = call(&app, req).await;
        assert_eq!(r.error_code("no key"), "unauthorized");
        let id = r.header("x-request-id").unwrap();
        if sent == "desk-7.abc_1" {
            assert_eq!(id, sent);
        } else {
            assert!(id.starts_with("req_") && id != sent, "{sent} became {id}");
        }
    }
}

#[actix_web::test]
async fn a_plan_request_that_does_not_fit_its_scenario_is_422_with_the_field() {
    let (_dir, state, keys) = fresh_state().await;
    let app = test_app!(state);
    let scheduler = Some(keys[&Role::Scheduler].as_str());
    let scenario: Value = serde_json::from_str(&rutland_scenario()).unwrap();
    let cases = [
        (
            json!({"scenario_id": "sc_x", "date": "2026-06-09"}),
            "unknown_scenario",
            "$.scenario_id",
        ),
        (json!({"date": "2026-06-09"}), "scenario_missing", "$.scenario_id"),
        (
            json!({"scenario_id": "sc_x", "scenario": scenario, "date": "2026-06-09"}),
            "scenario_twice",
            "$.scenario",
        ),
        (
            json!({"scenario": scenario, "date": "2026-06-09", "profile": "fastest"}),
            "unknown_profile",
            "$.profile",
        ),
        (
            json!({"scenario": scenario, "date": "2026-06-09", "area": "atlantis"}),
            "unknown_area",
            "$.area",
        ),
        (
            json!({"scenario": scenario, "date": "2027-01-01"}),
            "date_outside_scenario",
            "$.date",
        ),
        (
            json!({"scenario": scenario, "date": "9th June"}),
            "invalid_date",
            "$.date",
        ),
        (
            json!({"scenario": scenario, "date": "2026-06-09", "rota": {"weeks": "x"}}),
            "invalid_rota",
            "$.rota",
        ),
        (
            json!({"scenario": {"format": "nonsense"}, "date": "2026-06-09"}),
            "invalid_scenario",
            "$.scenario",
        ),
    ];
    for (body, want_code, want_path) in cases {
        let name = format!("plan request wanting {want_code}");
        let (status, code, v) = status_and_code(
            &app,
            request("POST", "/v1/plans", scheduler, Some(serde_json::to_vec(&body).unwrap())).to_request(),
            &name,
        )
        .await;
        assert_eq!((status, code.as_str()), (422, want_code), "{name}: {v}");
        assert_eq!(v["error"]["path"], want_path, "{name}: {v}");
    }
}

// ---------------------------------------------------------------------------------------------
// The audit log.

#[actix_web::test]
async fn a_plans_audit_log_lists_who_submitted_and_stopped_it_for_managers_only() {
    let (_dir, state, keys) = fresh_state().await;
    let app = test_app!(state);
    let body = format!(
        r#"{{"scenario": {}, "date": "2026-06-09", "profile": "quick"}}"#,
        rutland_scenario()
    );
    let r = call(
        &app,
        request(
            "POST",
            "/v1/plans",
            Some(&keys[&Role::Scheduler]),
            Some(body.into_bytes()),
        )
        .insert_header(("x-request-id", "submit-1"))
        .to_request(),
    )
    .await;
    assert_eq!(r.status, 202, "{}", String::from_utf8_lossy(&r.bytes));
    let id = r.json()["id"].as_str().unwrap().to_string();
    let r = call(
        &app,
        request("DELETE", &format!("/v1/plans/{id}"), Some(&keys[&Role::Manager]), None)
            .insert_header(("x-request-id", "stop-1"))
            .to_request(),
    )
    .await;
    assert_eq!(r.status, 202);

    let audit = format!("/v1/plans/{id}/audit");
    let r = call(
        &app,
        request("GET", &audit, Some(&keys[&Role::Manager]), None).to_request(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.bytes));
    let v = r.json();
    assert_eq!(v["plan_id"], id.as_str());
    let lines: Vec<(String, String, String)> = v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["action"].as_str().unwrap().to_string(),
                l["role"].as_str().unwrap().to_string(),
                l["request_id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("plan_submitted", "scheduler", "submit-1"),
        ("plan_cancel_requested", "manager", "stop-1"),
    ]
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()));
    assert_eq!(lines, want);
    for line in v["lines"].as_array().unwrap() {
        assert!(line["key_id"].as_str().is_some_and(|k| k.starts_with("key_")), "{line}");
        assert!(line["at"].as_str().is_some_and(|t| t.ends_with('Z')), "{line}");
    }
    for role in [Role::Scheduler, Role::Commissioner, Role::Admin] {
        let r = call(&app, request("GET", &audit, Some(&keys[&role]), None).to_request()).await;
        assert_eq!(
            (r.status, r.error_code("audit").as_str()),
            (403, "forbidden"),
            "{}",
            role.as_str()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The examples, replayed against `carerota serve`.

/// Matches `actual` against an example's `expected` value: objects by the keys the expected
/// one names (others may be present), arrays element by element (all of them, unless the last
/// expected element is `"<...>"`: then a prefix), strings with shapes (`<string>`, `<integer>`,
/// `<number>`, `<boolean>`, `<object>`, `<array>`, `<any>`, `<time>` for RFC 3339 UTC,
/// `<id:PREFIX>` for PREFIX, `_` and 32 hex digits) standing for a whole value or, within
/// text, for a part of it. Returns the path of the first difference.
fn matches(expected: &Value, actual: &Value, at: &str) -> Result<(), String> {
    let fail = || Err(format!("at {at}: expected {expected}, got {actual}"));
    match expected {
        Value::String(s) if s.contains('<') => {
            let ok = match (s.as_str(), actual) {
                ("<any>", _) => true,
                ("<string>", Value::String(_)) => true,
                ("<integer>", Value::Number(n)) => n.is_i64() || n.is_u64(),
                ("<number>", Value::Number(_)) => true,
                ("<boolean>", Value::Bool(_)) => true,
                ("<object>", Value::Object(_)) => true,
                ("<array>", Value::Array(_)) => true,
                (_, Value::String(text)) => text_matches(s, text),
                _ => false,
            };
            if ok {
                Ok(())
            } else {
                fail()
            }
        }
        Value::Object(want) => {
            let Value::Object(got) = actual else { return fail() };
            for (k, v) in want {
                let Some(g) = got.get(k) else {
                    return Err(format!("at {at}: no field {k:?} in {actual}"));
                };
                matches(v, g, &format!("{at}.{k}"))?;
            }
            Ok(())
        }
        Value::Array(want) => {
            let Value::Array(got) = actual else { return fail() };
            let prefix = want.last() == Some(&Value::String("<...>".into()));
            let want = if prefix { &want[..want.len() - 1] } else { &want[..] };
            if got.len() < want.len() || (!prefix && got.len() != want.len()) {
                return Err(format!(
                    "at {at}: expected {} element(s){}, got {}",
                    want.len(),
                    if prefix { " or more" } else { "" },
                    got.len()
                ));
            }
            for (i, (w, g)) in want.iter().zip(got).enumerate() {
                matches(w, g, &format!("{at}[{i}]"))?;
            }
            Ok(())
        }
        _ if expected == actual => Ok(()),
        _ => fail(),
    }
}

/// A text against a pattern of literal text and `<shape>`s.
fn text_matches(pattern: &str, text: &str) -> bool {
    let Some(open) = pattern.find('<') else {
        return pattern == text;
    };
    let Some(close) = pattern[open..].find('>').map(|c| open + c) else {
        return pattern == text;
    };
    let (literal, shape, rest) = (&pattern[..open], &pattern[open + 1..close], &pattern[close + 1..]);
    let Some(text) = text.strip_prefix(literal) else {
        return false;
    };
    // Try every split of the text between this shape and the rest of the pattern.
    (1..=text.len())
        .filter(|&n| text.is_char_boundary(n))
        .any(|n| shape_matches(shape, &text[..n]) && text_matches(rest, &text[n..]))
}

fn shape_matches(shape: &str, part: &str) -> bool {
    match shape {
        "string" | "any" => true,
        "integer" => part.trim_start_matches('-').chars().all(|c| c.is_ascii_digit()) && !part.is_empty(),
        "time" => chrono::DateTime::parse_from_rfc3339(part).is_ok() && part.ends_with('Z'),
        _ => match shape.strip_prefix("id:") {
            Some(prefix) => part
                .strip_prefix(prefix)
                .and_then(|r| r.strip_prefix('_'))
                .is_some_and(|hex| hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit())),
            None => false,
        },
    }
}

#[test]
fn the_example_matcher_reads_shapes_whole_and_within_text() {
    let id = "sc_0123456789abcdef0123456789abcdef";
    assert!(matches(&json!("<id:sc>"), &json!(id), "$").is_ok());
    assert!(matches(
        &json!("/v1/scenarios/<id:sc>"),
        &json!(format!("/v1/scenarios/{id}")),
        "$"
    )
    .is_ok());
    assert!(matches(&json!("<id:plan>"), &json!(id), "$").is_err());
    assert!(matches(&json!("<time>"), &json!("2026-06-09T08:00:00.000Z"), "$").is_ok());
    assert!(matches(&json!("<time>"), &json!("yesterday"), "$").is_err());
    assert!(matches(&json!({"a": "<integer>"}), &json!({"a": 3, "b": 4}), "$").is_ok());
    assert_eq!(
        matches(&json!({"a": {"b": [1, 2]}}), &json!({"a": {"b": [1, 3]}}), "$").unwrap_err(),
        "at $.a.b[1]: expected 2, got 3"
    );
    assert!(matches(&json!([1, "<...>"]), &json!([1, 2, 3]), "$").is_ok());
    assert!(matches(&json!([1]), &json!([1, 2]), "$").is_err());
}

/// One example: `NAME.request.json` and `NAME.response.json`.
struct Example {
    name: String,
    request: Value,
    response: Value,
}

fn examples() -> Vec<Example> {
    let dir = repo().join("api/examples/service");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".request.json"))
                .map(str::to_string)
        })
        .collect();
    names.sort();
    let read = |p: &Path| -> Value {
        serde_json::from_str(&std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    };
    for entry in std::fs::read_dir(&dir).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(name) = file.strip_suffix(".response.json") {
            assert!(names.iter().any(|n| n == name), "{file} has no request beside it");
        }
    }
    names
        .into_iter()
        .map(|name| Example {
            request: read(&dir.join(format!("{name}.request.json"))),
            response: read(&dir.join(format!("{name}.response.json"))),
            name,
        })
        .collect()
}

/// Replaces `{var}` in every string of `v` with the saved values.
fn substitute(v: &Value, saved: &BTreeMap<String, String>) -> Value {
    match v {
        Value::String(s) => {
            let mut s = s.clone();
            for (k, val) in saved {
                s = s.replace(&format!("{{{k}}}"), val);
            }
            Value::String(s)
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| substitute(x, saved)).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, x)| (k.clone(), substitute(x, saved))).collect()),
        other => other.clone(),
    }
}

#[test]
fn the_examples_are_well_formed_and_cover_the_contract() {
    let examples = examples();
    let allowed_request = ["method", "path", "role", "content_type", "body", "body_text", "about"];
    let allowed_response = ["status", "headers", "body", "save"];
    for e in &examples {
        for k in e.request.as_object().unwrap().keys() {
            assert!(
                allowed_request.contains(&k.as_str()),
                "{}: unknown request field {k}",
                e.name
            );
        }
        for k in e.response.as_object().unwrap().keys() {
            assert!(
                allowed_response.contains(&k.as_str()),
                "{}: unknown response field {k}",
                e.name
            );
        }
        let method = e.request["method"].as_str().unwrap();
        let path = e.request["path"].as_str().unwrap();
        let template_path = path.split('?').next().unwrap();
        assert!(
            access::ROUTES
                .iter()
                .any(|r| r.method == method && template_matches(r.path, template_path)),
            "{}: {method} {path} is no route",
            e.name
        );
        assert!(e.response["status"].as_u64().is_some(), "{}: no status", e.name);
    }
    let statuses: BTreeSet<u64> = examples.iter().filter_map(|e| e.response["status"].as_u64()).collect();
    for s in [200, 201, 202, 400, 401, 403, 404, 415, 422] {
        assert!(statuses.contains(&s), "no example answers {s}");
    }
}

/// True when `path` (with `{var}`s unfilled or filled) fits the route template.
fn template_matches(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len() && t.iter().zip(&p).all(|(a, b)| a == b || a.starts_with('{'))
}

#[test]
fn examples_replay_against_a_running_server() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--workers", "1"]);
    let keys: HashMap<&str, String> = Role::ALL
        .iter()
        .map(|r| (r.as_str(), add_key(dir.path(), r.as_str())))
        .collect();
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut saved = BTreeMap::new();
    for e in examples() {
        let req = substitute(&e.request, &saved);
        let want = substitute(&e.response, &saved);
        let method = req["method"].as_str().unwrap();
        let url = server.url(req["path"].as_str().unwrap());
        let body: Option<Vec<u8>> = match (req.get("body"), req.get("body_text")) {
            (Some(b), _) => Some(serde_json::to_vec(b).unwrap()),
            (None, Some(t)) => Some(t.as_str().unwrap().as_bytes().to_vec()),
            (None, None) => None,
        };
        let content_type = req["content_type"].as_str().unwrap_or("application/json");
        let auth = req["role"].as_str().map(|role| {
            let key = keys.get(role).unwrap_or_else(|| panic!("{}: no role {role}", e.name));
            format!("Bearer {key}")
        });
        let mut res = match method {
            "GET" | "DELETE" => {
                let mut r = if method == "GET" {
                    agent.get(&url)
                } else {
                    agent.delete(&url)
                };
                if let Some(a) = &auth {
                    r = r.header("Authorization", a);
                }
                r.call()
            }
            "POST" => {
                let mut r = agent.post(&url).header("Content-Type", content_type);
                if let Some(a) = &auth {
                    r = r.header("Authorization", a);
                }
                r.send(body.unwrap_or_default())
            }
            other => panic!("{}: method {other}", e.name),
        }
        .unwrap_or_else(|err| panic!("{}: {err}", e.name));
        let status = res.status().as_u16();
        let headers: BTreeMap<String, String> = res
            .headers()
            .iter()
            .filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str().to_string(), v.to_string())))
            .collect();
        let text = res.body_mut().read_to_string().unwrap();
        let context = || {
            format!(
                "example {}: {status} {text}\nserver log:\n{}",
                e.name,
                server.log_text()
            )
        };
        assert_eq!(status, want["status"].as_u64().unwrap() as u16, "{}", context());
        if status >= 400 {
            check_error_shape(
                &e.name,
                status,
                headers.get("x-request-id").map(String::as_str),
                headers.get("content-type").map(String::as_str),
                text.as_bytes(),
            );
        }
        if let Some(h) = want.get("headers").and_then(Value::as_object) {
            for (k, v) in h {
                let got = headers
                    .get(&k.to_lowercase())
                    .map_or(Value::Null, |g| Value::String(g.clone()));
                if let Err(d) = matches(v, &got, &format!("header {k}")) {
                    panic!("{d}\n{}", context());
                }
            }
        }
        let got: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if let Some(b) = want.get("body") {
            if let Err(d) = matches(b, &got, "$") {
                panic!("{d}\n{}", context());
            }
        }
        if let Some(s) = want.get("save").and_then(Value::as_object) {
            for (var, pointer) in s {
                let v = got
                    .pointer(pointer.as_str().unwrap())
                    .and_then(Value::as_str)
                    .unwrap_or_else(|| panic!("{}: nothing at {pointer} to save as {var}", e.name));
                saved.insert(var.clone(), v.to_string());
            }
        }
    }
}
