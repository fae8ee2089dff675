//! A new cluster's identity: its ID and its authentication key pair.

use super::AuthKeys;

const ADJECTIVES: &[&str] = &[
    "able", "agile", "amber", "ample", "azure", "bold", "brave", "brisk", "calm", "clever",
    "cosmic", "crisp", "curious", "daring", "eager", "early", "fancy", "fierce", "gentle", "giant",
    "golden", "happy", "hidden", "humble", "icy", "jolly", "keen", "kind", "lively", "lucky",
    "mellow", "mighty", "misty", "noble", "odd", "patient", "plain", "polite", "proud", "quick",
    "quiet", "rapid", "rare", "royal", "rustic", "shiny", "silent", "smart", "snowy", "solid",
    "steady", "sunny", "swift", "tidy", "tiny", "vivid", "warm", "wild", "wise", "witty", "young",
    "zesty", "zen", "lucid",
];
const NOUNS: &[&str] = &[
    "acorn", "badger", "beacon", "breeze", "brook", "canyon", "cedar", "comet", "coral", "crane",
    "delta", "dune", "eagle", "ember", "falcon", "fern", "fjord", "forest", "galaxy", "glacier",
    "grove", "harbor", "hawk", "heron", "island", "lagoon", "lake", "lynx", "maple", "meadow",
    "mesa", "moon", "moss", "nebula", "oak", "ocean", "orbit", "otter", "panda", "pebble", "pine",
    "planet", "prairie", "quartz", "raven", "reef", "ridge", "river", "robin", "sequoia", "shore",
    "sparrow", "spruce", "star", "stone", "summit", "thunder", "tiger", "tundra", "valley",
    "willow", "wolf", "yak", "zephyr",
];

/// A random, readable cluster ID that is a DNS label: `<adjective>-<noun>-<4 hex>`.
///
/// # Errors
/// When the system's random source cannot be read.
pub fn generate_cluster_id() -> std::io::Result<String> {
    let mut bytes = [0u8; 4];
    std::io::Read::read_exact(&mut std::fs::File::open("/dev/urandom")?, &mut bytes)?;
    let adjective = ADJECTIVES[usize::from(bytes[0]) % ADJECTIVES.len()];
    let noun = NOUNS[usize::from(bytes[1]) % NOUNS.len()];
    Ok(format!(
        "{adjective}-{noun}-{:02x}{:02x}",
        bytes[2], bytes[3]
    ))
}

/// Whether `id` is a DNS label (RFC 1123), as cluster IDs must be.
pub fn is_dns_label(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 63
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// A fresh Ed25519 cluster key pair, PKCS#8 and PKIX PEM.
///
/// # Errors
/// When key generation fails.
pub fn generate_keys() -> Result<AuthKeys, rcgen::Error> {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519)?;
    Ok(AuthKeys {
        private_pem: key.serialize_pem(),
        public_pem: key.public_key_pem(),
    })
}

/// A fresh RSA-2048 cluster key pair, PKCS#8 and PKIX PEM: upstream's key under
/// `--tls-compatibility-mode`, for API servers or clients that cannot use Ed25519.
///
/// # Errors
/// When key generation fails.
pub fn generate_rsa_keys() -> Result<AuthKeys, crate::crypto::CryptoError> {
    let private_pem = crate::crypto::generate_rsa_2048()?;
    let public_pem = crate::crypto::public_key_pem(&private_pem)?;
    Ok(AuthKeys {
        private_pem,
        public_pem,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_dns_labels_and_differ() {
        let a = generate_cluster_id().unwrap();
        assert!(is_dns_label(&a), "{a}");
        let others: Vec<String> = (0..8).map(|_| generate_cluster_id().unwrap()).collect();
        assert!(others.iter().any(|o| o != &a));
        assert!(!is_dns_label("Upper"));
        assert!(!is_dns_label("-lead"));
        assert!(!is_dns_label(&"a".repeat(64)));
    }

    #[test]
    fn rsa_keys_are_a_matching_rsa_2048_pem_pair() {
        let keys = generate_rsa_keys().unwrap();
        let public = crate::crypto::pem_decode(&keys.public_pem, "PUBLIC KEY").unwrap();
        // SPKI of rsaEncryption with NULL parameters and a 2048-bit modulus (294 bytes).
        assert_eq!(public.len(), 294);
        let signature = crate::crypto::sign(&keys.private_pem, b"nonce").unwrap();
        crate::crypto::verify(keys.public_pem.as_bytes(), b"nonce", &signature).unwrap();
    }

    #[test]
    fn keys_are_ed25519_pem() {
        let keys = generate_keys().unwrap();
        assert!(keys.private_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        assert!(keys.public_pem.starts_with("-----BEGIN PUBLIC KEY-----"));
        assert!(format!("{keys:?}").find("BEGIN").is_none());
    }
}
