//! The pseudo-random numbers of the equivalence tests (a fast path against its reference on random
//! inputs): xorshift64, seeded, so that every run draws the same inputs.

/// A xorshift64 generator from `seed` (not zero).
pub(crate) fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}
