//! Reading request bodies: [`JsonBody`] takes a JSON body (content type `application/json`,
//! within the route's size limit), refusing unknown fields and wrong types with the JSON path
//! of the field at fault (`serde_path_to_error`), as the command line reports its files.

use std::future::Future;
use std::pin::Pin;

use actix_web::error::PayloadError;
use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// A JSON request body of type `T`.
pub struct JsonBody<T>(pub T);

/// Size limits per kind of body, in bytes.
pub mod limits {
    /// A scenario (a county's day with its staff and visits runs to a few MB).
    pub const SCENARIO: usize = 16 * 1024 * 1024;
    /// A small request (events, a chosen option, a key).
    pub const SMALL: usize = 256 * 1024;
}

/// Maps the body reader's errors to the service's JSON errors.
pub fn payload_error(e: &actix_web::Error) -> ApiError {
    if let Some(p) = e.as_error::<PayloadError>() {
        if matches!(p, PayloadError::Overflow) {
            return ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "the request body is larger than this route accepts",
            );
        }
    }
    let status = e.as_response_error().status_code();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(
            status,
            "body_too_large",
            "the request body is larger than this route accepts",
        );
    }
    ApiError::bad_request("body_unreadable", format!("the request body could not be read: {e}"))
}

/// Parses `bytes` as `T`, naming the JSON path of the first problem.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| ApiError::bad_request("body_not_utf8", format!("the request body is not UTF-8: {e}")))?;
    let text = text.trim_start_matches('\u{feff}');
    // A body is an object: serde would otherwise read a struct from an array field by field.
    if text.trim_start().starts_with('[') {
        return Err(ApiError::bad_request(
            "invalid_request",
            "the request body must be a JSON object, not an array",
        )
        .at("$"));
    }
    let de = &mut serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, T>(de) {
        Ok(v) => Ok(v),
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let malformed = inner.is_syntax() || inner.is_eof();
            let (code, message) = if malformed {
                ("malformed_json", format!("the request body is not valid JSON: {inner}"))
            } else {
                ("invalid_request", plain_message(&inner.to_string()))
            };
            // serde_path_to_error writes the root as `.` and an index as `[i]` with no dot; a
            // missing field is reported at its object, so its name is added to the path.
            let mut at = if path == "." || malformed {
                "$".to_string()
            } else if path.starts_with('[') {
                format!("${path}")
            } else {
                format!("$.{path}")
            };
            if let Some(field) = missing_field(&message) {
                at = if at == "$" {
                    format!("$.{field}")
                } else {
                    format!("{at}.{field}")
                };
            }
            Err(ApiError::bad_request(code, message).at(at))
        }
    }
}

/// The field a serde "missing field `x`" message names.
fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}

/// serde's message in the caller's terms: no Rust type names (`struct PlanRequest`, `i64`).
pub(crate) fn plain_message(message: &str) -> String {
    let mut m = message.to_string();
    if let Some(i) = m.find("expected struct ") {
        let end = m[i..].find(" at line").map_or(m.len(), |e| i + e);
        m.replace_range(i..end, "expected a JSON object");
    }
    for (rust, plain) in [
        ("expected i64", "expected a whole number"),
        ("to a i64", "as a whole number"),
        ("Path deserialize error: ", ""),
        ("Query deserialize error: ", ""),
        ("expected u32", "expected a whole number at least 0"),
        ("expected u64", "expected a whole number at least 0"),
        ("expected usize", "expected a whole number at least 0"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected true or false"),
    ] {
        m = m.replace(rust, plain);
    }
    m
}

/// True when the request says its body is JSON.
pub fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| {
            let m = m.trim().to_ascii_lowercase();
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        })
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let json = is_json(req);
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !json {
                return Err(ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "send the body as JSON with `Content-Type: application/json`",
                )
                .into());
            }
            let bytes = bytes.await.map_err(|e| payload_error(&e))?;
            Ok(JsonBody(parse_json(&bytes)?))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Req {
        date: String,
        inner: Inner,
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        k: u32,
    }

    #[test]
    fn names_the_path_of_a_wrong_type_and_an_unknown_field() {
        let e = parse_json::<Req>(br#"{"date":"x","inner":{"k":"two"}}"#).unwrap_err();
        assert_eq!(e.detail.code, "invalid_request");
        assert_eq!(e.detail.path.as_deref(), Some("$.inner.k"));
        let e = parse_json::<Req>(br#"{"date":"x","inner":{"k":2},"extra":1}"#).unwrap_err();
        assert!(
            e.detail.message.contains("unknown field `extra`"),
            "{}",
            e.detail.message
        );
    }

    #[test]
    fn a_missing_field_is_reported_at_its_own_path_without_rust_names() {
        let e = parse_json::<Req>(br#"{"inner":{"k":1}}"#).unwrap_err();
        assert_eq!(e.detail.path.as_deref(), Some("$.date"));
        let e = parse_json::<Req>(br#"{"date":"x","inner":{}}"#).unwrap_err();
        assert_eq!(e.detail.path.as_deref(), Some("$.inner.k"));
        let e = parse_json::<Req>(br#"{"date":"x","inner":{"k":"two"}}"#).unwrap_err();
        assert!(!e.detail.message.contains("u32"), "{}", e.detail.message);
        let e = parse_json::<Req>(br#"["x", {"k": 1}]"#).unwrap_err();
        assert!(e.detail.message.contains("not an array"));
    }

    #[test]
    fn malformed_json_is_its_own_code() {
        let e = parse_json::<Req>(b"{\"date\": ").unwrap_err();
        assert_eq!(e.detail.code, "malformed_json");
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
    }
}
