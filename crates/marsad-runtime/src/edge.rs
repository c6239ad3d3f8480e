//! The edge layer every RPC passes first: request id, span, authentication, per-client rate
//! limit, then RPC metrics when the response ends (trailers included, so streams count too).
//! It never logs headers: the `authorization` header is removed before the RPC runs.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use http::{HeaderValue, Request, Response};
use tonic::body::Body;
use tonic::Status;
use tower::{Layer, Service};
use tracing::Instrument;

use crate::auth::{is_public, Denied, TokenStore};
use crate::context::{self, REQUEST_ID_HEADER};
use crate::ratelimit::RateLimiter;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, Default)]
pub(crate) struct EdgeState {
    pub auth: Option<Arc<TokenStore>>,
    pub limiter: Option<RateLimiter>,
}

#[derive(Debug, Clone)]
pub(crate) struct EdgeLayer {
    pub state: Arc<EdgeState>,
}

impl<S> Layer<S> for EdgeLayer {
    type Service = Edge<S>;
    fn layer(&self, inner: S) -> Self::Service {
        Edge {
            inner,
            state: self.state.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Edge<S> {
    inner: S,
    state: Arc<EdgeState>,
}

/// The name of a gRPC code, as Prometheus labels and logs show it.
pub fn code_name(code: i32) -> &'static str {
    match code {
        0 => "OK",
        1 => "CANCELLED",
        2 => "UNKNOWN",
        3 => "INVALID_ARGUMENT",
        4 => "DEADLINE_EXCEEDED",
        5 => "NOT_FOUND",
        6 => "ALREADY_EXISTS",
        7 => "PERMISSION_DENIED",
        8 => "RESOURCE_EXHAUSTED",
        9 => "FAILED_PRECONDITION",
        10 => "ABORTED",
        11 => "OUT_OF_RANGE",
        12 => "UNIMPLEMENTED",
        13 => "INTERNAL",
        14 => "UNAVAILABLE",
        15 => "DATA_LOSS",
        16 => "UNAUTHENTICATED",
        _ => "UNKNOWN",
    }
}

/// Labels for a path, bounded: only plausible service/method names become labels.
fn labels(path: &str) -> (String, String) {
    let mut parts = path.trim_start_matches('/').splitn(2, '/');
    let service = parts.next().unwrap_or("");
    let method = parts.next().unwrap_or("");
    let plausible = |s: &str| {
        !s.is_empty()
            && s.len() <= 64
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
    };
    if (service.starts_with("marsad.") || service.starts_with("grpc."))
        && plausible(service)
        && plausible(method)
    {
        (service.to_owned(), method.to_owned())
    } else {
        ("unknown".to_owned(), "unknown".to_owned())
    }
}

fn grpc_status(headers: &http::HeaderMap) -> Option<i32> {
    headers
        .get("grpc-status")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

fn peer_key<B>(req: &Request<B>) -> String {
    use tonic::transport::server::{TcpConnectInfo, TlsConnectInfo};
    let ext = req.extensions();
    let addr = ext
        .get::<TcpConnectInfo>()
        .and_then(TcpConnectInfo::remote_addr)
        .or_else(|| {
            ext.get::<TlsConnectInfo<TcpConnectInfo>>()
                .and_then(|i| i.get_ref().remote_addr())
        });
    match addr {
        Some(addr) => format!("peer:{}", addr.ip()),
        None => "peer:unknown".to_owned(),
    }
}

/// What is recorded when the response body ends or is dropped.
struct Finish {
    service: String,
    method: String,
    start: Instant,
    code: Option<i32>,
    span: tracing::Span,
    done: bool,
}

impl Finish {
    fn finish(&mut self, ended: bool) {
        if self.done {
            return;
        }
        self.done = true;
        // A body dropped before its trailers: the client went away or the deadline passed.
        let code = self.code.unwrap_or(if ended { 0 } else { 1 });
        let (service, method) = if code == 12 {
            ("unknown", "unknown")
        } else {
            (self.service.as_str(), self.method.as_str())
        };
        let name = code_name(code);
        let elapsed = self.start.elapsed();
        crate::metrics::record_rpc(service, method, name, elapsed);
        let ms = elapsed.as_secs_f64() * 1000.0;
        match code {
            2 | 13 | 15 => {
                tracing::warn!(parent: &self.span, code = name, elapsed_ms = ms, "rpc failed")
            }
            _ => tracing::debug!(parent: &self.span, code = name, elapsed_ms = ms, "rpc finished"),
        }
    }
}

pin_project_lite::pin_project! {
    /// A response body that records the RPC's metrics when it ends.
    pub struct EdgeBody {
        #[pin]
        inner: Body,
        finish: Finish,
    }

    impl PinnedDrop for EdgeBody {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            this.finish.finish(false);
        }
    }
}

impl http_body::Body for EdgeBody {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Status>>> {
        let this = self.project();
        let polled = this.inner.poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(code) = frame.trailers_ref().and_then(grpc_status) {
                    this.finish.code = Some(code);
                }
            }
            Poll::Ready(Some(Err(status))) => {
                this.finish.code = Some(status.code() as i32);
                this.finish.finish(true);
            }
            Poll::Ready(None) => this.finish.finish(true),
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

impl<S, B> Service<Request<Body>> for Edge<S>
where
    S: Service<Request<Body>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send,
    S::Error: Into<BoxError>,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Response<EdgeBody>;
    type Error = BoxError;
    type Future =
        Pin<Box<dyn std::future::Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, mut req: Request<Body>) -> Self::Future {
        let start = Instant::now();
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let state = self.state.clone();

        let path = req.uri().path().to_owned();
        let (service, method) = labels(&path);
        let id = req
            .headers()
            .get(REQUEST_ID_HEADER)
            .and_then(|v| context::sanitize_request_id(v.as_bytes()))
            .unwrap_or_else(context::new_request_id);
        if let Ok(value) = HeaderValue::from_str(&id) {
            req.headers_mut().insert(REQUEST_ID_HEADER, value);
        }
        let span = tracing::info_span!(
            "rpc",
            rpc.service = %service,
            rpc.method = %method,
            request_id = %id,
            client = tracing::field::Empty,
        );
        context::adopt_parent(&span, req.headers());
        let finish = Finish {
            service,
            method,
            start,
            code: None,
            span: span.clone(),
            done: false,
        };
        let reject = move |status: Status, mut finish: Finish| {
            finish.code = Some(status.code() as i32);
            let response = status.into_http::<Body>();
            let (parts, body) = response.into_parts();
            Box::pin(async move {
                Ok(Response::from_parts(
                    parts,
                    EdgeBody {
                        inner: body,
                        finish,
                    },
                ))
            }) as Self::Future
        };

        let public = is_public(&path);
        let mut client = None;
        if !public {
            if let Some(auth) = &state.auth {
                let header = req
                    .headers()
                    .get(http::header::AUTHORIZATION)
                    .map(HeaderValue::as_bytes);
                match auth.authorize(header, &path) {
                    Ok(principal) => {
                        span.record("client", principal.client.as_str());
                        client = Some(principal.client.clone());
                        req.extensions_mut().insert(principal.clone());
                    }
                    Err(Denied::Unauthenticated(why)) => {
                        crate::metrics::auth_denied("unauthenticated");
                        tracing::info!(parent: &span, reason = why, "unauthenticated");
                        return reject(Status::unauthenticated(why), finish);
                    }
                    Err(Denied::PermissionDenied { client, needs }) => {
                        crate::metrics::auth_denied("permission_denied");
                        tracing::info!(parent: &span, client = %client, needs = %needs, "permission denied");
                        return reject(
                            Status::permission_denied(format!(
                                "client {client} lacks the {needs} scope for this RPC"
                            )),
                            finish,
                        );
                    }
                }
            }
            if let Some(limiter) = &state.limiter {
                let key = client.clone().unwrap_or_else(|| peer_key(&req));
                if !limiter.check(&key) {
                    crate::metrics::rate_limited();
                    return reject(
                        Status::resource_exhausted(
                            "rate limit exceeded for this client; retry later",
                        ),
                        finish,
                    );
                }
            }
        }
        // The RPC never sees the token.
        req.headers_mut().remove(http::header::AUTHORIZATION);

        let fut = async move {
            let response = match inner.call(req).await {
                Ok(response) => response.map(Body::new),
                Err(err) => Status::from_error(err.into()).into_http::<Body>(),
            };
            let mut finish = finish;
            if let Some(code) = grpc_status(response.headers()) {
                finish.code = Some(code);
            }
            let (parts, body) = response.into_parts();
            Ok(Response::from_parts(
                parts,
                EdgeBody {
                    inner: body,
                    finish,
                },
            ))
        };
        Box::pin(context::scope(id, fut.instrument(span)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_bounded() {
        assert_eq!(
            labels("/marsad.v1.StorageService/ListEvents"),
            ("marsad.v1.StorageService".into(), "ListEvents".into())
        );
        assert_eq!(
            labels("/evil/../../x"),
            ("unknown".into(), "unknown".into())
        );
        assert_eq!(code_name(8), "RESOURCE_EXHAUSTED");
    }
}
