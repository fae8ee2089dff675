//! Certificates and keys of one test cluster, generated in-process with rcgen.

use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, SanType,
};

use crate::Error;

/// A certificate and its private key, PEM encoded.
#[derive(Clone)]
pub struct KeyCert {
    /// The certificate, PEM.
    pub cert_pem: String,
    /// The private key, PEM (PKCS#8).
    pub key_pem: String,
}

impl std::fmt::Debug for KeyCert {
    // The key never reaches a log or a panic message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyCert").finish_non_exhaustive()
    }
}

/// A client identity: the certificate subject the API server authenticates.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// Common name: the Kubernetes user name.
    pub user: &'a str,
    /// Organisation: the Kubernetes group, if any.
    pub group: Option<&'a str>,
}

/// Everything a cluster's control plane needs: a CA, the API server's serving certificate,
/// client certificates and the service-account signing key.
pub struct ClusterPki {
    /// The cluster CA. The kube-controller-manager also signs approved CSRs with it.
    pub ca: KeyCert,
    /// The kube-apiserver serving certificate.
    pub apiserver: KeyCert,
    /// The service-account token signing key (PEM) and its public half.
    pub service_account_key_pem: String,
    /// The service-account public key (PEM).
    pub service_account_pub_pem: String,
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl std::fmt::Debug for ClusterPki {
    // Keys never reach a log or a panic message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterPki").finish_non_exhaustive()
    }
}

/// Where [`ClusterPki::write`] put each file.
#[derive(Debug, Clone)]
pub struct PkiPaths {
    /// CA certificate.
    pub ca_crt: PathBuf,
    /// CA key.
    pub ca_key: PathBuf,
    /// API server serving certificate.
    pub apiserver_crt: PathBuf,
    /// API server serving key.
    pub apiserver_key: PathBuf,
    /// Service-account signing key.
    pub sa_key: PathBuf,
    /// Service-account public key.
    pub sa_pub: PathBuf,
}

impl ClusterPki {
    /// Generates a fresh CA, a serving certificate valid for loopback and the in-cluster
    /// `kubernetes` Service names (including `service_ip`), and a service-account key.
    ///
    /// # Errors
    /// Fails only if rcgen rejects a parameter, which would be a bug here.
    pub fn generate(cluster: &str, service_ip: Ipv4Addr) -> Result<Self, Error> {
        Self::generate_with_ips(cluster, service_ip, &[])
    }

    /// [`ClusterPki::generate`] with `extra_ips` in the serving certificate too (the host's
    /// address on the test network, where nodes reach the API server).
    ///
    /// # Errors
    /// Fails only if rcgen rejects a parameter, which would be a bug here.
    pub fn generate_with_ips(
        cluster: &str,
        service_ip: Ipv4Addr,
        extra_ips: &[Ipv4Addr],
    ) -> Result<Self, Error> {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(Error::Pki)?;
        ca_params
            .distinguished_name
            .push(DnType::CommonName, format!("liqo-testenv-{cluster}-ca"));
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_key = KeyPair::generate().map_err(Error::Pki)?;
        let ca_key_pem = ca_key.serialize_pem();
        let issuer = CertifiedIssuer::self_signed(ca_params, ca_key).map_err(Error::Pki)?;
        let ca = KeyCert {
            cert_pem: issuer.pem(),
            key_pem: ca_key_pem,
        };

        let names = [
            "localhost",
            "kubernetes",
            "kubernetes.default",
            "kubernetes.default.svc",
            "kubernetes.default.svc.cluster.local",
        ];
        let mut serving =
            CertificateParams::new(names.map(String::from).to_vec()).map_err(Error::Pki)?;
        serving
            .distinguished_name
            .push(DnType::CommonName, "kube-apiserver");
        for ip in [Ipv4Addr::LOCALHOST, service_ip].iter().chain(extra_ips) {
            serving
                .subject_alt_names
                .push(SanType::IpAddress(IpAddr::V4(*ip)));
        }
        serving.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let apiserver = sign(&issuer, serving)?;

        let sa = KeyPair::generate().map_err(Error::Pki)?;
        Ok(Self {
            ca,
            apiserver,
            service_account_key_pem: sa.serialize_pem(),
            service_account_pub_pem: sa.public_key_pem(),
            issuer,
        })
    }

    /// Issues a client certificate for `subject`, signed by the cluster CA.
    ///
    /// # Errors
    /// Fails only if rcgen rejects a parameter.
    pub fn client(&self, subject: Subject<'_>) -> Result<KeyCert, Error> {
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(Error::Pki)?;
        params
            .distinguished_name
            .push(DnType::CommonName, subject.user);
        if let Some(group) = subject.group {
            params
                .distinguished_name
                .push(DnType::OrganizationName, group);
        }
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        sign(&self.issuer, params)
    }

    /// Writes the control plane's files into `dir` (keys readable by the owner only).
    ///
    /// # Errors
    /// Fails when a file cannot be written.
    pub fn write(&self, dir: &Path) -> Result<PkiPaths, Error> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
        let paths = PkiPaths {
            ca_crt: dir.join("ca.crt"),
            ca_key: dir.join("ca.key"),
            apiserver_crt: dir.join("apiserver.crt"),
            apiserver_key: dir.join("apiserver.key"),
            sa_key: dir.join("sa.key"),
            sa_pub: dir.join("sa.pub"),
        };
        write_file(&paths.ca_crt, &self.ca.cert_pem)?;
        write_file(&paths.ca_key, &self.ca.key_pem)?;
        write_file(&paths.apiserver_crt, &self.apiserver.cert_pem)?;
        write_file(&paths.apiserver_key, &self.apiserver.key_pem)?;
        write_file(&paths.sa_key, &self.service_account_key_pem)?;
        write_file(&paths.sa_pub, &self.service_account_pub_pem)?;
        Ok(paths)
    }
}

fn sign(
    issuer: &CertifiedIssuer<'static, KeyPair>,
    params: CertificateParams,
) -> Result<KeyCert, Error> {
    let key = KeyPair::generate().map_err(Error::Pki)?;
    let issuer: &rcgen::Issuer<'_, KeyPair> = issuer;
    let cert = params.signed_by(&key, issuer).map_err(Error::Pki)?;
    Ok(KeyCert {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    })
}

/// Writes `contents` to `path` with mode 0600.
pub(crate) fn write_file(path: &Path, contents: &str) -> Result<(), Error> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| Error::io("write", path, e))?;
    file.write_all(contents.as_bytes())
        .map_err(|e| Error::io("write", path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serving_certificate_names_loopback_and_the_service_ip() {
        let pki = ClusterPki::generate("a", Ipv4Addr::new(10, 96, 0, 1)).unwrap();
        let client = pki
            .client(Subject {
                user: "admin",
                group: Some("system:masters"),
            })
            .unwrap();
        assert!(pki.ca.cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        assert!(client.key_pem.contains("PRIVATE KEY"));
        assert_ne!(pki.ca.cert_pem, pki.apiserver.cert_pem);
        assert!(
            format!("{pki:?}").find("PRIVATE").is_none(),
            "Debug must not print keys"
        );
    }
}
