//! Certificate signing requests byte-identical to upstream Liqo's: Go's
//! `x509.CreateCertificateRequest` over `pkix.Name{Organization: []string{O}, CommonName: CN}`
//! (authentication.md §5.3). Providers cache issued certificates keyed on the exact CSR bytes,
//! so the bytes are the contract, not just the content. Pure.

use liqo_api::consts::name;

use crate::crypto::{self, ClusterKey, CryptoError, TAG_SEQUENCE, TAG_SET};

const TAG_INTEGER: u8 = 0x02;
const TAG_OID: u8 = 0x06;
const TAG_UTF8_STRING: u8 = 0x0c;
const TAG_PRINTABLE_STRING: u8 = 0x13;
/// `[0] IMPLICIT` constructed: the CSR's attributes.
const TAG_ATTRIBUTES: u8 = 0xa0;
const OID_ORGANIZATION: &[u8] = &[0x55, 0x04, 0x0a];
const OID_COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];
/// Hex digits of SHA-256(consumer ID) in a ResourceSlice CSR's CN (6 bytes).
const RESOURCE_SLICE_HASH_BYTES: usize = 6;

/// The subject of a CSR: one `O` and one `CN`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// `O`.
    pub organization: String,
    /// `CN` (omitted from the subject when empty, as Go does).
    pub common_name: String,
}

/// The control-plane subject of consumer `consumer_id`: `O=liqo.io, CN=<consumer id>`.
pub fn controlplane_subject(consumer_id: &str) -> Subject {
    Subject {
        organization: name::LIQO_ORGANIZATION.into(),
        common_name: consumer_id.into(),
    }
}

/// The subject of a ResourceSlice CSR: `O=<consumer id>`,
/// `CN=<slice name>-<hex of the first 6 bytes of SHA-256(consumer id)>`.
pub fn resource_slice_subject(resource_slice: &str, consumer_id: &str) -> Subject {
    let digest = ring::digest::digest(&ring::digest::SHA256, consumer_id.as_bytes());
    let hash: String = digest.as_ref()[..RESOURCE_SLICE_HASH_BYTES]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Subject {
        organization: consumer_id.into(),
        common_name: format!("{resource_slice}-{hash}"),
    }
}

/// The CSR for `subject` signed with `key`, as one `CERTIFICATE REQUEST` PEM block.
///
/// # Errors
/// [`CryptoError::Key`] when the key cannot sign.
pub fn render_pem(key: &ClusterKey, subject: &Subject) -> Result<String, CryptoError> {
    Ok(crypto::pem_encode(
        &render_der(key, subject)?,
        "CERTIFICATE REQUEST",
    ))
}

/// The CSR's DER: `CertificationRequest { info, signatureAlgorithm, signature }` with
/// `info = { version 0, subject, subjectPKInfo, attributes [0] {} }`, no extensions.
///
/// # Errors
/// [`CryptoError::Key`] when the key cannot sign.
pub fn render_der(key: &ClusterKey, subject: &Subject) -> Result<Vec<u8>, CryptoError> {
    let version = crypto::der(TAG_INTEGER, &[0]);
    let attributes = crypto::der(TAG_ATTRIBUTES, &[]);
    let info = crypto::der(
        TAG_SEQUENCE,
        &[
            version.as_slice(),
            &subject_der(subject),
            key.spki_der(),
            &attributes,
        ]
        .concat(),
    );
    let signature = key.sign(&info)?;
    Ok(crypto::der(
        TAG_SEQUENCE,
        &[
            info.as_slice(),
            key.signature_algorithm_der(),
            &crypto::bit_string(&signature),
        ]
        .concat(),
    ))
}

/// `pkix.Name.ToRDNSequence()` for one O and one CN: an RDN (a SET of one attribute) each, O
/// first (Go's fixed order), CN only when non-empty.
fn subject_der(subject: &Subject) -> Vec<u8> {
    let rdn = |oid: &[u8], value: &str| {
        let attribute = crypto::der(
            TAG_SEQUENCE,
            &[crypto::der(TAG_OID, oid), directory_string(value)].concat(),
        );
        crypto::der(TAG_SET, &attribute)
    };
    let mut rdns = rdn(OID_ORGANIZATION, &subject.organization);
    if !subject.common_name.is_empty() {
        rdns.extend(rdn(OID_COMMON_NAME, &subject.common_name));
    }
    crypto::der(TAG_SEQUENCE, &rdns)
}

/// Go's `encoding/asn1` choice for an untagged string: PrintableString when every character is
/// in its set (without `*` and `&`, which Go only tolerates when parsing), else UTF8String.
fn directory_string(value: &str) -> Vec<u8> {
    let printable = value.bytes().all(|b| {
        b.is_ascii_alphanumeric()
            || matches!(b, b' ' | b'\'' | b'(' | b')' | b'+' | b',')
            || matches!(b, b'-' | b'.' | b'/' | b':' | b'=' | b'?')
    });
    let tag = if printable {
        TAG_PRINTABLE_STRING
    } else {
        TAG_UTF8_STRING
    };
    crypto::der(tag, value.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8032 §7.1 test 1: seed and public key.
    const SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    const PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    fn unhex(text: &str) -> Vec<u8> {
        let text: String = text.split_whitespace().collect();
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    /// PKCS#8 v1 of an Ed25519 seed, as Go's `x509.MarshalPKCS8PrivateKey` writes it.
    fn seed_key() -> ClusterKey {
        let der = [unhex("302e020100300506032b657004220420"), unhex(SEED)].concat();
        ClusterKey::from_pem(&crypto::pem_encode(&der, "PRIVATE KEY")).unwrap()
    }

    #[test]
    fn the_controlplane_csr_is_byte_identical_to_gos() {
        // Built from the ASN.1 of CertificationRequest (RFC 2986), element by element.
        let info = unhex(&format!(
            "305c
               020100
               3029
                 3110 300e 0603 55040a 1307 {o}
                 3115 3013 0603 550403 130c {cn}
               302a 3005 0603 2b6570 032100 {PUBLIC}
               a000",
            o = "6c69716f2e696f",            // "liqo.io"
            cn = "636f6f6c2d66697265666c79", // "cool-firefly"
        ));
        // Ed25519 is deterministic: this is the signature Go's x509.CreateCertificateRequest
        // wrote for the same seed and subject (go1.26), and ring's over `info` must match it.
        let signature = unhex(
            "5192ff8582fba834c43a56485d3fd30e1944fd1168a10c062bf633ffac94c9e4
             bff42f4968f53b52e4331d5ca87772e5e03d46196b0d16a466b5ce1d2e7a9d0e",
        );
        let ring_key = ring::signature::Ed25519KeyPair::from_seed_unchecked(&unhex(SEED)).unwrap();
        assert_eq!(ring_key.sign(&info).as_ref(), signature.as_slice());
        let expected = [
            unhex("3081a8"),
            info,
            unhex("3005 0603 2b6570"), // PureEd25519, no parameters
            unhex("034100"),
            signature,
        ]
        .concat();

        let der = render_der(&seed_key(), &controlplane_subject("cool-firefly")).unwrap();
        assert_eq!(hex(&der), hex(&expected));
        let pem = render_pem(&seed_key(), &controlplane_subject("cool-firefly")).unwrap();
        assert_eq!(
            pem,
            "-----BEGIN CERTIFICATE REQUEST-----\n\
             MIGoMFwCAQAwKTEQMA4GA1UEChMHbGlxby5pbzEVMBMGA1UEAxMMY29vbC1maXJl\n\
             Zmx5MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURqg\n\
             ADAFBgMrZXADQQBRkv+FgvuoNMQ6VkhdP9MOGUT9EWihDAYr9jP/rJTJ5L/0L0lo\n\
             9TtS5DMdXKh3cuXgPUYZaw0WpGa1zh0uep0O\n\
             -----END CERTIFICATE REQUEST-----\n",
            "pem.EncodeToMemory's layout"
        );
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn subjects_put_o_before_cn_as_printable_strings_unless_go_would_not() {
        let der = subject_der(&controlplane_subject("cool-firefly"));
        let o_at = der.windows(3).position(|w| w == OID_ORGANIZATION).unwrap();
        let cn_at = der.windows(3).position(|w| w == OID_COMMON_NAME).unwrap();
        assert!(o_at < cn_at, "O first");
        assert_eq!(der[o_at + 3], TAG_PRINTABLE_STRING);
        assert_eq!(der[cn_at + 3], TAG_PRINTABLE_STRING);
        // Go's isPrintable rejects '*' and '&' (and anything non-ASCII) when marshalling.
        for odd in ["a*b", "o&", "café", "under_score", "at@sign"] {
            assert_eq!(directory_string(odd)[0], TAG_UTF8_STRING, "{odd}");
        }
        for plain in ["liqo.io", "A-Z a-z 0-9 '()+,-./:=?"] {
            assert_eq!(directory_string(plain)[0], TAG_PRINTABLE_STRING, "{plain}");
        }
        // An empty CN is left out, as pkix.Name does.
        let no_cn = Subject {
            organization: "liqo.io".into(),
            common_name: String::new(),
        };
        assert!(!subject_der(&no_cn).windows(3).any(|w| w == OID_COMMON_NAME));
    }

    #[test]
    fn utf8_subjects_match_go_byte_for_byte() {
        // What Go wrote for CN "a*b", O "o&" with the same seed: both UTF8String.
        let subject = Subject {
            organization: "o&".into(),
            common_name: "a*b".into(),
        };
        let der = render_der(&seed_key(), &subject).unwrap();
        let expected_subject =
            unhex("301b 310b 3009 0603 55040a 0c02 6f26 310c 300a 0603 550403 0c03 612a62");
        assert!(
            der.windows(expected_subject.len())
                .any(|w| w == expected_subject.as_slice()),
            "{}",
            hex(&der)
        );
    }

    /// A throwaway RSA-2048 key (see crypto.rs).
    const RSA_TEST_KEY: &str = include_str!("../testdata/rsa-test-key.pem");

    #[test]
    fn rsa_csrs_use_sha256_with_rsa_and_null_parameters_and_verify() {
        let key = ClusterKey::from_pem(RSA_TEST_KEY).unwrap();
        let pem = render_pem(&key, &controlplane_subject("cool-firefly")).unwrap();
        let der = crypto::pem_decode(&pem, "CERTIFICATE REQUEST").unwrap();
        let algorithm = unhex("300d 0609 2a864886f70d01010b 0500");
        let at = der.len() - 256 - 5 - algorithm.len();
        assert_eq!(&der[at..at + algorithm.len()], algorithm.as_slice());
        assert_eq!(&der[at + algorithm.len()..][..5], &unhex("0382010100")[..]);
        // The SPKI carries rsaEncryption with NULL parameters, as Go's MarshalPKIXPublicKey.
        let spki = unhex("300d 0609 2a864886f70d010101 0500");
        assert!(der.windows(spki.len()).any(|w| w == spki.as_slice()));
        // x509-parser (through rcgen) checks the self-signature.
        rcgen::CertificateSigningRequestParams::from_pem(&pem).unwrap();
        // What Go's x509.CreateCertificateRequest (go1.26) wrote for this key and subject.
        let go = include_str!("../testdata/rsa-test-key.go-csr.hex");
        assert_eq!(hex(&der), go.trim());
        assert_eq!(
            pem,
            render_pem(&key, &controlplane_subject("cool-firefly")).unwrap(),
            "PKCS#1 v1.5 is deterministic"
        );
    }

    #[test]
    fn resource_slice_subjects_hash_the_consumer_id() {
        let subject = resource_slice_subject("my-slice", "cool-firefly");
        assert_eq!(subject.organization, "cool-firefly");
        // `printf cool-firefly | sha256sum`, first 12 hex digits.
        assert_eq!(subject.common_name, "my-slice-acd8a9ca302f");
    }
}
