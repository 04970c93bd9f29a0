//! The scheduler's desk: the one web page of the service (`GET /`) and its script and style
//! (`GET /assets/{name}`), embedded in the binary from `src/api/web/`, so the page works with no
//! network beyond the service itself (no CDN, no fonts, no tiles: the map is the service's own
//! road network, `GET /v1/areas/{area}/map.svg`). The page signs in with an API key and calls
//! the same `/v1` routes as any client; what it offers follows the key's role (`GET /v1/me`).

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::super::error::ErrorBody;

/// The page's files by name, with their content types.
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("../web/app.js"),
    ),
    ("app.css", "text/css; charset=utf-8", include_str!("../web/app.css")),
];

/// What the page may load: only this origin (and `blob:` for a report opened in a frame).
/// Inline `style` attributes are the SVG map's and timeline's.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data: blob:; frame-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'";

/// The page.
#[utoipa::path(get, path = "/", tag = "operations",
    responses((status = 200, description = "The scheduler's desk (HTML)", content_type = "text/html")))]
pub async fn page() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(include_str!("../web/index.html"))
}

/// A file of the page (`app.js`, `app.css`); 404 for any other name.
#[utoipa::path(get, path = "/assets/{name}", tag = "operations",
    params(("name" = String, Path, description = "`app.js` or `app.css`")),
    responses(
        (status = 200, description = "The file", content((String = "text/javascript"), (String = "text/css"))),
        (status = 404, description = "No such file", body = ErrorBody),
    ))]
pub async fn asset(name: web::Path<String>) -> HttpResponse {
    match ASSETS.iter().find(|(n, _, _)| *n == name.as_str()) {
        Some((_, content_type, body)) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, *content_type))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .body(*body),
        None => HttpResponse::NotFound().json(serde_json::json!({
            "error": {"code": "not_found", "message": format!("no asset {:?}; the page has app.js and app.css", name.as_str())}
        })),
    }
}
