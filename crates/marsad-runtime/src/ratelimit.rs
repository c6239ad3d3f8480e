//! Per-client token buckets: each client (the token's client name, or the peer address when auth
//! is off) gets `burst` requests at once and `per_second` more every second.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// Requests per second and burst allowed to each client.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub per_second: f64,
    pub burst: u32,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The buckets of one server.
#[derive(Debug)]
pub struct RateLimiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<String, Bucket>>,
}

/// Most buckets kept before idle (full) ones are dropped.
const MAX_BUCKETS: usize = 10_000;

impl RateLimiter {
    pub fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token from `client`'s bucket; false when it is empty.
    pub fn check(&self, client: &str) -> bool {
        self.check_at(client, Instant::now())
    }

    fn check_at(&self, client: &str, now: Instant) -> bool {
        let burst = f64::from(self.limit.burst.max(1));
        let rate = self.limit.per_second.max(0.0);
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= MAX_BUCKETS && !buckets.contains_key(client) {
            buckets.retain(|_, b| b.tokens + now.duration_since(b.at).as_secs_f64() * rate < burst);
        }
        let bucket = buckets.entry(client.to_owned()).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn burst_then_refill_per_client() {
        let limiter = RateLimiter::new(RateLimit {
            per_second: 10.0,
            burst: 3,
        });
        let t0 = Instant::now();
        assert!(limiter.check_at("a", t0));
        assert!(limiter.check_at("a", t0));
        assert!(limiter.check_at("a", t0));
        assert!(!limiter.check_at("a", t0), "burst spent");
        assert!(
            limiter.check_at("b", t0),
            "other clients have their own bucket"
        );
        assert!(!limiter.check_at("a", t0 + Duration::from_millis(50)));
        assert!(
            limiter.check_at("a", t0 + Duration::from_millis(110)),
            "refilled"
        );
    }
}
