//! `/v1/areas`: the areas the service plans on, and each one's road map for the page, and
//! `/v1/me`: who the caller's key says they are (the page signs in with it).

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::super::access;
use super::super::auth::Caller;
use super::super::dto::{AreaItem, AreaList, Link, Me};
use super::super::error::{ApiError, ErrorBody};
use super::super::state::AppState;
use super::blocking;

/// The areas, with each one's extent.
#[utoipa::path(get, path = "/v1/areas", tag = "areas",
    responses((status = 200, body = AreaList), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_areas(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    caller.allow(access::LIST_AREAS.roles())?;
    let default = state.areas.default_name().map(str::to_string);
    let areas = state
        .areas
        .names()
        .filter_map(|n| state.areas.get(n))
        .map(|a| {
            let layer = a.roads_layer();
            AreaItem {
                name: a.name.clone(),
                default: default.as_deref() == Some(a.name.as_str()),
                west: layer.view.min.lon,
                south: layer.view.min.lat,
                east: layer.view.max.lon,
                north: layer.view.max.lat,
                links: vec![Link {
                    rel: "map".into(),
                    href: format!("/v1/areas/{}/map.svg", a.name),
                }],
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(AreaList { areas }))
}

/// The area's road network as SVG, for a page to draw routes over. The root `<svg>` carries
/// its projection: `data-west`, `data-south` (degrees), `data-px-per-deg-lon`,
/// `data-px-per-deg-lat` and `data-height` (pixels): a point is at
/// `x = (lon - west) * px_per_deg_lon`, `y = height - (lat - south) * px_per_deg_lat`.
#[utoipa::path(get, path = "/v1/areas/{area}/map.svg", tag = "areas",
    params(("area" = String, Path, description = "The area's name")),
    responses(
        (status = 200, description = "SVG of the roads", content_type = "image/svg+xml"),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn area_map(
    state: web::Data<AppState>,
    caller: Caller,
    area: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.allow(access::AREA_MAP.roles())?;
    let area = state
        .areas
        .get(&area)
        .ok_or_else(|| ApiError::not_found("area", area.as_str()).hint("GET /v1/areas lists the areas"))?;
    let svg = blocking(move || area.map_svg()).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "image/svg+xml"))
        .insert_header((header::CACHE_CONTROL, "private, max-age=3600"))
        .body(svg.as_str().to_string()))
}

/// The caller's key: its id, role and what the role may do.
#[utoipa::path(get, path = "/v1/me", tag = "keys",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn me(caller: Caller) -> Result<HttpResponse, ApiError> {
    caller.allow(access::ME.roles())?;
    let may = access::ROUTES
        .iter()
        .filter(|r| r.roles().contains(&caller.role))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    Ok(HttpResponse::Ok().json(Me {
        key_id: caller.key_id.clone(),
        role: caller.role,
        may,
    }))
}
