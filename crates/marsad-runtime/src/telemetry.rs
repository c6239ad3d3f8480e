//! Logging set-up for binaries, and OpenTelemetry export of spans over OTLP/gRPC (tonic), switched
//! on by `MARSAD_OTLP_ENDPOINT` (e.g. `http://otel-collector:4317`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// The environment variable that switches OTLP export on.
pub const OTLP_ENDPOINT_ENV: &str = "MARSAD_OTLP_ENDPOINT";

static OTEL_ON: AtomicBool = AtomicBool::new(false);
static PROVIDER: OnceLock<(SdkTracerProvider, tokio::runtime::Runtime)> = OnceLock::new();

pub(crate) fn otel_enabled() -> bool {
    OTEL_ON.load(Ordering::Relaxed)
}

/// Builds the OTLP exporter on a small runtime of its own (so this works before or outside the
/// caller's runtime).
fn otel_provider(endpoint: &str, service_name: &str) -> Result<SdkTracerProvider, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("otlp-export")
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let provider = {
        let _guard = runtime.enter();
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_tonic()
            .with_endpoint(endpoint)
            .build()
            .map_err(|e| e.to_string())?;
        SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(
                opentelemetry_sdk::Resource::builder()
                    .with_service_name(service_name.to_owned())
                    .build(),
            )
            .build()
    };
    let _ = PROVIDER.set((provider.clone(), runtime));
    Ok(provider)
}

/// Installs the global subscriber: `RUST_LOG` filters (default `info`), logs go to stderr. When
/// `MARSAD_OTLP_ENDPOINT` is set, spans are also exported over OTLP/gRPC and W3C trace context is
/// propagated in gRPC metadata.
pub fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("info,sqlx=warn,h2=warn,tower=warn")
    });
    let otel = std::env::var(OTLP_ENDPOINT_ENV)
        .ok()
        .filter(|e| !e.trim().is_empty())
        .and_then(|endpoint| {
            let name = std::env::var("OTEL_SERVICE_NAME").unwrap_or_else(|_| "marsad".into());
            match otel_provider(endpoint.trim(), &name) {
                Ok(provider) => {
                    opentelemetry::global::set_text_map_propagator(
                        opentelemetry_sdk::propagation::TraceContextPropagator::new(),
                    );
                    OTEL_ON.store(true, Ordering::Relaxed);
                    Some(tracing_opentelemetry::layer().with_tracer(provider.tracer("marsad")))
                }
                Err(err) => {
                    eprintln!("marsad: OTLP export disabled: {err}");
                    None
                }
            }
        });
    let registry = tracing_subscriber::registry().with(filter).with(otel);
    // Colour only on a terminal: logs sent to files and collectors stay plain text.
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let _ = match format {
        LogFormat::Json => registry.with(fmt.json()).try_init(),
        LogFormat::Text => registry.with(fmt).try_init(),
    };
}

/// Flushes and stops the OTLP exporter (if any): call before the process exits.
pub fn shutdown_telemetry() {
    if let Some((provider, _)) = PROVIDER.get() {
        let _ = provider.shutdown();
    }
}
