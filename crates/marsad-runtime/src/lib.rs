//! What every Marsad gRPC server shares: one tower stack (timeout, tracing, load shedding,
//! concurrency limit), message-size limits, `grpc.health.v1`, server reflection (v1 and v1alpha),
//! serving on a listener until a shutdown future resolves, and log set-up for binaries.

use std::future::Future;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::service::Routes;
use tonic::transport::Server;
use tower::ServiceBuilder;
use tower_http::trace::TraceLayer;

pub use tonic_health::server::HealthReporter;
pub use tonic_health::ServingStatus;

/// Limits applied to every RPC of a server.
#[derive(Debug, Clone)]
pub struct ServerLimits {
    /// Largest request or response message, in bytes.
    pub max_message_bytes: usize,
    /// Deadline for unary RPCs when the client sets none (streams are exempt: see `serve`).
    pub request_timeout: Duration,
    /// Requests in flight across the server before new ones are shed with ResourceExhausted.
    pub max_in_flight: usize,
    /// Concurrent HTTP/2 streams per connection.
    pub max_concurrent_streams: u32,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            max_message_bytes: 16 * 1024 * 1024,
            request_timeout: Duration::from_secs(120),
            max_in_flight: 512,
            max_concurrent_streams: 256,
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
    Health { reporter }
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
    let reflection_v1 = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(marsad_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()
        .expect("the API's descriptor set is valid");
    let reflection_v1alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(marsad_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha()
        .expect("the API's descriptor set is valid");

    let health_service = tonic_health::pb::health_server::HealthServer::new(
        tonic_health::server::HealthService::from_health_reporter(health.reporter),
    );
    let routes = routes
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha);

    let stack = ServiceBuilder::new()
        .layer(TraceLayer::new_for_grpc())
        .load_shed()
        .concurrency_limit(limits.max_in_flight)
        .into_inner();

    Server::builder()
        .timeout(limits.request_timeout)
        .max_concurrent_streams(limits.max_concurrent_streams)
        .http2_keepalive_interval(Some(Duration::from_secs(30)))
        .layer(stack)
        .add_routes(routes)
        .serve_with_incoming_shutdown(TcpListenerStream::new(listener), shutdown)
        .await
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

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// Installs the global subscriber: `RUST_LOG` filters (default `info`), logs go to stderr.
pub fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("info,sqlx=warn,h2=warn,tower=warn")
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
