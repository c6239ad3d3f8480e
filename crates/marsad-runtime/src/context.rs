//! Request ids and trace context carried across the services in gRPC metadata.
//!
//! The server's edge layer takes `x-request-id` from the request (or makes one) and runs the RPC
//! inside [`scope`]; `marsad-client` calls [`inject`] on every outgoing request, so a call that an
//! RPC makes to another service carries the same id (and the W3C `traceparent` of the current
//! span when OpenTelemetry is on).

use std::future::Future;

use opentelemetry::propagation::{Extractor, Injector};
use tonic::metadata::{MetadataKey, MetadataMap, MetadataValue};
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// The metadata key of the request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The request id of the RPC this task is serving, if any.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// Runs `fut` with `id` as the current request id.
pub fn scope<F: Future>(id: String, fut: F) -> impl Future<Output = F::Output> {
    REQUEST_ID.scope(id, fut)
}

/// A fresh request id: 16 random bytes, hex.
pub fn new_request_id() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// An incoming request id if it is sane (1 to 128 of `[A-Za-z0-9._:-]`), else None.
pub fn sanitize_request_id(value: &[u8]) -> Option<String> {
    let ok = !value.is_empty()
        && value.len() <= 128
        && value
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'));
    ok.then(|| String::from_utf8_lossy(value).into_owned())
}

struct MetadataInjector<'a>(&'a mut MetadataMap);

impl Injector for MetadataInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(key), Ok(value)) = (
            MetadataKey::from_bytes(key.as_bytes()),
            MetadataValue::try_from(value.as_str()),
        ) {
            self.0.insert(key, value);
        }
    }
}

pub(crate) struct HeaderExtractor<'a>(pub &'a http::HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }
    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(http::HeaderName::as_str).collect()
    }
}

/// Adds the current request id (if any) and the current span's trace context to outgoing metadata.
pub fn inject(metadata: &mut MetadataMap) {
    if let Some(id) = current_request_id() {
        if let Ok(value) = MetadataValue::try_from(id.as_str()) {
            metadata.insert(REQUEST_ID_HEADER, value);
        }
    }
    let cx = tracing::Span::current().context();
    opentelemetry::global::get_text_map_propagator(|p| {
        p.inject_context(&cx, &mut MetadataInjector(metadata));
    });
}

/// Makes `span` a child of the trace context in `headers` (a no-op unless OpenTelemetry is on).
pub(crate) fn adopt_parent(span: &tracing::Span, headers: &http::HeaderMap) {
    if !crate::telemetry::otel_enabled() {
        return;
    }
    let cx =
        opentelemetry::global::get_text_map_propagator(|p| p.extract(&HeaderExtractor(headers)));
    let _ = span.set_parent(cx);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert_eq!(new_request_id().len(), 32);
        assert_eq!(sanitize_request_id(b"abc-123").as_deref(), Some("abc-123"));
        assert!(sanitize_request_id(b"").is_none());
        assert!(sanitize_request_id(b"a b").is_none());
        assert!(sanitize_request_id(&[b'a'; 129]).is_none());
    }

    #[tokio::test]
    async fn scoped_id_reaches_outgoing_metadata() {
        let mut md = MetadataMap::new();
        inject(&mut md);
        assert!(md.get(REQUEST_ID_HEADER).is_none());
        scope("req-1".into(), async {
            assert_eq!(current_request_id().as_deref(), Some("req-1"));
            inject(&mut md);
        })
        .await;
        assert_eq!(md.get(REQUEST_ID_HEADER).unwrap(), "req-1");
    }
}
