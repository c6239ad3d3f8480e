//! TLS, tokens and rate limits from flags and `MARSAD_*` environment variables, for the servers
//! (`marsad serve`) and for the clients (the service-to-service calls and the CLI's commands).
//!
//! Client side, read from the environment by every command that calls a service:
//! - `MARSAD_TLS_CA`: PEM CA that servers' certificates chain to (switches TLS on; `http://` URLs
//!   are then dialled as `https://`);
//! - `MARSAD_TLS_CLIENT_CERT` + `MARSAD_TLS_CLIENT_KEY`: client certificate for mutual TLS;
//! - `MARSAD_TLS_DOMAIN`: name to check servers' certificates against (default: the URL's host);
//! - `MARSAD_CLIENT_TOKEN` or `MARSAD_CLIENT_TOKEN_FILE`: bearer token sent on every call.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use marsad_client::{ClientConfig, ClientTls};

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The client token: `MARSAD_CLIENT_TOKEN`, or the first line of `MARSAD_CLIENT_TOKEN_FILE`.
pub(crate) fn client_token() -> Result<Option<String>> {
    if let Ok(token) = std::env::var("MARSAD_CLIENT_TOKEN") {
        if !token.trim().is_empty() {
            return Ok(Some(token.trim().to_owned()));
        }
    }
    match env_path("MARSAD_CLIENT_TOKEN_FILE") {
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read the client token file {}", path.display()))?;
            Ok(text
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .map(str::to_owned))
        }
        None => Ok(None),
    }
}

/// Client TLS from explicit paths (CA; client cert and key).
pub(crate) fn client_tls(
    ca: Option<&Path>,
    cert: Option<&Path>,
    key: Option<&Path>,
    domain: Option<String>,
) -> Result<Option<ClientTls>> {
    let identity = match (cert, key) {
        (Some(c), Some(k)) => Some((c, k)),
        (None, None) => None,
        _ => anyhow::bail!("a client certificate needs both a certificate and a key file"),
    };
    if ca.is_none() && identity.is_none() {
        return Ok(None);
    }
    let mut tls = ClientTls::from_files(ca, identity)?;
    tls.domain = domain;
    Ok(Some(tls))
}

/// A client configuration for `url` with TLS and token from the environment.
pub(crate) fn client_config(url: &str) -> Result<ClientConfig> {
    let mut config = ClientConfig::new(url);
    config.tls = client_tls(
        env_path("MARSAD_TLS_CA").as_deref(),
        env_path("MARSAD_TLS_CLIENT_CERT").as_deref(),
        env_path("MARSAD_TLS_CLIENT_KEY").as_deref(),
        std::env::var("MARSAD_TLS_DOMAIN")
            .ok()
            .filter(|d| !d.is_empty()),
    )?;
    config.token = client_token()?;
    Ok(config)
}

/// A database URL with its password replaced, for logs and messages.
pub(crate) fn redact_url(url: &str) -> String {
    match url.parse::<url_lite::Parts>() {
        Ok(parts) => parts.redacted(),
        Err(()) => "<unparseable database URL>".to_owned(),
    }
}

/// Just enough URL parsing to hide a password: `scheme://user:password@rest`.
mod url_lite {
    pub(crate) struct Parts {
        scheme: String,
        user: Option<String>,
        had_password: bool,
        rest: String,
    }

    impl std::str::FromStr for Parts {
        type Err = ();
        fn from_str(url: &str) -> Result<Self, ()> {
            let (scheme, after) = url.split_once("://").ok_or(())?;
            let authority_end = after.find(['/', '?']).unwrap_or(after.len());
            let (authority, path) = after.split_at(authority_end);
            let (userinfo, host) = match authority.rsplit_once('@') {
                Some((u, h)) => (Some(u), h),
                None => (None, authority),
            };
            let (user, had_password) = match userinfo {
                Some(u) => match u.split_once(':') {
                    Some((user, _)) => (Some(user.to_owned()), true),
                    None => (Some(u.to_owned()), false),
                },
                None => (None, false),
            };
            // Query parameters may carry a password too (`?password=`): drop the query.
            let path = path.split('?').next().unwrap_or("");
            Ok(Self {
                scheme: scheme.to_owned(),
                user,
                had_password,
                rest: format!("{host}{path}"),
            })
        }
    }

    impl Parts {
        pub(crate) fn redacted(&self) -> String {
            match (&self.user, self.had_password) {
                (Some(user), true) => format!("{}://{user}:***@{}", self.scheme, self.rest),
                (Some(user), false) => format!("{}://{user}@{}", self.scheme, self.rest),
                (None, _) => format!("{}://{}", self.scheme, self.rest),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact_url("postgres://marsad:s3cret@db:5432/marsad"),
            "postgres://marsad:***@db:5432/marsad"
        );
        assert_eq!(
            redact_url("postgresql://u@h/d?password=s3cret&sslmode=require"),
            "postgresql://u@h/d"
        );
        assert_eq!(redact_url("postgres://h/d"), "postgres://h/d");
        assert!(!redact_url("p:a:s:s").contains("s:s"));
    }
}
