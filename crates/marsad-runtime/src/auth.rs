//! Bearer-token authentication with scopes.
//!
//! Tokens come from a file (`MARSAD_AUTH_TOKENS_FILE`) or an inline value (`MARSAD_AUTH_TOKENS`),
//! one token a line:
//!
//! ```text
//! # token (or sha256:<hex of the token's SHA-256>)   scopes            client name
//! sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08  ingest,read  newsroom-feeder
//! s3cr3t-token-for-the-ingest-service                                       admin        ingest-service
//! ```
//!
//! Only SHA-256 digests are kept in memory; a presented token is hashed and compared with every
//! entry in constant time. Scopes: `ingest` (IngestService), `read` (StorageService queries),
//! `extract` (ExtractionService), `admin` (everything, including StorageService writes and the
//! queue: the service-to-service scope).

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// What a token allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// IngestService.
    Ingest,
    /// StorageService queries: List*, Get*, Watch*, Stats, Export*, Search*.
    Read,
    /// ExtractionService.
    Extract,
    /// Everything: StorageService writes and the extraction queue (service to service).
    Admin,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Ingest => "ingest",
            Scope::Read => "read",
            Scope::Extract => "extract",
            Scope::Admin => "admin",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Scope {
    type Err = AuthConfigError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ingest" => Ok(Scope::Ingest),
            "read" => Ok(Scope::Read),
            "extract" => Ok(Scope::Extract),
            "admin" => Ok(Scope::Admin),
            other => Err(AuthConfigError::Line(format!("unknown scope {other:?}"))),
        }
    }
}

/// Paths any caller reaches without a token: health (probes) and reflection (grpcurl).
pub fn is_public(path: &str) -> bool {
    path.starts_with("/grpc.health.v1.Health/")
        || path.starts_with("/grpc.reflection.v1.ServerReflection/")
        || path.starts_with("/grpc.reflection.v1alpha.ServerReflection/")
}

/// The scope an RPC needs, from its path `/package.Service/Method`. Unknown services and
/// StorageService methods that are not queries need `admin` (fail closed).
pub fn required_scope(path: &str) -> Scope {
    let mut parts = path.trim_start_matches('/').splitn(2, '/');
    let service = parts.next().unwrap_or("");
    let method = parts.next().unwrap_or("");
    match service {
        "marsad.v1.IngestService" => Scope::Ingest,
        "marsad.v1.ExtractionService" => Scope::Extract,
        "marsad.v1.StorageService" => {
            const READ_PREFIXES: [&str; 8] = [
                "List", "Get", "Watch", "Stats", "Export", "Search", "Query", "Count",
            ];
            if READ_PREFIXES.iter().any(|p| method.starts_with(p)) {
                Scope::Read
            } else {
                Scope::Admin
            }
        }
        _ => Scope::Admin,
    }
}

/// A client allowed in: its name (for logs, metrics and rate limits) and scopes.
#[derive(Clone, PartialEq, Eq)]
pub struct Principal {
    pub client: String,
    pub scopes: BTreeSet<Scope>,
}

impl fmt::Debug for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Principal")
            .field("client", &self.client)
            .field("scopes", &self.scopes)
            .finish()
    }
}

impl Principal {
    pub fn allows(&self, scope: Scope) -> bool {
        self.scopes.contains(&Scope::Admin) || self.scopes.contains(&scope)
    }
}

struct Entry {
    digest: [u8; 32],
    principal: Principal,
}

/// The known tokens (their digests only).
pub struct TokenStore {
    entries: Vec<Entry>,
}

impl fmt::Debug for TokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenStore")
            .field("clients", &self.entries.len())
            .finish_non_exhaustive()
    }
}

/// A token configuration that cannot be used. Never contains a token.
#[derive(Debug, thiserror::Error)]
pub enum AuthConfigError {
    #[error("cannot read the tokens file {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("tokens: {0}")]
    Line(String),
    #[error("tokens: no token configured")]
    Empty,
}

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denied {
    /// No usable `authorization: Bearer` header, or an unknown token.
    Unauthenticated(&'static str),
    /// A known client without the scope the RPC needs.
    PermissionDenied { client: String, needs: Scope },
}

/// The SHA-256 digest of a token, as `sha256:<hex>` for a tokens file.
pub fn token_digest(token: &str) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(token.as_bytes())))
}

impl TokenStore {
    /// Parses the tokens format (see the module docs). Lines may also be separated by `;`.
    pub fn parse(text: &str) -> Result<Self, AuthConfigError> {
        let mut entries = Vec::new();
        for (n, line) in text.split(['\n', ';']).enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.len() != 3 {
                return Err(AuthConfigError::Line(format!(
                    "entry {}: expected `token scopes client-name`, found {} fields",
                    n + 1,
                    fields.len()
                )));
            }
            let digest = match fields[0].strip_prefix("sha256:") {
                Some(hexed) => {
                    let bytes = hex::decode(hexed).map_err(|_| {
                        AuthConfigError::Line(format!("entry {}: sha256 digest is not hex", n + 1))
                    })?;
                    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
                        AuthConfigError::Line(format!(
                            "entry {}: sha256 digest must be 32 bytes",
                            n + 1
                        ))
                    })?
                }
                None => {
                    if fields[0].len() < 16 {
                        return Err(AuthConfigError::Line(format!(
                            "entry {}: a token must be at least 16 characters",
                            n + 1
                        )));
                    }
                    Sha256::digest(fields[0].as_bytes()).into()
                }
            };
            let scopes = fields[1]
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::parse)
                .collect::<Result<BTreeSet<Scope>, _>>()?;
            if scopes.is_empty() {
                return Err(AuthConfigError::Line(format!("entry {}: no scope", n + 1)));
            }
            entries.push(Entry {
                digest,
                principal: Principal {
                    client: fields[2].to_owned(),
                    scopes,
                },
            });
        }
        if entries.is_empty() {
            return Err(AuthConfigError::Empty);
        }
        Ok(Self { entries })
    }

    pub fn from_file(path: &Path) -> Result<Self, AuthConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| AuthConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text)
    }

    /// The client a token belongs to. Compares against every entry in constant time.
    pub fn lookup(&self, token: &str) -> Option<&Principal> {
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let mut found = None;
        for entry in &self.entries {
            if bool::from(entry.digest.ct_eq(&digest)) && found.is_none() {
                found = Some(&entry.principal);
            }
        }
        found
    }

    /// Checks the `authorization` header value of a request to `path`.
    pub fn authorize(&self, header: Option<&[u8]>, path: &str) -> Result<&Principal, Denied> {
        let header = header.ok_or(Denied::Unauthenticated("missing bearer token"))?;
        let header = std::str::from_utf8(header)
            .map_err(|_| Denied::Unauthenticated("malformed authorization header"))?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(Denied::Unauthenticated(
                "expected `authorization: Bearer <token>`",
            ))?;
        let principal = self
            .lookup(token)
            .ok_or(Denied::Unauthenticated("invalid token"))?;
        let needs = required_scope(path);
        if principal.allows(needs) {
            Ok(principal)
        } else {
            Err(Denied::PermissionDenied {
                client: principal.client.clone(),
                needs,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# comment\n\
        feeder-token-0123456789 ingest feeder\n\
        reader-token-0123456789 read,extract analyst\n\
        admin-token-01234567890 admin ingest-service\n";

    #[test]
    fn scopes_of_paths() {
        assert_eq!(
            required_scope("/marsad.v1.IngestService/IngestBatch"),
            Scope::Ingest
        );
        assert_eq!(
            required_scope("/marsad.v1.StorageService/ListEvents"),
            Scope::Read
        );
        assert_eq!(
            required_scope("/marsad.v1.StorageService/WatchEvents"),
            Scope::Read
        );
        assert_eq!(
            required_scope("/marsad.v1.StorageService/GetArticle"),
            Scope::Read
        );
        assert_eq!(
            required_scope("/marsad.v1.StorageService/Stats"),
            Scope::Read
        );
        assert_eq!(
            required_scope("/marsad.v1.StorageService/PutArticle"),
            Scope::Admin
        );
        assert_eq!(
            required_scope("/marsad.v1.StorageService/ClaimPending"),
            Scope::Admin
        );
        assert_eq!(
            required_scope("/marsad.v1.StorageService/ReleasePending"),
            Scope::Admin
        );
        assert_eq!(
            required_scope("/marsad.v1.ExtractionService/Extract"),
            Scope::Extract
        );
        assert_eq!(required_scope("/other.Service/X"), Scope::Admin);
        assert!(is_public("/grpc.health.v1.Health/Check"));
        assert!(is_public(
            "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"
        ));
        assert!(!is_public("/marsad.v1.StorageService/Stats"));
    }

    #[test]
    fn tokens_plain_and_hashed() {
        let hashed = format!(
            "{} ingest,read hashed\n",
            token_digest("hashed-token-0123456789")
        );
        let store = TokenStore::parse(&format!("{FILE}{hashed}")).unwrap();
        let p = store.lookup("hashed-token-0123456789").unwrap();
        assert_eq!(p.client, "hashed");
        assert!(p.allows(Scope::Read) && p.allows(Scope::Ingest) && !p.allows(Scope::Admin));
        assert!(store.lookup("feeder-token-012345678").is_none());
        let admin = store.lookup("admin-token-01234567890").unwrap();
        assert!(admin.allows(Scope::Extract) && admin.allows(Scope::Read));
    }

    #[test]
    fn authorize_outcomes() {
        let store = TokenStore::parse(FILE).unwrap();
        let put = "/marsad.v1.StorageService/PutArticle";
        let list = "/marsad.v1.StorageService/ListEvents";
        assert!(matches!(
            store.authorize(None, list),
            Err(Denied::Unauthenticated(_))
        ));
        assert!(matches!(
            store.authorize(Some(b"Basic abc"), list),
            Err(Denied::Unauthenticated(_))
        ));
        assert!(matches!(
            store.authorize(Some(b"Bearer nope-nope-nope-nope"), list),
            Err(Denied::Unauthenticated("invalid token"))
        ));
        assert_eq!(
            store
                .authorize(Some(b"Bearer reader-token-0123456789"), list)
                .unwrap()
                .client,
            "analyst"
        );
        assert_eq!(
            store.authorize(Some(b"Bearer reader-token-0123456789"), put),
            Err(Denied::PermissionDenied {
                client: "analyst".into(),
                needs: Scope::Admin
            })
        );
        assert!(store
            .authorize(Some(b"Bearer admin-token-01234567890"), put)
            .is_ok());
    }

    #[test]
    fn bad_files() {
        assert!(matches!(
            TokenStore::parse("# nothing\n"),
            Err(AuthConfigError::Empty)
        ));
        assert!(TokenStore::parse("short read c").is_err());
        assert!(TokenStore::parse("long-enough-token-123 write c").is_err());
        assert!(TokenStore::parse("sha256:abcd read c").is_err());
        let err = TokenStore::parse("long-enough-token-123 read").unwrap_err();
        assert!(
            !err.to_string().contains("long-enough"),
            "errors never echo a token"
        );
    }
}
