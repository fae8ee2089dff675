//! Self-signed serving material (pure): a CA and a certificate it signs for some DNS names,
//! the shape API servers expect of a webhook (`caBundle` = the CA).

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};

/// A CA and the serving certificate it signed (PEM); the key is never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct ServingPki {
    /// The CA certificate (what clients trust).
    pub ca_pem: String,
    /// The serving certificate.
    pub cert_pem: String,
    /// The serving certificate's private key (PKCS#8).
    pub key_pem: String,
}

impl std::fmt::Debug for ServingPki {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServingPki").finish_non_exhaustive()
    }
}

/// Generates a CA named `ca_name` and a serving certificate for `dns_names` (the first is
/// also the CN). rcgen's default validity (until 4096) is kept: nothing rotates these, as
/// with the chart's generated webhook certificate, and deleting the Secret renews them.
///
/// # Errors
/// Only if rcgen rejects a name (not a valid DNS name).
pub fn generate(ca_name: &str, dns_names: &[String]) -> Result<ServingPki, rcgen::Error> {
    let mut ca = CertificateParams::new(Vec::<String>::new())?;
    ca.distinguished_name.push(DnType::CommonName, ca_name);
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let issuer = CertifiedIssuer::self_signed(ca, KeyPair::generate()?)?;

    let mut leaf = CertificateParams::new(dns_names.to_vec())?;
    if let Some(first) = dns_names.first() {
        leaf.distinguished_name.push(DnType::CommonName, first);
    }
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    let key = KeyPair::generate()?;
    let cert = leaf.signed_by(&key, &issuer)?;
    Ok(ServingPki {
        ca_pem: issuer.pem(),
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    })
}

/// The DNS names a webhook Service is dialled at: `<service>.<namespace>.svc` (what the API
/// server verifies) and the shorter and longer forms.
pub fn service_names(service: &str, namespace: &str) -> Vec<String> {
    vec![
        format!("{service}.{namespace}.svc"),
        format!("{service}.{namespace}"),
        format!("{service}.{namespace}.svc.cluster.local"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_serving_certificate_names_the_service_and_is_signed_by_the_ca() {
        let names = service_names("liqo-webhook", "liqo");
        let pki = generate("liqo-webhook-ca", &names).unwrap();
        assert!(pki.key_pem.contains("PRIVATE KEY"));
        let der = crate::crypto::pem_decode(&pki.cert_pem, "CERTIFICATE").unwrap();
        let (_, cert) = x509_parser::parse_x509_certificate(&der).unwrap();
        let sans: Vec<String> = cert
            .subject_alternative_name()
            .unwrap()
            .unwrap()
            .value
            .general_names
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(
            sans.iter().any(|s| s.contains("liqo-webhook.liqo.svc")),
            "{sans:?}"
        );
        let ca_der = crate::crypto::pem_decode(&pki.ca_pem, "CERTIFICATE").unwrap();
        let (_, ca) = x509_parser::parse_x509_certificate(&ca_der).unwrap();
        assert_eq!(cert.issuer(), ca.subject());
        assert!(cert.verify_signature(Some(ca.public_key())).is_ok());
        assert_eq!(format!("{pki:?}"), "ServingPki { .. }");
    }
}
