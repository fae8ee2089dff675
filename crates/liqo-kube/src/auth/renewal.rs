//! When a client certificate is renewed: at two thirds of its lifetime (authentication.md §5.5).
//! Pure.

use std::time::Duration;

use x509_parser::pem::parse_x509_pem;

/// How long until `cert_pem` must be renewed; `Duration::ZERO` means now. `None` when the
/// certificate cannot be parsed (the caller renews to be safe).
pub fn renewal_delay(cert_pem: &[u8], now_unix: i64) -> Option<Duration> {
    let (_, pem) = parse_x509_pem(cert_pem).ok()?;
    let cert = pem.parse_x509().ok()?;
    let not_before = cert.validity().not_before.timestamp();
    let not_after = cert.validity().not_after.timestamp();
    let lifetime = not_after - not_before;
    let renew_at = not_after - lifetime / 3;
    Some(Duration::from_secs(
        u64::try_from(renew_at - now_unix).unwrap_or(0),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(not_before: (i32, u8, u8), not_after: (i32, u8, u8)) -> String {
        let mut params = rcgen::CertificateParams::new(vec!["x".to_string()]).unwrap();
        params.not_before = rcgen::date_time_ymd(not_before.0, not_before.1, not_before.2);
        params.not_after = rcgen::date_time_ymd(not_after.0, not_after.1, not_after.2);
        params
            .self_signed(&rcgen::KeyPair::generate().unwrap())
            .unwrap()
            .pem()
    }

    #[test]
    fn renewal_comes_at_two_thirds_of_the_lifetime() {
        // 2030-01-01 .. 2030-01-31 (30 days): renew 20 days in, on 2030-01-21.
        let pem = cert((2030, 1, 1), (2030, 1, 31));
        let start = 1_893_456_000; // 2030-01-01T00:00:00Z
        assert_eq!(
            renewal_delay(pem.as_bytes(), start),
            Some(Duration::from_secs(20 * 86_400))
        );
        assert_eq!(
            renewal_delay(pem.as_bytes(), start + 25 * 86_400),
            Some(Duration::ZERO),
            "past due: now"
        );
        assert_eq!(renewal_delay(b"garbage", start), None);
    }
}
