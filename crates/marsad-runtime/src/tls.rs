//! TLS for the gRPC listeners (rustls through tonic's `tls-ring`), mutual when a client CA is set.

use std::fmt;
use std::path::Path;

use tonic::transport::{Certificate, Identity, ServerTlsConfig};

/// A server's certificate chain and key (PEM), and the CA that client certificates must chain to
/// (mutual TLS) when set.
#[derive(Clone)]
pub struct ServerTls {
    pub cert_pem: Vec<u8>,
    pub key_pem: Vec<u8>,
    pub client_ca_pem: Option<Vec<u8>>,
}

impl fmt::Debug for ServerTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerTls")
            .field("cert_pem", &format_args!("{} bytes", self.cert_pem.len()))
            .field("key_pem", &"<redacted>")
            .field("mutual", &self.client_ca_pem.is_some())
            .finish()
    }
}

/// A TLS file that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("cannot read {what} {path}: {source}")]
pub struct TlsFileError {
    what: &'static str,
    path: String,
    #[source]
    source: std::io::Error,
}

/// Reads a PEM file, naming it in the error.
pub fn read_pem(what: &'static str, path: &Path) -> Result<Vec<u8>, TlsFileError> {
    std::fs::read(path).map_err(|source| TlsFileError {
        what,
        path: path.display().to_string(),
        source,
    })
}

impl ServerTls {
    pub fn from_files(
        cert: &Path,
        key: &Path,
        client_ca: Option<&Path>,
    ) -> Result<Self, TlsFileError> {
        Ok(Self {
            cert_pem: read_pem("TLS certificate", cert)?,
            key_pem: read_pem("TLS key", key)?,
            client_ca_pem: client_ca
                .map(|p| read_pem("TLS client CA", p))
                .transpose()?,
        })
    }

    pub(crate) fn config(&self) -> ServerTlsConfig {
        let mut config =
            ServerTlsConfig::new().identity(Identity::from_pem(&self.cert_pem, &self.key_pem));
        if let Some(ca) = &self.client_ca_pem {
            config = config
                .client_ca_root(Certificate::from_pem(ca))
                .client_auth_optional(false);
        }
        config
    }
}
