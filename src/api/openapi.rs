//! The service's contract as OpenAPI 3.1, generated from the handlers' and DTOs' annotations
//! (utoipa) and committed as `api/openapi.json` (a test fails when the file is stale), and the
//! API reference page rendered from it on the server: plain HTML and CSS, nothing fetched from
//! outside, so it works offline.

use std::fmt::Write as _;

use serde_json::Value;
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::schema::{Object, Ref, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::access::{self, Access};
use super::handlers::{areas, audit, keys, ops, page, plans, replan, rotas, scenarios, studies};

struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API key from `carerota keys add --role ROLE` or POST /v1/keys"))
                    .build(),
            ),
        );
    }
}

/// Names on every operation the roles that may call it (from [`access::ROUTES`]): a line of
/// its description and the `x-roles` extension.
struct RolesOfRoutes;

impl Modify for RolesOfRoutes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in &mut openapi.paths.paths {
            let ops = [
                ("GET", &mut item.get),
                ("POST", &mut item.post),
                ("DELETE", &mut item.delete),
                ("PUT", &mut item.put),
                ("PATCH", &mut item.patch),
            ];
            for (method, op) in ops {
                let (Some(op), Some(rule)) = (op.as_mut(), access::rule_for(method, path)) else {
                    continue;
                };
                let Access::Roles(roles) = rule.access else { continue };
                let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
                let line = format!("Roles: {}.", names.join(", "));
                op.description = Some(match op.description.take() {
                    Some(d) if !d.is_empty() => format!("{d}\n\n{line}"),
                    _ => line,
                });
                let ext = utoipa::openapi::extensions::ExtensionsBuilder::new()
                    .add("x-roles", serde_json::json!(names))
                    .build();
                op.extensions.get_or_insert_with(Default::default).merge(ext);
            }
        }
    }
}

/// What each status means across the service, for responses the annotations leave bare.
fn status_description(status: &str) -> &'static str {
    match status {
        "200" => "OK",
        "201" => "Created",
        "202" => "Accepted: a job, to follow at its `self` link",
        "204" => "Done; no body",
        "400" => "The request cannot be read: malformed JSON (`malformed_json`), not UTF-8 (`body_not_utf8`), an unknown field or a wrong type (`invalid_request`, with the field's `path`), a bad query string (`invalid_query`)",
        "401" => "No key, or an unknown or revoked one (`unauthorized`)",
        "403" => "The key's role may not call this route (`forbidden`); `x-roles` names the roles that may",
        "404" => "No such resource (`not_found`)",
        "413" => "The body is larger than the route accepts (`body_too_large`): 16 MiB for scenario, plan and rota bodies, 256 KiB for others",
        "415" => "The body is not sent as `application/json` (`unsupported_media_type`)",
        "422" => "The request is well-formed but its content is invalid: a stable code, the field's `path` and, for a file, every problem",
        "429" => "Every solver is busy (`solver_pool_full`): retry after `Retry-After` seconds",
        "500" => "A fault of the service (`internal`): no internals shown; quote the request id",
        "503" => "Unavailable: retry after `Retry-After` seconds",
        _ => "",
    }
}

fn text_header(description: &str) -> utoipa::openapi::header::Header {
    utoipa::openapi::header::HeaderBuilder::new()
        .schema(Object::with_type(Type::String))
        .description(Some(description))
        .build()
}

/// The responses every route shares, from how the service answers: 400, 413 and 415 where
/// a body is read; 400 where a query string is; 401, 403 and 500 where a key is needed; 404
/// where the path names a resource. Bare responses get the service's meaning of their status;
/// every response names `x-request-id`, a 401 `WWW-Authenticate`, a 429 or 503 `Retry-After`.
struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in &mut openapi.paths.paths {
            let ops = [
                &mut item.get,
                &mut item.post,
                &mut item.delete,
                &mut item.put,
                &mut item.patch,
            ];
            for op in ops.into_iter().flatten() {
                let mut common: Vec<&str> = Vec::new();
                if op.request_body.is_some() {
                    common.extend(["400", "413", "415"]);
                }
                if op
                    .parameters
                    .iter()
                    .flatten()
                    .any(|p| p.parameter_in == ParameterIn::Query)
                {
                    common.push("400");
                }
                if op.security.is_some() {
                    common.extend(["401", "403", "500"]);
                }
                if path.contains('{') {
                    common.push("404");
                }
                for status in common {
                    op.responses.responses.entry(status.to_string()).or_insert_with(|| {
                        RefOr::T(
                            ResponseBuilder::new()
                                .content(
                                    "application/json",
                                    Content::new(Some(Ref::from_schema_name("ErrorBody"))),
                                )
                                .build(),
                        )
                    });
                }
                for (status, response) in &mut op.responses.responses {
                    let RefOr::T(r) = response else { continue };
                    if r.description.is_empty() {
                        r.description = status_description(status).to_string();
                    }
                    r.headers.insert(
                        "x-request-id".into(),
                        text_header(
                            "The request's id (the caller's own when it sent a short plain one); in error bodies too",
                        ),
                    );
                    match status.as_str() {
                        "401" => {
                            r.headers
                                .insert("WWW-Authenticate".into(), text_header("`Bearer realm=\"carerota\"`"));
                        }
                        "429" | "503" => {
                            r.headers
                                .insert("Retry-After".into(), text_header("Seconds to wait before trying again"));
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "carerota",
        description = "Workforce scheduling and routing for community health and social care: scenarios, day plans as jobs, re-planning of a published day, rotas. Errors are `{\"error\": {\"code\", \"message\", \"path\", \"hint\", \"problems\", \"request_id\"}}` with a stable code; invalid input is 4xx, a fault of the service 500.",
        license(name = "MIT OR Apache-2.0")
    ),
    paths(
        scenarios::validate_scenario,
        scenarios::create_scenario,
        scenarios::get_scenario,
        scenarios::list_scenarios,
        plans::create_plan,
        plans::list_plans,
        plans::get_plan,
        plans::cancel_plan,
        plans::plan_file,
        audit::plan_audit,
        replan::recommendations,
        replan::create_version,
        replan::list_versions,
        replan::version_diff,
        rotas::create_rota,
        rotas::get_rota,
        studies::create_study,
        studies::list_studies,
        studies::get_study,
        studies::cancel_study,
        studies::study_file,
        areas::list_areas,
        areas::area_map,
        areas::me,
        keys::create_key,
        keys::revoke_key,
        page::page,
        page::asset,
        ops::healthz,
        ops::readyz,
        ops::metrics,
        ops::openapi_json,
        ops::docs,
    ),
    modifiers(&BearerKey, &RolesOfRoutes, &CommonResponses),
    tags(
        (name = "scenarios", description = "Scenario files: validate, store, read"),
        (name = "plans", description = "Day plans as jobs, and their files"),
        (name = "replanning", description = "Options for a referral and the next version of a published day"),
        (name = "rotas", description = "Rotas over 1 to 6 weeks as jobs"),
        (name = "studies", description = "Base-location studies as jobs: where the bases go, how many staff"),
        (name = "areas", description = "The areas planned on and their road maps"),
        (name = "keys", description = "API keys (admin) and the caller's own"),
        (name = "operations", description = "Health, readiness, metrics, this contract"),
    )
)]
struct ApiDoc;

/// The OpenAPI document.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The OpenAPI document as pretty JSON with a final newline (the text of `api/openapi.json`).
pub fn json() -> String {
    let mut s = document().to_pretty_json().expect("invariant: the document serialises");
    s.push('\n');
    s
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A schema's short name: `Name` for a reference, the type otherwise.
fn type_name(schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        return format!("<a href=\"#schema-{0}\">{0}</a>", esc(name));
    }
    if let Some(all) = schema
        .get("oneOf")
        .or_else(|| schema.get("allOf"))
        .and_then(Value::as_array)
    {
        return all.iter().map(type_name).collect::<Vec<_>>().join(" | ");
    }
    match schema.get("type") {
        Some(Value::String(t)) if t == "array" => {
            format!("[{}]", schema.get("items").map(type_name).unwrap_or_default())
        }
        Some(Value::String(t)) => esc(t),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(|t| {
                if t == "array" {
                    format!("[{}]", schema.get("items").map(type_name).unwrap_or_default())
                } else {
                    esc(t)
                }
            })
            .collect::<Vec<_>>()
            .join(" | "),
        _ if schema.get("enum").is_some() => "enum".into(),
        _ => "any".into(),
    }
}

/// The reference page: every operation by tag, then every schema.
pub fn reference_page() -> String {
    let doc: Value = serde_json::from_str(&json()).expect("invariant: the document is JSON");
    let mut h = String::new();
    h.push_str("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>carerota API reference</title>\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>\
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:70rem;padding:1rem 2rem;color:#1b1b1b}\
h1{margin-bottom:.2rem}code,pre{font-family:ui-monospace,monospace;background:#f3f3f3;padding:0 .2em}\
.op{border:1px solid #ccc;border-radius:6px;margin:1rem 0;padding:.6rem 1rem}\
.m{display:inline-block;min-width:4.5rem;font-weight:700;color:#fff;border-radius:4px;text-align:center;margin-right:.6rem}\
.get{background:#0b5cad}.post{background:#1a7f37}.delete{background:#a40e26}.put{background:#8a5300}\
table{border-collapse:collapse;margin:.3rem 0}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}\
nav a{margin-right:1rem}</style></head><body>");
    let info = &doc["info"];
    let _ = write!(
        h,
        "<h1>{} API reference</h1><p>Version {}. {}</p><p>The machine-readable contract: <a href=\"/openapi.json\">/openapi.json</a> (OpenAPI {}).</p>",
        esc(info["title"].as_str().unwrap_or("")),
        esc(info["version"].as_str().unwrap_or("")),
        esc(info["description"].as_str().unwrap_or("")),
        esc(doc["openapi"].as_str().unwrap_or(""))
    );
    let tags: Vec<(String, String)> = doc["tags"]
        .as_array()
        .map(|t| {
            t.iter()
                .map(|t| {
                    (
                        t["name"].as_str().unwrap_or("").to_string(),
                        t["description"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    h.push_str("<nav>");
    for (t, _) in &tags {
        let _ = write!(h, "<a href=\"#tag-{0}\">{0}</a>", esc(t));
    }
    h.push_str("<a href=\"#schemas\">schemas</a></nav>");
    let paths = doc["paths"].as_object().cloned().unwrap_or_default();
    for (tag, about) in &tags {
        let _ = write!(h, "<h2 id=\"tag-{0}\">{0}</h2><p>{1}</p>", esc(tag), esc(about));
        for (path, item) in &paths {
            let Some(ops) = item.as_object() else { continue };
            for (method, op) in ops {
                let in_tag = op["tags"].as_array().is_some_and(|t| t.iter().any(|x| x == tag));
                if !in_tag {
                    continue;
                }
                let _ = write!(
                    h,
                    "<div class=\"op\"><h3><span class=\"m {m}\">{M}</span><code>{p}</code></h3><p>{s}</p>",
                    m = esc(method),
                    M = esc(&method.to_uppercase()),
                    p = esc(path),
                    s = esc(op["description"].as_str().or(op["summary"].as_str()).unwrap_or(""))
                );
                if op.get("security").is_some() {
                    h.push_str("<p>Needs <code>Authorization: Bearer KEY</code>.</p>");
                }
                if let Some(params) = op["parameters"].as_array().filter(|p| !p.is_empty()) {
                    h.push_str("<table><tr><th>parameter</th><th>in</th><th>type</th><th>about</th></tr>");
                    for p in params {
                        let _ = write!(
                            h,
                            "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                            esc(p["name"].as_str().unwrap_or("")),
                            if p["required"].as_bool() == Some(true) {
                                " (required)"
                            } else {
                                ""
                            },
                            esc(p["in"].as_str().unwrap_or("")),
                            type_name(&p["schema"]),
                            esc(p["description"].as_str().unwrap_or(""))
                        );
                    }
                    h.push_str("</table>");
                }
                if let Some(content) = op["requestBody"]["content"].as_object() {
                    for (ct, c) in content {
                        let _ = write!(h, "<p>Body ({}): {}</p>", esc(ct), type_name(&c["schema"]));
                    }
                }
                if let Some(rs) = op["responses"].as_object() {
                    h.push_str("<table><tr><th>status</th><th>about</th><th>body</th></tr>");
                    for (status, r) in rs {
                        let body = r["content"]
                            .as_object()
                            .map(|c| {
                                c.values()
                                    .map(|v| type_name(&v["schema"]))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            })
                            .unwrap_or_default();
                        let _ = write!(
                            h,
                            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                            esc(status),
                            esc(r["description"].as_str().unwrap_or("")),
                            body
                        );
                    }
                    h.push_str("</table>");
                }
                h.push_str("</div>");
            }
        }
    }
    h.push_str("<h2 id=\"schemas\">Schemas</h2>");
    if let Some(schemas) = doc["components"]["schemas"].as_object() {
        for (name, s) in schemas {
            let _ = write!(
                h,
                "<div class=\"op\" id=\"schema-{0}\"><h3>{0}</h3><p>{1}</p>",
                esc(name),
                esc(s["description"].as_str().unwrap_or(""))
            );
            if let Some(e) = s["enum"].as_array() {
                let vals: Vec<String> = e
                    .iter()
                    .map(|v| format!("<code>{}</code>", esc(&v.to_string())))
                    .collect();
                let _ = write!(h, "<p>One of {}</p>", vals.join(", "));
            }
            if let Some(props) = s["properties"].as_object() {
                let required: Vec<&str> = s["required"]
                    .as_array()
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                h.push_str("<table><tr><th>field</th><th>type</th><th>about</th></tr>");
                for (p, ps) in props {
                    let _ = write!(
                        h,
                        "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td></tr>",
                        esc(p),
                        if required.contains(&p.as_str()) {
                            " (required)"
                        } else {
                            ""
                        },
                        type_name(ps),
                        esc(ps["description"].as_str().unwrap_or(""))
                    );
                }
                h.push_str("</table>");
            }
            h.push_str("</div>");
        }
    }
    h.push_str("</body></html>\n");
    h
}
