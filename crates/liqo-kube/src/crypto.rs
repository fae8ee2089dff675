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
/// AlgorithmIdentifier { id-Ed25519 } (RFC 8410: parameters absent).
const ALGORITHM_ED25519: &[u8] = &[0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70];
/// AlgorithmIdentifier { rsaEncryption, NULL }.
const ALGORITHM_RSA: &[u8] = &[
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
];
/// AlgorithmIdentifier { sha256WithRSAEncryption, NULL }.
const ALGORITHM_SHA256_WITH_RSA: &[u8] = &[
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00,
];
/// DER tags this module and the CSR builder write.
pub(crate) const TAG_SEQUENCE: u8 = 0x30;
pub(crate) const TAG_SET: u8 = 0x31;
pub(crate) const TAG_BIT_STRING: u8 = 0x03;

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
    /// A stored key pair whose halves do not belong together.
    #[error(
        "publicKey of Secret authentication-keys is not the public half of its privateKey: restore the pair (or delete publicKey to derive it)"
    )]
    KeyMismatch,
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

/// A cluster's private key, parsed once: Ed25519 or RSA (PKCS#8), with its public half as a
/// SubjectPublicKeyInfo. Never printed (no `Debug` of the key material).
pub struct ClusterKey {
    signer: Signer,
    spki: Vec<u8>,
}

enum Signer {
    Ed25519(Ed25519KeyPair),
    Rsa(RsaKeyPair),
}

impl std::fmt::Debug for ClusterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.signer {
            Signer::Ed25519(_) => "Ed25519",
            Signer::Rsa(_) => "RSA",
        };
        f.debug_struct("ClusterKey")
            .field("kind", &kind)
            .finish_non_exhaustive()
    }
}

impl ClusterKey {
    /// Parses a PKCS#8 `PRIVATE KEY` PEM (Ed25519 or RSA).
    ///
    /// # Errors
    /// [`CryptoError`] for an unreadable or unsupported key.
    pub fn from_pem(private_key_pem: &str) -> Result<Self, CryptoError> {
        let pkcs8 = pem_decode(private_key_pem, "PRIVATE KEY")?;
        if let Ok(key) = Ed25519KeyPair::from_pkcs8_maybe_unchecked(&pkcs8) {
            let spki = spki_ed25519(key.public_key().as_ref());
            return Ok(Self {
                signer: Signer::Ed25519(key),
                spki,
            });
        }
        let key = RsaKeyPair::from_pkcs8(&pkcs8).map_err(|_| CryptoError::Key("private"))?;
        // ring's RSA public key is the PKCS#1 RSAPublicKey DER; PKIX wraps it as Go's
        // x509.MarshalPKIXPublicKey does: rsaEncryption with NULL parameters.
        let spki = der(
            TAG_SEQUENCE,
            &[ALGORITHM_RSA, &bit_string(key.public().as_ref())].concat(),
        );
        Ok(Self {
            signer: Signer::Rsa(key),
            spki,
        })
    }

    /// The modulus size of an RSA key; `None` for Ed25519.
    pub fn rsa_modulus_bits(&self) -> Option<usize> {
        match &self.signer {
            Signer::Ed25519(_) => None,
            Signer::Rsa(key) => Some(key.public().modulus_len() * 8),
        }
    }

    /// The SubjectPublicKeyInfo DER of the public half.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki
    }

    /// The `PUBLIC KEY` PEM of the public half.
    pub fn public_key_pem(&self) -> String {
        pem_encode(&self.spki, "PUBLIC KEY")
    }

    /// The AlgorithmIdentifier DER of this key's signatures, as Go's x509 writes it:
    /// Ed25519 (no parameters), or sha256WithRSAEncryption with NULL parameters.
    pub fn signature_algorithm_der(&self) -> &'static [u8] {
        match self.signer {
            Signer::Ed25519(_) => ALGORITHM_ED25519,
            Signer::Rsa(_) => ALGORITHM_SHA256_WITH_RSA,
        }
    }

    /// Signs `message`: pure Ed25519, or RSA PKCS#1 v1.5 over SHA-256. Both are deterministic,
    /// so re-signing gives the same bytes.
    ///
    /// # Errors
    /// [`CryptoError::Key`] when ring refuses to sign.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        match &self.signer {
            Signer::Ed25519(key) => Ok(key.sign(message).as_ref().to_vec()),
            Signer::Rsa(key) => {
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
        }
    }
}

/// Signs `message` with a PKCS#8 `PRIVATE KEY` PEM (Ed25519, or RSA with PKCS#1 v1.5 SHA-256).
///
/// # Errors
/// [`CryptoError`] for an unreadable or unsupported key.
pub fn sign(private_key_pem: &str, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
    ClusterKey::from_pem(private_key_pem)?.sign(message)
}

/// The `PUBLIC KEY` PEM of a PKCS#8 private key PEM (Ed25519 or RSA).
///
/// # Errors
/// [`CryptoError`] for an unreadable or unsupported key.
pub fn public_key_pem(private_key_pem: &str) -> Result<String, CryptoError> {
    Ok(ClusterKey::from_pem(private_key_pem)?.public_key_pem())
}

/// A cluster's key pair as the `authentication-keys` Secret holds it. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct ClusterKeys {
    /// `data.privateKey`: PKCS#8 `PRIVATE KEY` PEM.
    pub private_pem: String,
    /// `data.publicKey`: PKIX `PUBLIC KEY` PEM, when the Secret has one.
    pub public_pem: Option<String>,
}

impl std::fmt::Debug for ClusterKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterKeys").finish_non_exhaustive()
    }
}

impl ClusterKeys {
    /// The public key the handshake sends: `data.publicKey` verbatim, as upstream sends it
    /// (so a Tenant is byte-identical whichever CLI wrote it), derived from the private key
    /// only when the Secret has none. A stored key that is not the private key's public half
    /// is refused here rather than by the provider's signature check later.
    ///
    /// # Errors
    /// [`CryptoError::Key`] for an unusable pair, [`CryptoError::KeyMismatch`] for halves of two.
    pub fn public_key_pem(&self) -> Result<String, CryptoError> {
        let key = ClusterKey::from_pem(&self.private_pem)?;
        match self.public_pem.as_deref().filter(|p| !p.trim().is_empty()) {
            None => Ok(key.public_key_pem()),
            Some(stored) => {
                let der = pem_decode(stored, "PUBLIC KEY")?;
                if der != key.spki_der() {
                    return Err(CryptoError::KeyMismatch);
                }
                Ok(stored.to_string())
            }
        }
    }
}

/// A fresh RSA-2048 private key as PKCS#8 `PRIVATE KEY` PEM (for `--tls-compatibility-mode`;
/// ring signs with RSA keys but cannot make them, the `rsa` crate does).
///
/// # Errors
/// [`CryptoError::Random`] when the random source fails; [`CryptoError::Key`] when the key
/// cannot be encoded.
pub fn generate_rsa_2048() -> Result<String, CryptoError> {
    use rsa::pkcs8::EncodePrivateKey;
    const RSA_BITS: usize = 2048;
    let key = rsa::PrivateKey::new(&mut RingRng(SystemRandom::new()), RSA_BITS)
        .map_err(|_| CryptoError::Random)?;
    let der = key
        .to_pkcs8_der()
        .map_err(|_| CryptoError::Key("generated RSA"))?;
    Ok(pem_encode(der.as_bytes(), "PRIVATE KEY"))
}

/// ring's system random source as the `rsa` crate's random number generator.
struct RingRng(SystemRandom);

impl rsa::rand_core::TryRng for RingRng {
    type Error = CryptoError;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut bytes = [0u8; 4];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut bytes = [0u8; 8];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        self.0.fill(dst).map_err(|_| CryptoError::Random)
    }
}

impl rsa::rand_core::TryCryptoRng for RingRng {}

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

/// One DER TLV: `tag`, the definite length (short or long form) and `contents`.
pub(crate) fn der(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    match contents.len() {
        len @ 0..0x80 => out.push(len as u8),
        len => {
            let bytes: Vec<u8> = len
                .to_be_bytes()
                .into_iter()
                .skip_while(|b| *b == 0)
                .collect();
            out.push(0x80 | bytes.len() as u8);
            out.extend_from_slice(&bytes);
        }
    }
    out.extend_from_slice(contents);
    out
}

/// A BIT STRING of whole bytes (no unused bits).
pub(crate) fn bit_string(bytes: &[u8]) -> Vec<u8> {
    der(TAG_BIT_STRING, &[&[0u8][..], bytes].concat())
}

/// PEM as Go's `pem.EncodeToMemory` writes it: 64-character lines, a final newline.
pub(crate) fn pem_encode(der: &[u8], label: &str) -> String {
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
    fn rsa_public_keys_are_derived_as_go_marshals_them() {
        // The testdata public key was written by another tool (PKIX, rsaEncryption + NULL).
        assert_eq!(public_key_pem(RSA_TEST_KEY).unwrap(), RSA_TEST_PUB);
        let key = ClusterKey::from_pem(RSA_TEST_KEY).unwrap();
        assert_eq!(key.signature_algorithm_der(), ALGORITHM_SHA256_WITH_RSA);
        assert_eq!(format!("{key:?}"), "ClusterKey { kind: \"RSA\", .. }");
    }

    #[test]
    fn the_stored_public_key_is_sent_verbatim_derived_when_absent_and_checked() {
        let stored = ClusterKeys {
            private_pem: RSA_TEST_KEY.into(),
            // Same key, other line layout: sent as stored, byte for byte.
            public_pem: Some(RSA_TEST_PUB.replace('\n', "\r\n")),
        };
        assert_eq!(
            stored.public_key_pem().unwrap(),
            RSA_TEST_PUB.replace('\n', "\r\n")
        );
        let absent = ClusterKeys {
            public_pem: None,
            ..stored.clone()
        };
        assert_eq!(absent.public_key_pem().unwrap(), RSA_TEST_PUB);
        let empty = ClusterKeys {
            public_pem: Some(String::new()),
            ..stored.clone()
        };
        assert_eq!(empty.public_key_pem().unwrap(), RSA_TEST_PUB);
        let mismatched = ClusterKeys {
            public_pem: Some(public_key_pem(&ed25519_key()).unwrap()),
            ..stored
        };
        assert_eq!(mismatched.public_key_pem(), Err(CryptoError::KeyMismatch));
        assert!(!format!("{mismatched:?}").contains("BEGIN"));
    }

    #[test]
    fn generated_rsa_keys_are_2048_bit_pkcs8_that_ring_signs_with() {
        let private = generate_rsa_2048().unwrap();
        assert!(private.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        assert_eq!(
            ClusterKey::from_pem(&private).unwrap().rsa_modulus_bits(),
            Some(2048)
        );
        let public = public_key_pem(&private).unwrap();
        let signature = sign(&private, b"nonce").unwrap();
        verify(public.as_bytes(), b"nonce", &signature).unwrap();
        assert_ne!(generate_rsa_2048().unwrap(), private);
    }

    #[test]
    fn der_lengths_use_the_short_and_long_forms() {
        assert_eq!(der(0x04, &[]), vec![0x04, 0x00]);
        assert_eq!(der(0x04, &[7; 0x7f])[..2], [0x04, 0x7f]);
        assert_eq!(der(0x04, &[7; 0x80])[..3], [0x04, 0x81, 0x80]);
        assert_eq!(der(0x04, &[7; 0x1234])[..4], [0x04, 0x82, 0x12, 0x34]);
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
