//! The committed OpenAPI document matches the code, and every operation is fully described.

use api::openapi::to_pretty_json;
use serde_json::Value;

const COMMITTED: &str = include_str!("../../openapi/openapi.json");

#[test]
fn committed_spec_matches_the_code() {
    let generated = to_pretty_json(&api::app::openapi());
    assert!(
        generated == COMMITTED,
        "openapi/openapi.json is out of date. Regenerate it with:\n\n    \
         cargo run -q -- openapi > openapi/openapi.json\n"
    );
}

#[test]
fn every_operation_is_fully_described() {
    let spec: Value = serde_json::from_str(&to_pretty_json(&api::app::openapi())).unwrap();
    let mut operation_ids = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let name = format!("{method} {path}");
            let id = operation["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{name}: operationId"));
            operation_ids.push(id.to_owned());
            assert!(operation["summary"].is_string(), "{name}: summary");
            assert!(operation["tags"].is_array(), "{name}: tags");
            assert!(
                operation["security"].is_array(),
                "{name}: security requirement"
            );
            let responses = operation["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|status| status.starts_with('2')),
                "{name}: success response"
            );
            if path.starts_with("/v1/") {
                assert!(responses.contains_key("500"), "{name}: 500 response");
                let secured = operation["security"][0]
                    .as_object()
                    .is_some_and(|s| !s.is_empty());
                assert!(
                    !secured || responses.contains_key("401"),
                    "{name}: 401 when secured"
                );
            }
            if operation.get("requestBody").is_some() {
                for status in ["400", "413", "415", "422"] {
                    assert!(responses.contains_key(status), "{name}: {status} response");
                }
            }
        }
    }
    let count = operation_ids.len();
    operation_ids.sort();
    operation_ids.dedup();
    assert_eq!(operation_ids.len(), count, "operationIds are unique");
}
