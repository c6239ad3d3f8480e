//! Exact sums of confidences, as Postgres computes them in `numeric`: each confidence (a `real`)
//! becomes the decimal of its six significant digits (`float4::numeric`, rounded half to even on
//! the exact binary value), sums keep the largest display scale of their terms, and NaN and the
//! infinities follow `numeric`'s rules. The cluster tallies sum confidences this way so that two
//! values whose summed confidences are equal tie whatever order their mentions came in, and so that
//! the store gets, adding in memory, the very sums a `sum(confidence::numeric)` gives.

use std::cmp::Ordering;
use std::fmt;

/// Decimal digits per limb.
const LIMB_DIGITS: usize = 18;
const LIMB_BASE: u64 = 1_000_000_000_000_000_000;
/// Limbs before and after the decimal point: 54 digits each, room for any finite `real` (at most
/// 39 integer digits, at most 50 decimals at six significant digits) and sums of billions of them.
const INT_LIMBS: usize = 3;
const FRAC_LIMBS: usize = 3;
const LIMBS: usize = INT_LIMBS + FRAC_LIMBS;
const FRAC_DIGITS: usize = FRAC_LIMBS * LIMB_DIGITS;
const INT_DIGITS: usize = INT_LIMBS * LIMB_DIGITS;
const POW10: [u64; 19] = {
    let mut p = [1u64; 19];
    let mut i = 1;
    while i < 19 {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

/// A `numeric` value as the tallies need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decimal {
    NaN,
    Infinite {
        negative: bool,
    },
    Finite {
        negative: bool,
        /// Fixed point, most significant limb first, `FRAC_LIMBS` limbs of decimals.
        limbs: [u64; LIMBS],
        /// Decimals shown (`numeric`'s display scale).
        scale: u16,
    },
}

/// Why a decimal could not be read or computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum DecimalError {
    #[error("malformed decimal {0:?}")]
    Malformed(String),
    #[error("decimal out of range")]
    OutOfRange,
}

impl Decimal {
    pub(crate) const ZERO: Decimal = Decimal::Finite {
        negative: false,
        limbs: [0; LIMBS],
        scale: 0,
    };

    /// `value::numeric` of a `real`.
    pub(crate) fn from_f32(value: f32) -> Decimal {
        if value.is_nan() {
            return Decimal::NaN;
        }
        if value.is_infinite() {
            return Decimal::Infinite {
                negative: value < 0.0,
            };
        }
        if value == 0.0 {
            return Decimal::ZERO;
        }
        // The exact expansion (a `real` has at most 112 significant decimal digits; an `f64`
        // holds it exactly), then six significant digits rounded half to even, as `%.6g` does.
        let exact = format!("{:.150e}", f64::from(value).abs());
        let (mantissa, exponent) = exact.split_once('e').unwrap_or((&exact, "0"));
        let exponent: i32 = exponent.parse().unwrap_or(0);
        let digits: Vec<u8> = mantissa
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect();
        let mut kept: Vec<u8> = digits[..6].to_vec();
        let rest = &digits[6..];
        let round_up = match rest.first().copied().unwrap_or(0) {
            d if d > 5 => true,
            5 => rest[1..].iter().any(|&d| d != 0) || kept[5] % 2 == 1,
            _ => false,
        };
        let mut exponent = exponent;
        if round_up {
            let mut i = kept.len();
            loop {
                if i == 0 {
                    kept.insert(0, 1);
                    kept.pop();
                    exponent += 1;
                    break;
                }
                i -= 1;
                if kept[i] == 9 {
                    kept[i] = 0;
                } else {
                    kept[i] += 1;
                    break;
                }
            }
        }
        while kept.len() > 1 && kept.last() == Some(&0) {
            kept.pop();
        }
        // Display scale of the `%g` text: decimals of the mantissa less the exponent, at least 0.
        let decimals = i32::try_from(kept.len()).unwrap_or(i32::MAX) - 1 - exponent;
        let scale = u16::try_from(decimals.max(0)).unwrap_or(u16::MAX);
        // The first digit sits `exponent` places left of the point.
        Decimal::from_digits(value < 0.0, kept, exponent, scale).unwrap_or(Decimal::NaN)
    }

    /// The value of `digits` (most significant first, the first at 10^`exponent`).
    fn from_digits(
        negative: bool,
        digits: impl IntoIterator<Item = u8>,
        exponent: i32,
        scale: u16,
    ) -> Result<Decimal, DecimalError> {
        if usize::from(scale) > FRAC_DIGITS {
            return Err(DecimalError::OutOfRange);
        }
        let mut limbs = [0u64; LIMBS];
        // Position of the first digit, counted from the most significant digit of the fixed point.
        let first = i64::try_from(INT_DIGITS).unwrap_or(i64::MAX) - 1 - i64::from(exponent);
        for (i, d) in digits.into_iter().enumerate() {
            if d == 0 {
                continue;
            }
            let position = usize::try_from(first + i64::try_from(i).unwrap_or(i64::MAX))
                .map_err(|_| DecimalError::OutOfRange)?;
            if position >= INT_DIGITS + FRAC_DIGITS {
                return Err(DecimalError::OutOfRange);
            }
            limbs[position / LIMB_DIGITS] +=
                u64::from(d) * POW10[LIMB_DIGITS - 1 - position % LIMB_DIGITS];
        }
        Ok(Decimal::finite(negative, limbs, scale))
    }

    fn finite(negative: bool, limbs: [u64; LIMBS], scale: u16) -> Decimal {
        Decimal::Finite {
            // `numeric` has no negative zero.
            negative: negative && limbs.iter().any(|&l| l != 0),
            limbs,
            scale,
        }
    }

    /// Reads `numeric`'s text (`-12.340`, `NaN`, `Infinity`, `-Infinity`).
    pub(crate) fn parse(text: &str) -> Result<Decimal, DecimalError> {
        let malformed = || DecimalError::Malformed(text.chars().take(64).collect());
        match text {
            "NaN" => return Ok(Decimal::NaN),
            "Infinity" => return Ok(Decimal::Infinite { negative: false }),
            "-Infinity" => return Ok(Decimal::Infinite { negative: true }),
            _ => {}
        }
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        if int.is_empty()
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || (unsigned.contains('.') && frac.is_empty())
        {
            return Err(malformed());
        }
        let int = int.trim_start_matches('0');
        let digits = int.bytes().chain(frac.bytes()).map(|b| b - b'0');
        let exponent = i32::try_from(int.len()).map_err(|_| DecimalError::OutOfRange)? - 1;
        let scale = u16::try_from(frac.len()).map_err(|_| DecimalError::OutOfRange)?;
        Decimal::from_digits(negative, digits, exponent, scale)
    }

    /// `self + other` in `numeric`.
    pub(crate) fn add(self, other: Decimal) -> Result<Decimal, DecimalError> {
        use Decimal::*;
        Ok(match (self, other) {
            (NaN, _) | (_, NaN) => NaN,
            (Infinite { negative: a }, Infinite { negative: b }) if a != b => NaN,
            (Infinite { negative }, _) | (_, Infinite { negative }) => Infinite { negative },
            (
                Finite {
                    negative: an,
                    limbs: a,
                    scale: ascale,
                },
                Finite {
                    negative: bn,
                    limbs: b,
                    scale: bscale,
                },
            ) => {
                let scale = ascale.max(bscale);
                if an == bn {
                    let mut out = [0u64; LIMBS];
                    let mut carry = 0u64;
                    for i in (0..LIMBS).rev() {
                        let sum = a[i] + b[i] + carry;
                        out[i] = sum % LIMB_BASE;
                        carry = sum / LIMB_BASE;
                    }
                    if carry != 0 {
                        return Err(DecimalError::OutOfRange);
                    }
                    Decimal::finite(an, out, scale)
                } else {
                    let (big, small, negative) = match a.cmp(&b) {
                        Ordering::Less => (b, a, bn),
                        _ => (a, b, an),
                    };
                    let mut out = [0u64; LIMBS];
                    let mut borrow = 0u64;
                    for i in (0..LIMBS).rev() {
                        let take = small[i] + borrow;
                        if big[i] >= take {
                            out[i] = big[i] - take;
                            borrow = 0;
                        } else {
                            out[i] = big[i] + LIMB_BASE - take;
                            borrow = 1;
                        }
                    }
                    Decimal::finite(negative, out, scale)
                }
            }
        })
    }

    /// `numeric`'s order: NaN above everything (and equal to itself), then the infinities.
    pub(crate) fn numeric_cmp(&self, other: &Decimal) -> Ordering {
        fn rank(d: &Decimal) -> u8 {
            match d {
                Decimal::Infinite { negative: true } => 0,
                Decimal::Finite { .. } => 1,
                Decimal::Infinite { negative: false } => 2,
                Decimal::NaN => 3,
            }
        }
        match (self, other) {
            (
                Decimal::Finite {
                    negative: an,
                    limbs: a,
                    ..
                },
                Decimal::Finite {
                    negative: bn,
                    limbs: b,
                    ..
                },
            ) => match (an, bn) {
                (false, true) => Ordering::Greater,
                (true, false) => Ordering::Less,
                (false, false) => a.cmp(b),
                (true, true) => b.cmp(a),
            },
            _ => rank(self).cmp(&rank(other)),
        }
    }
}

impl fmt::Display for Decimal {
    /// `numeric`'s text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (negative, limbs, scale) = match self {
            Decimal::NaN => return f.write_str("NaN"),
            Decimal::Infinite { negative: false } => return f.write_str("Infinity"),
            Decimal::Infinite { negative: true } => return f.write_str("-Infinity"),
            Decimal::Finite {
                negative,
                limbs,
                scale,
            } => (*negative, limbs, usize::from(*scale)),
        };
        if negative {
            f.write_str("-")?;
        }
        let (int, frac) = limbs.split_at(INT_LIMBS);
        match int.iter().position(|&l| l != 0) {
            None => f.write_str("0")?,
            Some(first) => {
                write!(f, "{}", int[first])?;
                for limb in &int[first + 1..] {
                    write!(f, "{limb:018}")?;
                }
            }
        }
        if scale > 0 {
            f.write_str(".")?;
            let mut left = scale.min(FRAC_DIGITS);
            for &limb in frac {
                if left == 0 {
                    break;
                }
                let shown = left.min(LIMB_DIGITS);
                write!(
                    f,
                    "{:0width$}",
                    limb / POW10[LIMB_DIGITS - shown],
                    width = shown
                )?;
                left -= shown;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numeric(x: f32) -> String {
        Decimal::from_f32(x).to_string()
    }

    #[test]
    fn reals_become_six_significant_digits() {
        assert_eq!(numeric(0.7), "0.7");
        assert_eq!(numeric(0.0), "0");
        assert_eq!(numeric(-0.0), "0");
        assert_eq!(numeric(1.0), "1");
        assert_eq!(numeric(0.123_456_79), "0.123457");
        assert_eq!(numeric(1e-5), "0.00001");
        assert_eq!(numeric(1.234_567e-5), "0.0000123457");
        assert_eq!(numeric(1_500_000.0), "1500000");
        assert_eq!(numeric(-2.5), "-2.5");
        assert_eq!(numeric(f32::NAN), "NaN");
        assert_eq!(numeric(f32::NEG_INFINITY), "-Infinity");
        // 2^-9 = 0.001953125: a tie at the sixth digit goes to the even digit.
        assert_eq!(numeric(0.001_953_125), "0.00195312");
        // 2^-10 = 0.0009765625: the tie rounds up to the even digit.
        assert_eq!(numeric(0.000_976_562_5), "0.000976562");
        assert_eq!(numeric(999_999.5), "1000000");
        assert_eq!(numeric(f32::MAX), "340282000000000000000000000000000000000");
        assert_eq!(
            numeric(f32::from_bits(1)),
            "0.0000000000000000000000000000000000000000000014013"
        );
    }

    #[test]
    fn sums_keep_the_largest_scale_and_numeric_rules() {
        let sum = |xs: &[f32]| {
            xs.iter()
                .try_fold(Decimal::ZERO, |s, &x| s.add(Decimal::from_f32(x)))
                .unwrap()
                .to_string()
        };
        assert_eq!(sum(&[0.25, 0.75]), "1.00");
        assert_eq!(sum(&[0.6, 0.7, 0.8]), "2.1");
        assert_eq!(sum(&[0.7, 0.7, 0.7]), "2.1");
        assert_eq!(sum(&[0.5, -0.5]), "0.0");
        assert_eq!(sum(&[0.25, -0.5]), "-0.25");
        assert_eq!(sum(&[f32::INFINITY, 1.0]), "Infinity");
        assert_eq!(sum(&[f32::INFINITY, f32::NEG_INFINITY]), "NaN");
        assert_eq!(sum(&[f32::NAN, 1.0]), "NaN");
        assert_eq!(sum(&[]), "0");
        for text in ["0", "2.10", "-0.25", "NaN", "-Infinity", "123456789.000001"] {
            assert_eq!(Decimal::parse(text).unwrap().to_string(), text);
        }
        assert!(Decimal::parse("1e5").is_err());
        assert!(Decimal::parse("").is_err());
        let d = |t: &str| Decimal::parse(t).unwrap();
        assert_eq!(d("2.10").numeric_cmp(&d("2.1")), Ordering::Equal);
        assert_eq!(d("-3").numeric_cmp(&d("2")), Ordering::Less);
        assert_eq!(d("-3").numeric_cmp(&d("-2")), Ordering::Less);
        assert_eq!(d("NaN").numeric_cmp(&d("Infinity")), Ordering::Greater);
        assert_eq!(d("-Infinity").numeric_cmp(&d("-99")), Ordering::Less);
    }

    /// Reals across the whole range (ties at the sixth digit, subnormals, the specials) and sums
    /// of them, against Postgres' own conversion and sums.
    #[sqlx::test]
    async fn conversions_and_sums_are_postgres_own(pool: sqlx::PgPool) {
        let mut reals: Vec<f32> = vec![
            0.0,
            -0.0,
            1.0,
            0.5,
            0.7,
            0.6,
            0.8,
            0.95,
            0.001_953_125,
            0.000_976_562_5,
            999_999.5,
            f32::MAX,
            f32::MIN_POSITIVE,
            f32::EPSILON,
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            -1.5,
            123_456.5,
            1e-5,
            1e-4,
            1e5,
            1e6,
            1e7,
        ];
        // Every bit pattern step across the range, and the exact ties at the sixth digit among
        // small powers of two and their multiples.
        let mut bits = 1u32;
        while bits < 0x7f80_0000 {
            reals.push(f32::from_bits(bits));
            bits = bits.wrapping_mul(3).wrapping_add(0x0001_2345) % 0x7f80_0000 + 1;
            if reals.len() > 4_000 {
                break;
            }
        }
        for k in 1..40 {
            for m in [1u32, 3, 5, 7, 9, 11, 13, 15, 1023] {
                reals.push(m as f32 / (1u64 << k) as f32);
            }
        }
        let texts: Vec<String> =
            sqlx::query_scalar("select x::numeric::text from unnest($1::float4[]) as x")
                .bind(&reals)
                .fetch_all(&pool)
                .await
                .unwrap();
        for (x, text) in reals.iter().zip(&texts) {
            assert_eq!(
                &Decimal::from_f32(*x).to_string(),
                text,
                "{x:e} ({:#x})",
                x.to_bits()
            );
        }
        // Sums of runs of consecutive values, finite ones and with the specials mixed in.
        let finite: Vec<f32> = reals
            .iter()
            .copied()
            .filter(|x| x.is_finite() && x.abs() < 1e30)
            .collect();
        for (chunk, with) in finite
            .chunks(97)
            .zip([0.0, f32::NAN, f32::INFINITY].iter().cycle())
        {
            let mut values = chunk.to_vec();
            values.push(*with);
            let expected: String =
                sqlx::query_scalar("select sum(x::numeric)::text from unnest($1::float4[]) as x")
                    .bind(&values)
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            let sum = values
                .iter()
                .try_fold(Decimal::ZERO, |s, &x| s.add(Decimal::from_f32(x)))
                .unwrap();
            assert_eq!(sum.to_string(), expected);
            assert_eq!(Decimal::parse(&expected).unwrap(), sum);
        }
    }
}
