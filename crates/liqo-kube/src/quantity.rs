//! Kubernetes quantities (pure): their units, and their value as exact integers of
//! nano-units, enough to add requests up and compare them with a Quota.

/// `text` (`100m`, `1.5Gi`, `2e3`, `128974848`) in nano-units, rounded up; `None` when it is
/// not a quantity.
pub fn nanos(text: &str) -> Option<i128> {
    let text = text.trim();
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let digits_end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(digits_end);
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let mantissa: i128 = format!("{whole}{fraction}").parse().ok()?;
    // value = mantissa × 10^(exp10 − fraction digits) × 2^exp2, then × 10^9 for nanos.
    let (exp10, exp2) = suffix_exponents(suffix)?;
    let exp10 = exp10 + 9 - i32::try_from(fraction.len()).ok()?;
    let mut value = mantissa.checked_mul(1i128.checked_shl(exp2)?)?;
    if exp10 >= 0 {
        value = value.checked_mul(10i128.checked_pow(u32::try_from(exp10).ok()?)?)?;
    } else {
        let divisor = 10i128.checked_pow(u32::try_from(-exp10).ok()?)?;
        value = (value + divisor - 1) / divisor;
    }
    Some(if negative { -value } else { value })
}

/// The decimal and binary exponents of a suffix (`Ki` = 2^10, `k` = 10^3, `e3` = 10^3);
/// `None` for an unknown unit or an exponent beyond ±18.
pub fn suffix_exponents(suffix: &str) -> Option<(i32, u32)> {
    let binary = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    if let Some(i) = binary.iter().position(|s| *s == suffix) {
        return Some((0, 10 * (u32::try_from(i).ok()? + 1)));
    }
    let decimal = match suffix {
        "n" => -9,
        "u" => -6,
        "m" => -3,
        "" => 0,
        "k" => 3,
        "M" => 6,
        "G" => 9,
        "T" => 12,
        "P" => 15,
        "E" => 18,
        exponent => exponent
            .strip_prefix(['e', 'E'])?
            .parse::<i32>()
            .ok()
            .filter(|e| e.abs() <= 18)?,
    };
    Some((decimal, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_follow_the_kubernetes_suffixes() {
        let g = 1_000_000_000i128;
        assert_eq!(nanos("1"), Some(g));
        assert_eq!(nanos("100m"), Some(g / 10));
        assert_eq!(nanos("1.5"), Some(3 * g / 2));
        assert_eq!(nanos("2Ki"), Some(2048 * g));
        assert_eq!(nanos("1Gi"), Some((1i128 << 30) * g));
        assert_eq!(nanos("1G"), Some(g * g));
        assert_eq!(nanos("2e3"), Some(2000 * g));
        assert_eq!(nanos("0.5Mi"), Some(524_288 * g));
        assert_eq!(nanos("1n"), Some(1));
        assert_eq!(nanos("-1"), Some(-g));
        assert_eq!(nanos("500u"), Some(500_000));
        assert_eq!(nanos("abc"), None);
        assert_eq!(nanos("1X"), None);
        assert_eq!(nanos(""), None);
    }
}
