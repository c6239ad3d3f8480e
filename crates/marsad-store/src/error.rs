//! The storage library's errors, and the one mapping of them to gRPC statuses. Database text never
//! reaches callers: SQLSTATEs are mapped to meaning and the detail goes to the log.

use marsad_proto::convert::InvalidField;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    InvalidArgument(String),
    #[error("{what} {id:?} not found")]
    NotFound { what: &'static str, id: String },
    #[error(transparent)]
    Field(#[from] InvalidField),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<StoreError> for tonic::Status {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::InvalidArgument(msg) => tonic::Status::invalid_argument(msg),
            StoreError::NotFound { .. } => tonic::Status::not_found(err.to_string()),
            StoreError::Field(field) => field.into(),
            StoreError::Database(db) => database_status(&db),
            StoreError::Migrate(m) => {
                tracing::error!(error = %m, "migration failed");
                tonic::Status::unavailable("the database schema is not ready")
            }
        }
    }
}

fn database_status(err: &sqlx::Error) -> tonic::Status {
    use sqlx::Error as E;
    match err {
        E::PoolTimedOut | E::PoolClosed | E::Io(_) | E::Tls(_) | E::Protocol(_) => {
            tracing::warn!(error = %err, "database unavailable");
            tonic::Status::unavailable("the database is unavailable; retry later")
        }
        E::RowNotFound => tonic::Status::not_found("not found"),
        E::Database(db) => {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            if matches!(code.as_str(), "42P01" | "42883") {
                // A table or function of the schema is missing: the migrations, which the service
                // applies once Postgres answers, have not run yet.
                tracing::info!(sqlstate = %code, error = %db, "database schema not ready");
                return tonic::Status::unavailable("the database schema is not ready; retry later");
            }
            tracing::warn!(sqlstate = %code, error = %db, "database rejected a statement");
            match code.as_str() {
                "23505" => tonic::Status::already_exists("the record already exists"),
                "23503" => tonic::Status::failed_precondition("a referenced record does not exist"),
                "23502" | "23514" => {
                    tonic::Status::invalid_argument("a required value is missing or out of range")
                }
                c if c.starts_with("22") => {
                    tonic::Status::invalid_argument("a value is out of range or malformed")
                }
                "40001" | "40P01" => tonic::Status::aborted("the transaction conflicted; retry"),
                "53300" | "57P01" | "57P02" | "57P03" => {
                    tonic::Status::unavailable("the database is unavailable; retry later")
                }
                _ => tonic::Status::internal("the database failed the request"),
            }
        }
        _ => {
            tracing::error!(error = %err, "database error");
            tonic::Status::internal("the database failed the request")
        }
    }
}
