//! When two articles count as near duplicates: 64-bit SimHashes within a few bits of each other
//! (a wire story republished with a changed headline, byline or footer). Shared by ingest, which
//! computes the signatures, and storage, which looks them up.

/// Hamming distance at or below which two SimHashes are near duplicates. Measured on the sources
/// crate's fixtures: a wire story with a new headline and footer is 0–6 bits away, different
/// stories on the same topic 20+ bits away.
pub const NEAR_DUPLICATE_MAX_DISTANCE: u32 = 10;

/// Number of differing bits.
pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// True when two SimHashes are within [`NEAR_DUPLICATE_MAX_DISTANCE`] bits.
pub fn is_near_duplicate(a: u64, b: u64) -> bool {
    hamming(a, b) <= NEAR_DUPLICATE_MAX_DISTANCE
}

/// The four 16-bit bands of a SimHash, as stored for lookup: two hashes within 3 bits always share
/// one, and most near duplicates further apart do too.
pub fn simhash_bands(hash: u64) -> [(i16, i32); 4] {
    [0i16, 1, 2, 3].map(|band| (band, ((hash >> (16 * band as u32)) & 0xffff) as i32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_split_the_hash_and_close_hashes_share_one() {
        let a = 0x1234_5678_9abc_def0u64;
        assert_eq!(simhash_bands(a)[0], (0, 0xdef0));
        assert_eq!(simhash_bands(a)[3], (3, 0x1234));
        let b = a ^ 0b1011; // three bits apart, all in band 0
        let shared = simhash_bands(a)
            .iter()
            .zip(simhash_bands(b))
            .filter(|(x, y)| **x == *y)
            .count();
        assert_eq!(shared, 3);
        assert!(is_near_duplicate(a, b));
        assert!(!is_near_duplicate(a, !a));
    }
}
