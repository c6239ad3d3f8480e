//! The storage service: owns Postgres (articles, entities, events and their actors, places, and the
//! queue of articles waiting for extraction) and serves it over gRPC. [`serve`] runs it on a
//! listener until shutdown; health turns SERVING only while Postgres answers.

mod cluster;
mod copy_text;
mod db;
mod decimal;
mod error;
pub mod export;
mod filter;
mod service;
mod tally;
mod write;

use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use marsad_runtime::{ServerLimits, ServingStatus};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::ConnectOptions;
use sqlx::PgPool;
use tokio::net::TcpListener;
use tonic::service::Routes;

pub use copy_text::escape_copy_field;
pub use db::{
    ExtractionRecord, NewArticle, PutOutcome, RequeueFilter, Stats, Store, StoredArticle,
    StoredCluster, StoredEvent, Timeline, TimelineBucket, TimelineGroup,
};
pub use error::StoreError;
pub use filter::{distance_km, EventFilter, PlaceFilter};

/// The schema migrations (the workspace's `migrations/`).
pub static MIGRATOR: Migrator = sqlx::migrate!("../../migrations");

/// The gRPC service name, as health and reflection report it.
pub const SERVICE_NAME: &str = marsad_proto::v1::storage_service_server::SERVICE_NAME;

/// How the storage service runs.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    pub database: PgConnectOptions,
    pub max_connections: u32,
    /// Apply pending migrations once Postgres answers.
    pub run_migrations: bool,
    pub limits: ServerLimits,
    /// How often health re-checks Postgres.
    pub health_interval: Duration,
}

impl StoreConfig {
    pub fn new(database: PgConnectOptions) -> Self {
        Self {
            database,
            max_connections: 16,
            run_migrations: true,
            limits: ServerLimits::default(),
            health_interval: Duration::from_secs(2),
        }
    }
}

/// Applies the migrations to the database at `database`.
pub async fn migrate(database: PgConnectOptions) -> Result<(), StoreError> {
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(database)
        .await?;
    MIGRATOR.run(&pool).await?;
    pool.close().await;
    Ok(())
}

/// Serves the storage API on `listener` until `shutdown` resolves, then drains.
pub async fn serve(
    listener: TcpListener,
    config: StoreConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), tonic::transport::Error> {
    // Every statement is planned for its own values: how often a word, an actor or a country
    // occurs decides between walking the log and using an index, and a plan cached for other
    // values can be a hundred times slower (planning costs about a millisecond).
    // A write waits for the event-write lock while other batches commit (1-2 s under a bulk
    // ingest): sqlx's default (WARN past 1 s) logged every such wait; 5 s is a real stall.
    let database = config
        .database
        .clone()
        .options([("plan_cache_mode", "force_custom_plan")])
        .log_slow_statements(log::LevelFilter::Warn, SLOW_STATEMENT);
    // A connection keeps the statements it prepared, with their result types: one prepared
    // before a migration changed a column (a collation, a type) fails with "cached plan must not
    // change result type" for as long as it lives. Connections opened before the migrations
    // finished are closed instead of reused.
    let migrated_at: Arc<OnceLock<Instant>> = Arc::new(OnceLock::new());
    if !config.run_migrations {
        let _ = migrated_at.set(Instant::now());
    }
    let schema_changed = migrated_at.clone();
    let pool = PgPoolOptions::new()
        .max_connections(config.max_connections)
        .min_connections(config.max_connections.min(WARM_CONNECTIONS))
        .acquire_timeout(Duration::from_secs(5))
        .after_connect(|conn, _| Box::pin(warm_up(conn)))
        .before_acquire(move |_, meta| {
            let current = schema_changed
                .get()
                .is_none_or(|at| meta.age <= at.elapsed());
            Box::pin(async move { Ok(current) })
        })
        .connect_lazy_with(database);
    let store = Store::new(pool.clone());
    let health = marsad_runtime::health(&[SERVICE_NAME]).await;

    let (closing_tx, closing_rx) = tokio::sync::watch::channel(false);
    let notifier = Arc::new(tokio::sync::Notify::new());
    let health_task = tokio::spawn(watch_database(
        pool.clone(),
        health.reporter.clone(),
        migrated_at.clone(),
        config.health_interval,
    ));
    let listen_task = tokio::spawn(db::listen_for_events(pool.clone(), notifier.clone()));
    let depth_task = tokio::spawn(report_queue_depth(pool.clone()));

    let service = service::StorageApi::new(store, notifier, closing_rx);
    let server = marsad_proto::v1::storage_service_server::StorageServiceServer::new(service)
        .max_decoding_message_size(config.limits.max_message_bytes)
        .max_encoding_message_size(config.limits.max_message_bytes);
    // No call reaches the database before its schema is the one the statements were written
    // for: a call during the migrations would prepare statements against the old schema.
    let server = tonic::service::interceptor::InterceptedService::new(
        server,
        move |request: tonic::Request<()>| match migrated_at.get() {
            Some(_) => Ok(request),
            None => Err(tonic::Status::unavailable(
                "storage is applying schema migrations; retry shortly",
            )),
        },
    );
    let shutdown = async move {
        shutdown.await;
        let _ = closing_tx.send(true);
    };
    let result = marsad_runtime::serve(
        listener,
        Routes::new(server),
        health,
        &config.limits,
        shutdown,
    )
    .await;
    health_task.abort();
    listen_task.abort();
    depth_task.abort();
    pool.close().await;
    result
}

/// A statement slower than this is logged as a warning.
const SLOW_STATEMENT: Duration = Duration::from_secs(5);

/// Connections kept open (and warmed up) while the service is idle.
const WARM_CONNECTIONS: u32 = 4;

/// Loads what a new Postgres backend loads on first use: the Arabic and English stemmers and stop
/// words, the search functions' plans (the statistics bound's takes ~8 ms), and the catalog
/// entries and statistics of the tables a page reads (planning a page). Together ~40 ms, which a
/// caller's first text search on each connection used to pay. Never fails the connection (before
/// migrations, nothing is there).
async fn warm_up(conn: &mut sqlx::PgConnection) -> Result<(), sqlx::Error> {
    for statement in [
        "select marsad_search_query('warm up'), marsad_search_vector('ar', 'تسخين'),
                marsad_search_vector('en', 'warm up'),
                marsad_article_share_bound(marsad_search_query('warm up'))",
        "explain select e.sequence, a.source, c.id from events e
            join articles a on a.id = e.article_id left join event_clusters c on c.id = e.cluster_id
         where a.search @@ marsad_search_query('warm up') and e.search @@ marsad_search_query('up')
         order by e.sequence limit 1",
    ] {
        if let Err(error) = sqlx::query(statement).execute(&mut *conn).await {
            tracing::debug!(%error, "connection warm-up skipped");
            break;
        }
    }
    Ok(())
}

/// Keeps health in step with Postgres: SERVING while `select 1` answers (after migrations, when
/// `migrated_at` is not yet set), NOT_SERVING otherwise. Sets `migrated_at` once the migrations
/// are applied.
async fn watch_database(
    pool: PgPool,
    reporter: marsad_runtime::HealthReporter,
    migrated_at: Arc<OnceLock<Instant>>,
    interval: Duration,
) {
    let mut last: Option<ServingStatus> = None;
    loop {
        let reachable = tokio::time::timeout(interval.max(Duration::from_secs(1)), async {
            sqlx::query("select 1").execute(&pool).await
        })
        .await;
        let mut status = match reachable {
            Ok(Ok(_)) => ServingStatus::Serving,
            Ok(Err(err)) => {
                if last != Some(ServingStatus::NotServing) {
                    tracing::warn!(error = %err, "postgres unreachable");
                }
                ServingStatus::NotServing
            }
            Err(_) => ServingStatus::NotServing,
        };
        if status == ServingStatus::Serving && migrated_at.get().is_none() {
            match MIGRATOR.run(&pool).await {
                Ok(()) => {
                    tracing::info!("migrations applied");
                    let _ = migrated_at.set(Instant::now());
                }
                Err(err) => {
                    tracing::error!(error = %err, "migrations failed");
                    status = ServingStatus::NotServing;
                }
            }
        }
        if last != Some(status) {
            tracing::info!(status = ?status, "storage health");
            marsad_runtime::set_status(&reporter, &[SERVICE_NAME], status).await;
            last = Some(status);
        }
        tokio::time::sleep(interval).await;
    }
}

/// Refreshes the `marsad_extraction_queue_depth` gauge every few seconds.
async fn report_queue_depth(pool: PgPool) {
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Ok(depth) = sqlx::query_scalar::<_, i64>("select count(*) from extraction_queue")
            .fetch_one(&pool)
            .await
        {
            marsad_runtime::metrics::set_queue_depth(u64::try_from(depth).unwrap_or(0));
        }
    }
}
