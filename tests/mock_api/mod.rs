//! What the mocked Kubernetes API server (tower-test) of the controller tests answers with.

use http::Response;
use kube::client::Body;
use serde_json::Value;

/// A JSON answer with status `code`, as the API server sends it.
pub fn json_response(code: u16, body: &Value) -> Response<Body> {
    Response::builder()
        .status(code)
        .header("content-type", "application/json")
        .body(Body::from(serde_json::to_vec(body).unwrap()))
        .unwrap()
}
