//! Floats as text without `core::fmt`'s float formatting.
//!
//! The index file stores parameters as text and messages quote them; those
//! were the module's only uses of `{}` on a float, and that formatter
//! (Grisu with a Dragon fallback, and their tables) was 14 KB of the WASM
//! module. Here the shortest round-tripping decimal is found by trying one
//! significant digit more at a time and reading it back with `str::parse`,
//! which the module has anyway.

/// The shortest decimal that reads back (`str::parse::<f32>`) as exactly
/// `v`, in plain notation as `{}` writes it: `0.5`, `3`, `-0.01`,
/// `100000000000000000000`; `NaN`, `inf` and `-inf` as `{}` writes them.
pub fn shortest(v: f32) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf" } else { "-inf" }.into();
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0" } else { "0" }.into();
    }
    // Nine significant digits always read back as the same f32.
    for digits in 1..9 {
        let text = rounded(v, digits);
        if text.parse::<f32>() == Ok(v) {
            return text;
        }
    }
    rounded(v, 9)
}

/// Finite, non-zero `v` rounded to `digits` significant digits, in plain
/// notation with trailing zeros of the fraction dropped.
fn rounded(v: f32, digits: i32) -> String {
    let x = f64::from(v).abs();
    // Decimal exponent of the first digit: 10^exp <= x < 10^(exp + 1).
    // f32 spans 1e-45 to 3.4e38, well inside f64's range.
    let mut exp = 0i32;
    while pow10(exp) > x {
        exp -= 1;
    }
    while pow10(exp + 1) <= x {
        exp += 1;
    }
    // The digits as one integer; f64 carries 53 bits against f32's 24, so
    // the scaling's rounding error is far below what the digits resolve.
    let shift = digits - 1 - exp;
    let mut mantissa = if shift >= 0 {
        (x * pow10(shift)).round()
    } else {
        (x / pow10(-shift)).round()
    } as u64;
    // 9.96 to two digits is 10.0: one digit more than asked for.
    if mantissa >= 10u64.pow(digits as u32) {
        mantissa /= 10;
        exp += 1;
    }
    let digit_text = mantissa.to_string();
    let mut out = String::new();
    if v < 0.0 {
        out.push('-');
    }
    if exp < 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-exp - 1) as usize));
        out.push_str(digit_text.trim_end_matches('0'));
    } else {
        let whole = exp as usize + 1;
        if digit_text.len() <= whole {
            out.push_str(&digit_text);
            out.extend(std::iter::repeat_n('0', whole - digit_text.len()));
        } else {
            let (int, frac) = digit_text.split_at(whole);
            out.push_str(int);
            let frac = frac.trim_end_matches('0');
            if !frac.is_empty() {
                out.push('.');
                out.push_str(frac);
            }
        }
    }
    out
}

/// 10^exp as f64: exact up to 10^22; beyond, within a few roundings,
/// which the digits never see (see [`rounded`]).
fn pow10(exp: i32) -> f64 {
    const SMALL: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    let mut k = exp.unsigned_abs() as usize;
    let mut power = 1.0;
    while k >= SMALL.len() {
        power *= SMALL[22];
        k -= 22;
    }
    power *= SMALL[k];
    if exp >= 0 {
        power
    } else {
        1.0 / power
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everyday_values_print_as_rust_prints_them() {
        for v in [
            0.5f32,
            1.2,
            0.01,
            3.0,
            10.0,
            0.75,
            1.5,
            0.3,
            2.25,
            0.1,
            123456.0,
            1e20,
            1e-7,
            -0.25,
            16_777_216.0,
            0.333_333_34,
        ] {
            assert_eq!(shortest(v), format!("{v}"), "{v:?}");
        }
        assert_eq!(shortest(f32::NAN), "NaN");
        assert_eq!(shortest(f32::INFINITY), "inf");
        assert_eq!(shortest(-0.0), "-0");
    }

    #[test]
    fn extremes_read_back() {
        for v in [
            f32::MAX,
            f32::MIN,
            f32::MIN_POSITIVE,
            f32::EPSILON,
            1e-45,
            -1e-45,
            f32::from_bits(1),
            f32::from_bits(0x007f_ffff),
        ] {
            let text = shortest(v);
            assert_eq!(text.parse::<f32>(), Ok(v), "{text}");
            assert_eq!(text, format!("{v}"));
        }
    }

    /// Every 49,999th bit pattern (about 86,000 floats across the whole
    /// range): the text reads back exactly and is what `{}` prints.
    #[test]
    fn a_sweep_of_bit_patterns_matches_the_std_formatter() {
        let mut bits = 0u32;
        while let Some(next) = bits.checked_add(49_999) {
            let v = f32::from_bits(bits);
            if v.is_finite() {
                let text = shortest(v);
                assert_eq!(text.parse::<f32>(), Ok(v), "{bits:#x}: {text}");
                assert_eq!(text, format!("{v}"), "{bits:#x}");
            }
            bits = next;
        }
    }
}
