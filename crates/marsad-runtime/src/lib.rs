//! What every Marsad gRPC server shares: one tower stack (request ids and spans, bearer-token
//! auth with scopes, per-client rate limits, RPC metrics, timeout, load shedding, concurrency
//! limit), message-size limits, TLS (mutual when a client CA is set), `grpc.health.v1` (also on a
//! plaintext port of its own for probes when asked), server reflection (v1 and v1alpha), serving
//! on a listener until a shutdown future resolves, and log/trace set-up for binaries.

pub mod auth;
pub mod context;
mod edge;
pub mod metrics;
pub mod ratelimit;
mod telemetry;
pub mod tls;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;
use tonic::service::Routes;
use tonic::transport::server::TcpIncoming;
use tonic::transport::Server;
use tower::ServiceBuilder;

pub use auth::{Scope, TokenStore};
pub use edge::code_name;
pub use ratelimit::RateLimit;
pub use telemetry::{init_logging, shutdown_telemetry, LogFormat, OTLP_ENDPOINT_ENV};
pub use tls::ServerTls;
pub use tonic_health::server::HealthReporter;
pub use tonic_health::ServingStatus;

/// A listener bound ahead of time and handed to [`serve`] through [`ServerLimits`] (cloneable;
/// the first `serve` takes it).
#[derive(Debug, Clone)]
pub struct SharedListener {
    addr: SocketAddr,
    slot: Arc<Mutex<Option<std::net::TcpListener>>>,
}

impl SharedListener {
    /// Binds `addr` now, so that errors surface at start-up.
    pub fn bind(addr: SocketAddr) -> std::io::Result<Self> {
        let listener = std::net::TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        Ok(Self {
            addr: listener.local_addr()?,
            slot: Arc::new(Mutex::new(Some(listener))),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    fn take(&self) -> Option<TcpListener> {
        let listener = self.slot.lock().unwrap_or_else(|p| p.into_inner()).take()?;
        TcpListener::from_std(listener).ok()
    }
}

/// Limits and edge settings applied to every RPC of a server.
#[derive(Debug, Clone)]
pub struct ServerLimits {
    /// Largest request or response message, in bytes.
    pub max_message_bytes: usize,
    /// Longest time a request handler may take (a shorter client `grpc-timeout` wins). It bounds
    /// client-streamed calls too (an `IngestBatch` must finish within it), but not the response
    /// stream of `WatchEvents`/`ExportEvents`, which outlives its handler.
    pub request_timeout: Duration,
    /// Requests in flight across the server before new ones are shed with ResourceExhausted.
    pub max_in_flight: usize,
    /// Concurrent HTTP/2 streams per connection.
    pub max_concurrent_streams: u32,
    /// TLS on the gRPC listener (mutual when `client_ca_pem` is set); None: plaintext.
    pub tls: Option<ServerTls>,
    /// Bearer tokens and scopes; None: no authentication.
    pub auth: Option<Arc<TokenStore>>,
    /// Per-client rate limit (keyed on the token's client name, or the peer address without auth).
    pub rate_limit: Option<RateLimit>,
    /// A plaintext listener serving only `grpc.health.v1` (for probes when TLS or auth is on).
    pub health_listener: Option<SharedListener>,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            max_message_bytes: 16 * 1024 * 1024,
            request_timeout: Duration::from_secs(120),
            max_in_flight: 512,
            max_concurrent_streams: 256,
            tls: None,
            auth: None,
            rate_limit: None,
            health_listener: None,
        }
    }
}

/// Health name that reports SERVING as long as the process answers, whatever its dependencies:
/// for liveness probes, which should restart a wedged process, not one whose database is down.
pub const LIVENESS_SERVICE: &str = "liveness";

/// The health of a server: `reporter` flips its statuses.
#[derive(Clone)]
pub struct Health {
    pub reporter: HealthReporter,
    /// The server's own gRPC services, which reflection advertises (with health and reflection).
    services: Vec<String>,
}

impl std::fmt::Debug for Health {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Health").finish_non_exhaustive()
    }
}

/// A health service whose overall status (`""`) and every named service start as NOT_SERVING,
/// and whose [`LIVENESS_SERVICE`] is SERVING.
pub async fn health(service_names: &[&str]) -> Health {
    let reporter = HealthReporter::new();
    set_status(&reporter, service_names, ServingStatus::NotServing).await;
    reporter
        .set_service_status(LIVENESS_SERVICE, ServingStatus::Serving)
        .await;
    Health {
        reporter,
        services: service_names.iter().map(|s| (*s).to_owned()).collect(),
    }
}

/// Sets the overall status and that of each named service.
pub async fn set_status(reporter: &HealthReporter, service_names: &[&str], status: ServingStatus) {
    reporter.set_service_status("", status).await;
    for name in service_names {
        reporter.set_service_status(*name, status).await;
    }
}

/// Serves `routes` (the server's own services) plus health and reflection on `listener` until
/// `shutdown` resolves; then stops accepting and drains the RPCs in flight.
pub async fn serve(
    listener: TcpListener,
    routes: Routes,
    health: Health,
    limits: &ServerLimits,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), tonic::transport::Error> {
    // Reflection advertises only what this server serves; the whole API stays resolvable.
    let reflection = || {
        let mut builder = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(marsad_proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .with_service_name("grpc.health.v1.Health")
            .with_service_name("grpc.reflection.v1.ServerReflection")
            .with_service_name("grpc.reflection.v1alpha.ServerReflection");
        for name in &health.services {
            builder = builder.with_service_name(name.clone());
        }
        builder
    };
    let reflection_v1 = reflection()
        .build_v1()
        .expect("the API's descriptor set is valid");
    let reflection_v1alpha = reflection()
        .build_v1alpha()
        .expect("the API's descriptor set is valid");

    let health_service = tonic_health::pb::health_server::HealthServer::new(
        tonic_health::server::HealthService::from_health_reporter(health.reporter),
    );
    let routes = routes
        .add_service(health_service.clone())
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha);

    let edge = edge::EdgeLayer {
        state: Arc::new(edge::EdgeState {
            auth: limits.auth.clone(),
            limiter: limits.rate_limit.map(ratelimit::RateLimiter::new),
        }),
    };
    let stack = ServiceBuilder::new()
        .layer(edge)
        .load_shed()
        .concurrency_limit(limits.max_in_flight)
        .into_inner();

    let mut builder = Server::builder();
    if let Some(tls) = &limits.tls {
        builder = builder.tls_config(tls.config())?;
    }
    let health_listener = match &limits.health_listener {
        Some(shared) => match shared.take() {
            Some(listener) => Some(listener),
            None => {
                tracing::warn!(addr = %shared.local_addr(), "health listener already in use; not serving health on it");
                None
            }
        },
        None => None,
    };
    let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
    let main = builder
        .timeout(limits.request_timeout)
        .max_concurrent_streams(limits.max_concurrent_streams)
        .http2_keepalive_interval(Some(Duration::from_secs(30)))
        .layer(stack)
        .add_routes(routes)
        .serve_with_incoming_shutdown(incoming(listener), async move {
            shutdown.await;
            let _ = stop_tx.send(true);
        });
    let health_only = async move {
        let Some(listener) = health_listener else {
            return Ok(());
        };
        tracing::info!(addr = ?listener.local_addr().ok(), "serving plaintext health for probes");
        Server::builder()
            .timeout(Duration::from_secs(5))
            .concurrency_limit_per_connection(16)
            .add_service(health_service)
            .serve_with_incoming_shutdown(incoming(listener), async move {
                // Ends with the main server: on shutdown, or when it failed (sender dropped).
                let _ = stop_rx.wait_for(|stop| *stop).await;
            })
            .await
    };
    let (main, health_only) = tokio::join!(main, health_only);
    main.and(health_only)
}

/// The connections `listener` accepts, with Nagle's algorithm off: a unary answer is several small
/// HTTP/2 frames, and with it on, each answer waited for the client's delayed ACK (about 40 ms).
fn incoming(listener: TcpListener) -> TcpIncoming {
    TcpIncoming::from(listener).with_nodelay(Some(true))
}

/// Resolves on SIGTERM or Ctrl-C: what `main` hands to `serve` as its shutdown.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown signal received, draining");
}
