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
    let de = &mut serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, T>(de) {
        Ok(v) => Ok(v),
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let (code, message) = if inner.is_syntax() || inner.is_eof() {
                ("malformed_json", format!("the request body is not valid JSON: {inner}"))
            } else {
                ("invalid_request", inner.to_string())
            };
            // serde_path_to_error writes the root as `.` and an index as `[i]` with no dot.
            let at = if path == "." {
                "$".to_string()
            } else if path.starts_with('[') {
                format!("${path}")
            } else {
                format!("$.{path}")
            };
            Err(ApiError::bad_request(code, message).at(at))
        }
    }
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
    fn malformed_json_is_its_own_code() {
        let e = parse_json::<Req>(b"{\"date\": ").unwrap_err();
        assert_eq!(e.detail.code, "malformed_json");
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
    }
}
