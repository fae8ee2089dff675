//! The authentication handshake's cryptography (pure): nonces, signatures over them with the
//! cluster key (Ed25519 by default, RSA PKCS#1 v1.5 SHA-256 for compatibility), and PEM/DER.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{self, Ed25519KeyPair, KeyPair, RsaKeyPair, UnparsedPublicKey};

/// Random bytes in a nonce, before base64 (88 characters once encoded).
const NONCE_BYTES: usize = 64;
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];
const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/// Why a key could not be used or a signature did not verify.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    /// The PEM text has no block of the expected type.
    #[error("no PEM block of type {0}")]
    Pem(&'static str),
    /// The key is neither Ed25519 nor RSA, or is malformed.
    #[error("unsupported or malformed {0} key")]
    Key(&'static str),
    /// The system random source failed.
    #[error("random source failed")]
    Random,
    /// The signature does not match the message and key.
    #[error("signature verification failed")]
    BadSignature,
}

/// A fresh nonce: 64 random bytes, standard base64 with padding. The signed message is this
/// ASCII text, not the decoded bytes.
///
/// # Errors
/// [`CryptoError::Random`].
pub fn generate_nonce() -> Result<String, CryptoError> {
    let mut bytes = [0u8; NONCE_BYTES];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| CryptoError::Random)?;
    Ok(STANDARD.encode(bytes))
}

/// The DER of the first PEM block labelled `label`.
///
/// # Errors
/// [`CryptoError::Pem`] when there is none or it is not base64.
pub fn pem_decode(text: &str, label: &'static str) -> Result<Vec<u8>, CryptoError> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin).ok_or(CryptoError::Pem(label))? + begin.len();
    let stop = text[start..].find(&end).ok_or(CryptoError::Pem(label))? + start;
    let body: String = text[start..stop]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    STANDARD.decode(body).map_err(|_| CryptoError::Pem(label))
}

/// Signs `message` with a PKCS#8 `PRIVATE KEY` PEM (Ed25519, or RSA with PKCS#1 v1.5 SHA-256).
/// Both schemes are deterministic, so re-signing gives the same bytes.
///
/// # Errors
/// [`CryptoError`] for an unreadable or unsupported key.
pub fn sign(private_key_pem: &str, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let der = pem_decode(private_key_pem, "PRIVATE KEY")?;
    if let Ok(key) = Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der) {
        return Ok(key.sign(message).as_ref().to_vec());
    }
    let key = RsaKeyPair::from_pkcs8(&der).map_err(|_| CryptoError::Key("private"))?;
    let mut signature = vec![0; key.public().modulus_len()];
    key.sign(
        &signature::RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        message,
        &mut signature,
    )
    .map_err(|_| CryptoError::Key("private"))?;
    Ok(signature)
}

/// The `PUBLIC KEY` PEM of a PKCS#8 private key PEM.
///
/// # Errors
/// [`CryptoError`] for an unreadable or unsupported key.
pub fn public_key_pem(private_key_pem: &str) -> Result<String, CryptoError> {
    let der = pem_decode(private_key_pem, "PRIVATE KEY")?;
    let spki = if let Ok(key) = Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der) {
        spki_ed25519(key.public_key().as_ref())
    } else {
        RsaKeyPair::from_pkcs8(&der).map_err(|_| CryptoError::Key("private"))?;
        // The public half of an RSA key is not needed by this project's flows.
        return Err(CryptoError::Key("RSA public key derivation"));
    };
    Ok(pem_encode(&spki, "PUBLIC KEY"))
}

/// Verifies `signature` over `message` with a Tenant's public key: a `PUBLIC KEY` PEM, or (as
/// consumers before v1.0.2 sent it) 32 raw Ed25519 bytes.
///
/// # Errors
/// [`CryptoError::BadSignature`], or [`CryptoError::Key`] for an unsupported key.
pub fn verify(public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), CryptoError> {
    let (algorithm, raw): (&dyn signature::VerificationAlgorithm, Vec<u8>) =
        match std::str::from_utf8(public_key)
            .ok()
            .and_then(|t| pem_decode(t, "PUBLIC KEY").ok())
        {
            Some(der) => {
                let (oid, key) = parse_spki(&der).ok_or(CryptoError::Key("public"))?;
                if oid == OID_ED25519 {
                    (&signature::ED25519, key)
                } else if oid == OID_RSA {
                    (&signature::RSA_PKCS1_2048_8192_SHA256, key)
                } else {
                    return Err(CryptoError::Key("public"));
                }
            }
            None if public_key.len() == 32 => (&signature::ED25519, public_key.to_vec()),
            None => return Err(CryptoError::Key("public")),
        };
    UnparsedPublicKey::new(algorithm, raw)
        .verify(message, signature)
        .map_err(|_| CryptoError::BadSignature)
}

/// The raw key bytes of a Tenant public key (PEM SPKI, or legacy raw Ed25519), as a CSR
/// carries them, for comparing the two.
///
/// # Errors
/// [`CryptoError::Key`] when the key is neither.
pub fn public_key_raw(public_key: &[u8]) -> Result<Vec<u8>, CryptoError> {
    match std::str::from_utf8(public_key)
        .ok()
        .and_then(|t| pem_decode(t, "PUBLIC KEY").ok())
    {
        Some(der) => parse_spki(&der)
            .map(|(_, key)| key)
            .ok_or(CryptoError::Key("public")),
        None if public_key.len() == 32 => Ok(public_key.to_vec()),
        None => Err(CryptoError::Key("public")),
    }
}

fn pem_encode(der: &[u8], label: &str) -> String {
    let body = STANDARD.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

fn spki_ed25519(raw: &[u8]) -> Vec<u8> {
    // SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (0 unused bits) key }
    let mut out = vec![0x30, 0x2a, 0x30, 0x05, 0x06, 0x03];
    out.extend_from_slice(OID_ED25519);
    out.extend_from_slice(&[0x03, 0x21, 0x00]);
    out.extend_from_slice(raw);
    out
}

/// One DER TLV: (tag, contents, rest).
fn der_tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let len = if first & 0x80 == 0 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        rest = &rest[n..];
        len
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// (algorithm OID, key bytes) of a SubjectPublicKeyInfo.
fn parse_spki(der: &[u8]) -> Option<(&[u8], Vec<u8>)> {
    let (0x30, spki, _) = der_tlv(der)? else {
        return None;
    };
    let (0x30, algorithm, rest) = der_tlv(spki)? else {
        return None;
    };
    let (0x06, oid, _) = der_tlv(algorithm)? else {
        return None;
    };
    let (0x03, bits, _) = der_tlv(rest)? else {
        return None;
    };
    let (&unused, key) = bits.split_first()?;
    (unused == 0).then(|| (oid, key.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ed25519_key() -> String {
        rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519)
            .unwrap()
            .serialize_pem()
    }

    #[test]
    fn nonces_are_88_base64_characters_and_differ() {
        let (a, b) = (generate_nonce().unwrap(), generate_nonce().unwrap());
        assert_eq!(a.len(), 88);
        assert_ne!(a, b);
        assert_eq!(STANDARD.decode(&a).unwrap().len(), 64);
    }

    #[test]
    fn ed25519_signatures_verify_with_pem_and_raw_keys_and_are_deterministic() {
        let private = ed25519_key();
        let public = public_key_pem(&private).unwrap();
        let rcgen_public = rcgen::KeyPair::from_pem(&private).unwrap().public_key_pem();
        assert_eq!(public, rcgen_public, "our SPKI encoding matches rcgen's");
        let nonce = generate_nonce().unwrap();
        let signature = sign(&private, nonce.as_bytes()).unwrap();
        assert_eq!(signature.len(), 64);
        assert_eq!(signature, sign(&private, nonce.as_bytes()).unwrap());
        verify(public.as_bytes(), nonce.as_bytes(), &signature).unwrap();
        let raw = parse_spki(&pem_decode(&public, "PUBLIC KEY").unwrap())
            .unwrap()
            .1;
        verify(&raw, nonce.as_bytes(), &signature).unwrap();
        assert_eq!(
            verify(public.as_bytes(), b"another nonce", &signature),
            Err(CryptoError::BadSignature)
        );
        let other = public_key_pem(&ed25519_key()).unwrap();
        assert_eq!(
            verify(other.as_bytes(), nonce.as_bytes(), &signature),
            Err(CryptoError::BadSignature)
        );
    }

    /// A throwaway RSA-2048 key made for this test (ring cannot generate RSA keys).
    const RSA_TEST_KEY: &str = include_str!("testdata/rsa-test-key.pem");
    const RSA_TEST_PUB: &str = include_str!("testdata/rsa-test-key.pub.pem");

    #[test]
    fn rsa_pkcs1_sha256_signatures_verify() {
        let signature = sign(RSA_TEST_KEY, b"nonce").unwrap();
        assert_eq!(signature.len(), 256);
        assert_eq!(
            signature,
            sign(RSA_TEST_KEY, b"nonce").unwrap(),
            "PKCS#1 v1.5 is deterministic"
        );
        verify(RSA_TEST_PUB.as_bytes(), b"nonce", &signature).unwrap();
        assert_eq!(
            verify(RSA_TEST_PUB.as_bytes(), b"other", &signature),
            Err(CryptoError::BadSignature)
        );
    }

    #[test]
    fn malformed_keys_are_rejected() {
        assert_eq!(
            verify(b"not a key", b"m", b"s"),
            Err(CryptoError::Key("public"))
        );
        assert_eq!(sign("garbage", b"m"), Err(CryptoError::Pem("PRIVATE KEY")));
    }
}
