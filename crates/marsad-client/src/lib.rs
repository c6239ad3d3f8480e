//! Typed clients for the three Marsad services, for other Rust services and the `marsad` CLI.
//!
//! Each client holds a lazily connected channel (cheap to clone; it reconnects by itself) and
//! retries a unary call with jittered exponential backoff while the server answers Unavailable.
//! Every Marsad RPC is idempotent, so a retry never duplicates anything. Streaming calls are not
//! retried: the caller owns the stream and resumes it (e.g. `WatchEvents` from the last sequence).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use marsad_client::{ClientConfig, StorageClient};
//! let storage = StorageClient::connect(ClientConfig::new("http://127.0.0.1:50053"))?;
//! let page = storage.list_events(Default::default()).await?;
//! println!("{} events", page.events.len());
//! # Ok(()) }
//! ```

use std::future::Future;
use std::time::Duration;

use marsad_proto::v1::extraction_service_client::ExtractionServiceClient;
use marsad_proto::v1::ingest_service_client::IngestServiceClient;
use marsad_proto::v1::storage_service_client::StorageServiceClient;
use marsad_proto::{relay, v1};
use rand::Rng;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};
use tonic::{Code, Status, Streaming};

pub use marsad_proto::v1 as proto;

/// Default addresses of the services on a local machine.
pub const DEFAULT_INGEST_URL: &str = "http://127.0.0.1:50051";
pub const DEFAULT_EXTRACTION_URL: &str = "http://127.0.0.1:50052";
pub const DEFAULT_STORAGE_URL: &str = "http://127.0.0.1:50053";

/// A connection setting that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("invalid endpoint {url:?}: {source}")]
    Endpoint {
        url: String,
        #[source]
        source: tonic::transport::Error,
    },
    #[error("cannot read {what} {path}: {source}")]
    File {
        what: &'static str,
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the bearer token is not a valid header value")]
    Token,
}

/// TLS towards a service: the CA that its certificate chains to, and this client's certificate
/// and key for mutual TLS.
#[derive(Clone, Default)]
pub struct ClientTls {
    /// PEM CA certificate(s); None: the system's roots are not loaded, so set it.
    pub ca_pem: Option<Vec<u8>>,
    /// PEM certificate chain and key presented to servers that require client certificates.
    pub identity: Option<(Vec<u8>, Vec<u8>)>,
    /// The name to check the server's certificate against (default: the URL's host).
    pub domain: Option<String>,
}

impl std::fmt::Debug for ClientTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientTls")
            .field("ca", &self.ca_pem.is_some())
            .field("client_certificate", &self.identity.is_some())
            .field("domain", &self.domain)
            .finish()
    }
}

fn read_file(what: &'static str, path: &std::path::Path) -> Result<Vec<u8>, ClientError> {
    std::fs::read(path).map_err(|source| ClientError::File {
        what,
        path: path.display().to_string(),
        source,
    })
}

impl ClientTls {
    /// Reads the PEM files: a CA, and optionally a client certificate and key (mutual TLS).
    pub fn from_files(
        ca: Option<&std::path::Path>,
        cert_and_key: Option<(&std::path::Path, &std::path::Path)>,
    ) -> Result<Self, ClientError> {
        Ok(Self {
            ca_pem: ca.map(|p| read_file("CA certificate", p)).transpose()?,
            identity: match cert_and_key {
                Some((cert, key)) => Some((
                    read_file("client certificate", cert)?,
                    read_file("client key", key)?,
                )),
                None => None,
            },
            domain: None,
        })
    }

    fn config(&self) -> ClientTlsConfig {
        let mut config = ClientTlsConfig::new();
        if let Some(ca) = &self.ca_pem {
            config = config.ca_certificate(Certificate::from_pem(ca));
        }
        if let Some((cert, key)) = &self.identity {
            config = config.identity(Identity::from_pem(cert, key));
        }
        if let Some(domain) = &self.domain {
            config = config.domain_name(domain.clone());
        }
        config
    }
}

/// When and how often to retry a call that failed with Unavailable.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 disables retries.
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 6,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// No retries.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The pause before attempt `attempt + 1` (full jitter).
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.max_backoff);
        let millis = u64::try_from(exp.as_millis()).unwrap_or(u64::MAX).max(1);
        Duration::from_millis(rand::rng().random_range(millis / 2..=millis))
    }

    /// Runs `call` until it succeeds, fails with a code other than Unavailable, or the attempts run out.
    pub async fn run<T, F, Fut>(&self, mut call: F) -> Result<T, Status>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Status>>,
    {
        let mut attempt = 0;
        loop {
            match call().await {
                Err(status)
                    if status.code() == Code::Unavailable && attempt + 1 < self.max_attempts =>
                {
                    let pause = self.backoff(attempt);
                    tracing::debug!(
                        attempt,
                        pause_ms = pause.as_millis() as u64,
                        message = status.message(),
                        "unavailable, retrying"
                    );
                    tokio::time::sleep(pause).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }
}

/// Where a service is and how to talk to it.
#[derive(Clone)]
pub struct ClientConfig {
    /// e.g. `http://127.0.0.1:50051`.
    pub url: String,
    pub connect_timeout: Duration,
    /// Deadline of each unary attempt.
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    /// Largest message sent or received, in bytes.
    pub max_message_bytes: usize,
    /// TLS (an `http://` URL is then spoken as `https://`); None: plaintext.
    pub tls: Option<ClientTls>,
    /// Bearer token sent as `authorization: Bearer <token>` on every call.
    pub token: Option<String>,
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("url", &self.url)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("retry", &self.retry)
            .field("max_message_bytes", &self.max_message_bytes)
            .field("tls", &self.tls)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl ClientConfig {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            connect_timeout: Duration::from_secs(3),
            request_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            max_message_bytes: 16 * 1024 * 1024,
            tls: None,
            token: None,
        }
    }

    /// The URL as dialled: `https://` when TLS is on.
    pub fn effective_url(&self) -> String {
        match (&self.tls, self.url.strip_prefix("http://")) {
            (Some(_), Some(rest)) => format!("https://{rest}"),
            _ => self.url.clone(),
        }
    }

    fn endpoint(&self) -> Result<Endpoint, ClientError> {
        let url = self.effective_url();
        let endpoint_error = |source| ClientError::Endpoint {
            url: url.clone(),
            source,
        };
        let mut endpoint = Endpoint::from_shared(url.clone()).map_err(endpoint_error)?;
        if let Some(tls) = &self.tls {
            endpoint = endpoint.tls_config(tls.config()).map_err(endpoint_error)?;
        }
        Ok(endpoint)
    }

    fn metadata(&self) -> Result<Metadata, ClientError> {
        let token = match &self.token {
            Some(token) => Some(
                tonic::metadata::MetadataValue::try_from(format!("Bearer {token}"))
                    .map_err(|_| ClientError::Token)?,
            ),
            None => None,
        };
        Ok(Metadata { token })
    }

    fn channel(&self) -> Result<Channel, ClientError> {
        let endpoint = self.endpoint()?;
        Ok(endpoint
            .connect_timeout(self.connect_timeout)
            .tcp_nodelay(true)
            .http2_keep_alive_interval(Duration::from_secs(30))
            .keep_alive_while_idle(true)
            .connect_lazy())
    }
}

/// What every outgoing request carries: the bearer token (marked sensitive), and, from the
/// context, the request id and trace context of the RPC being served.
#[derive(Clone, Default)]
struct Metadata {
    token: Option<tonic::metadata::MetadataValue<tonic::metadata::Ascii>>,
}

impl std::fmt::Debug for Metadata {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metadata").finish_non_exhaustive()
    }
}

impl Metadata {
    fn apply<T>(&self, mut request: tonic::Request<T>) -> tonic::Request<T> {
        if let Some(token) = &self.token {
            let mut token = token.clone();
            token.set_sensitive(true);
            request.metadata_mut().insert("authorization", token);
        }
        marsad_runtime::context::inject(request.metadata_mut());
        request
    }

    fn request<T>(&self, message: T, timeout: Duration) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        request.set_timeout(timeout);
        self.apply(request)
    }
}

macro_rules! unary {
    // The call, retried by the client's policy: each attempt sends a copy of the message.
    (@call $client:ident $name:ident $message:ident) => {{
        let timeout = $client.config.request_timeout;
        $client
            .config
            .retry
            .run(|| {
                let mut inner = $client.inner.clone();
                let request = $client.metadata.request($message.clone(), timeout);
                async move { inner.$name(request).await.map(tonic::Response::into_inner) }
            })
            .await
    }};
    ($(#[$doc:meta])* $name:ident($req:ty) -> $resp:ty) => {
        $(#[$doc])*
        pub async fn $name(&self, message: $req) -> Result<$resp, Status> {
            unary!(@call self $name message)
        }
    };
}

/// A request message encoded once: every attempt of a retried call sends these bytes (a copy of
/// the message per attempt cost more, in allocations, than its encoding).
#[derive(Clone)]
struct Encoded(prost::bytes::Bytes);

impl Encoded {
    fn of(message: &impl prost::Message) -> Self {
        Self(message.encode_to_vec().into())
    }
}

/// Writes [`Encoded`] requests as they are; decodes responses with prost.
struct EncodedCodec<R>(std::marker::PhantomData<R>);

impl<R> Default for EncodedCodec<R> {
    fn default() -> Self {
        Self(std::marker::PhantomData)
    }
}

struct EncodedEncoder;

impl tonic::codec::Encoder for EncodedEncoder {
    type Item = Encoded;
    type Error = Status;

    fn encode(
        &mut self,
        item: Encoded,
        dst: &mut tonic::codec::EncodeBuf<'_>,
    ) -> Result<(), Status> {
        prost::bytes::BufMut::put_slice(dst, &item.0);
        Ok(())
    }
}

impl<R: prost::Message + Default + Send + 'static> tonic::codec::Codec for EncodedCodec<R> {
    type Encode = Encoded;
    type Decode = R;
    type Encoder = EncodedEncoder;
    type Decoder = tonic_prost::ProstDecoder<R>;

    fn encoder(&mut self) -> Self::Encoder {
        EncodedEncoder
    }

    fn decoder(&mut self) -> Self::Decoder {
        tonic_prost::ProstDecoder::default()
    }
}

/// A unary call of `service`/`method` with an [`Encoded`] request, retried by `retry`.
async fn call_encoded<R: prost::Message + Default + Send + 'static>(
    grpc: &tonic::client::Grpc<Channel>,
    config: &ClientConfig,
    metadata: &Metadata,
    (service, method): (&'static str, &'static str),
    path: &'static str,
    message: Encoded,
) -> Result<R, Status> {
    let timeout = config.request_timeout;
    config
        .retry
        .run(|| {
            let mut grpc = grpc.clone();
            let mut request = metadata.request(message.clone(), timeout);
            request
                .extensions_mut()
                .insert(tonic::GrpcMethod::new(service, method));
            async move {
                grpc.ready()
                    .await
                    .map_err(|e| Status::unknown(format!("Service was not ready: {e}")))?;
                grpc.unary(
                    request,
                    tonic::codegen::http::uri::PathAndQuery::from_static(path),
                    EncodedCodec::<R>::default(),
                )
                .await
                .map(tonic::Response::into_inner)
            }
        })
        .await
}

/// A client of a method whose request is sent [`Encoded`]: by value, or (`by_ref`) by reference
/// for a caller that still needs the message after the call.
macro_rules! encoded {
    (@call $client:ident $service:literal $method:literal $encoded:ident) => {
        call_encoded(
            &$client.grpc,
            &$client.config,
            &$client.metadata,
            ($service, $method),
            concat!("/", $service, "/", $method),
            $encoded,
        )
        .await
    };
    ($service:literal, $method:literal, $(#[$doc:meta])* $name:ident($req:ty) -> $resp:ty) => {
        $(#[$doc])*
        pub async fn $name(&self, message: $req) -> Result<$resp, Status> {
            let encoded = Encoded::of(&message);
            drop(message);
            encoded!(@call self $service $method encoded)
        }
    };
    (by_ref $service:literal, $method:literal, $(#[$doc:meta])* $name:ident($req:ty) -> $resp:ty) => {
        $(#[$doc])*
        pub async fn $name(&self, message: &$req) -> Result<$resp, Status> {
            let encoded = Encoded::of(message);
            encoded!(@call self $service $method encoded)
        }
    };
}

/// The raw gRPC client over `channel`, with the configured message limits.
fn grpc(channel: Channel, config: &ClientConfig) -> tonic::client::Grpc<Channel> {
    tonic::client::Grpc::new(channel)
        .max_decoding_message_size(config.max_message_bytes)
        .max_encoding_message_size(config.max_message_bytes)
}

/// Client of `marsad.v1.IngestService`.
#[derive(Debug, Clone)]
pub struct IngestClient {
    inner: IngestServiceClient<Channel>,
    config: ClientConfig,
    metadata: Metadata,
}

impl IngestClient {
    pub fn connect(config: ClientConfig) -> Result<Self, ClientError> {
        let inner = IngestServiceClient::new(config.channel()?)
            .max_decoding_message_size(config.max_message_bytes)
            .max_encoding_message_size(config.max_message_bytes);
        let metadata = config.metadata()?;
        Ok(Self {
            inner,
            config,
            metadata,
        })
    }

    unary!(
        /// Ingests one article; once this returns Ok, the article is stored.
        ingest_article(v1::IngestArticleRequest) -> v1::IngestArticleResponse
    );

    /// Streams a batch; one result per item, in order. Not retried (the stream is consumed).
    pub async fn ingest_batch(
        &self,
        items: impl futures::Stream<Item = v1::IngestArticleRequest> + Send + 'static,
    ) -> Result<v1::IngestBatchResponse, Status> {
        let mut inner = self.inner.clone();
        inner
            .ingest_batch(self.metadata.apply(tonic::Request::new(items)))
            .await
            .map(tonic::Response::into_inner)
    }
}

/// Client of `marsad.v1.ExtractionService`.
#[derive(Debug, Clone)]
pub struct ExtractionClient {
    inner: ExtractionServiceClient<Channel>,
    /// The same channel, for the calls whose request is sent [`Encoded`].
    grpc: tonic::client::Grpc<Channel>,
    config: ClientConfig,
    metadata: Metadata,
}

impl ExtractionClient {
    pub fn connect(config: ClientConfig) -> Result<Self, ClientError> {
        let channel = config.channel()?;
        let inner = ExtractionServiceClient::new(channel.clone())
            .max_decoding_message_size(config.max_message_bytes)
            .max_encoding_message_size(config.max_message_bytes);
        let metadata = config.metadata()?;
        Ok(Self {
            inner,
            grpc: grpc(channel, &config),
            config,
            metadata,
        })
    }

    unary!(
        /// Extracts entities and events from one document.
        extract(v1::ExtractRequest) -> v1::ExtractResponse
    );
    unary!(engine_info(v1::EngineInfoRequest) -> v1::EngineInfoResponse);
    encoded!(
        "marsad.v1.ExtractionService", "ExtractBatch",
        /// Extracts many documents at once; one result per document, in order.
        extract_batch(v1::ExtractBatchRequest) -> v1::ExtractBatchResponse
    );
    encoded!(
        "marsad.v1.ExtractionService", "ExtractBatch",
        /// [`ExtractionClient::extract_batch`] for a caller that passes the entities and events on
        /// to Storage without reading them: they stay encoded.
        extract_batch_relayed(v1::ExtractBatchRequest) -> relay::ExtractBatchResponse
    );
}

/// Client of `marsad.v1.StorageService`.
#[derive(Debug, Clone)]
pub struct StorageClient {
    inner: StorageServiceClient<Channel>,
    /// The same channel, for the calls whose request is sent [`Encoded`].
    grpc: tonic::client::Grpc<Channel>,
    config: ClientConfig,
    metadata: Metadata,
}

impl StorageClient {
    pub fn connect(config: ClientConfig) -> Result<Self, ClientError> {
        let channel = config.channel()?;
        let inner = StorageServiceClient::new(channel.clone())
            .max_decoding_message_size(config.max_message_bytes)
            .max_encoding_message_size(config.max_message_bytes);
        let metadata = config.metadata()?;
        Ok(Self {
            inner,
            grpc: grpc(channel, &config),
            config,
            metadata,
        })
    }

    unary!(put_article(v1::PutArticleRequest) -> v1::PutArticleResponse);
    unary!(get_article(v1::GetArticleRequest) -> v1::Article);
    unary!(put_extraction(v1::PutExtractionRequest) -> v1::PutExtractionResponse);
    encoded!(
        by_ref "marsad.v1.StorageService", "PutArticles",
        /// Stores many articles in one transaction; one result per item, in order.
        put_articles(v1::PutArticlesRequest) -> v1::PutArticlesResponse
    );
    encoded!(
        by_ref "marsad.v1.StorageService", "PutExtractions",
        /// PutExtraction for many articles in one transaction.
        put_extractions(v1::PutExtractionsRequest) -> v1::PutExtractionsResponse
    );
    encoded!(
        by_ref "marsad.v1.StorageService", "PutExtractions",
        /// [`StorageClient::put_extractions`] of entities and events as Extraction encoded them.
        put_extractions_relayed(relay::PutExtractionsRequest) -> v1::PutExtractionsResponse
    );
    unary!(claim_pending(v1::ClaimPendingRequest) -> v1::ClaimPendingResponse);
    unary!(release_pending(v1::ReleasePendingRequest) -> v1::ReleasePendingResponse);
    unary!(
        /// One page of events; pass `next_page_token` back for the next.
        list_events(v1::ListEventsRequest) -> v1::ListEventsResponse
    );
    unary!(stats(v1::StatsRequest) -> v1::StatsResponse);

    /// Streams new events matching the filter. Resume after a disconnect with `after_sequence` set
    /// to the last event's sequence.
    pub async fn watch_events(
        &self,
        message: v1::WatchEventsRequest,
    ) -> Result<Streaming<v1::Event>, Status> {
        let mut inner = self.inner.clone();
        inner
            .watch_events(self.metadata.apply(tonic::Request::new(message)))
            .await
            .map(tonic::Response::into_inner)
    }
}

/// Asks a server's `grpc.health.v1` whether `service` ("" for the whole server) is SERVING.
pub async fn is_serving(url: &str, service: &str) -> Result<bool, Status> {
    let endpoint = Endpoint::from_shared(url.to_owned())
        .map_err(|e| Status::invalid_argument(format!("invalid endpoint {url:?}: {e}")))?
        .connect_timeout(Duration::from_secs(2));
    let channel = endpoint
        .connect()
        .await
        .map_err(|e| Status::unavailable(format!("cannot connect to {url}: {e}")))?;
    health_of(channel, service).await
}

/// Asks `grpc.health.v1` of the service `config` points at (with its TLS, if any) whether
/// `service` ("" for the whole server) is SERVING.
pub async fn health_check(config: &ClientConfig, service: &str) -> Result<bool, Status> {
    let endpoint = config
        .endpoint()
        .map_err(|e| Status::invalid_argument(e.to_string()))?
        .connect_timeout(config.connect_timeout.min(Duration::from_secs(2)));
    let channel = endpoint.connect().await.map_err(|e| {
        Status::unavailable(format!("cannot connect to {}: {e}", config.effective_url()))
    })?;
    health_of(channel, service).await
}

/// Health of `service` on an open channel.
pub async fn health_of(channel: Channel, service: &str) -> Result<bool, Status> {
    use tonic_health::pb::{health_client::HealthClient, HealthCheckRequest};
    let mut client = HealthClient::new(channel);
    let mut request = tonic::Request::new(HealthCheckRequest {
        service: service.to_owned(),
    });
    request.set_timeout(Duration::from_secs(2));
    let response = client.check(request).await?.into_inner();
    Ok(response.status == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn retries_unavailable_then_succeeds() {
        let policy = RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
        };
        let calls = AtomicU32::new(0);
        let result = policy
            .run(|| async {
                let n = calls.fetch_add(1, Ordering::SeqCst);
                if n < 2 {
                    Err(Status::unavailable("down"))
                } else {
                    Ok(n)
                }
            })
            .await;
        assert_eq!(result.unwrap(), 2);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn does_not_retry_other_codes_and_gives_up() {
        let policy = RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(1),
        };
        let calls = AtomicU32::new(0);
        let bad: Result<(), _> = policy
            .run(|| async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(Status::invalid_argument("bad"))
            })
            .await;
        assert_eq!(bad.unwrap_err().code(), Code::InvalidArgument);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        calls.store(0, Ordering::SeqCst);
        let down: Result<(), _> = policy
            .run(|| async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(Status::unavailable("down"))
            })
            .await;
        assert_eq!(down.unwrap_err().code(), Code::Unavailable);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }
}
