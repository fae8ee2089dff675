//! Clients built from kubeconfig flags the way kubectl resolves them, with errors that name the
//! flag and the file at fault.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

use crate::api_error::{self, Cause};

/// Why a client could not be built or the cluster could not be reached. Each message names
/// where the kubeconfig came from (`--remote-kubeconfig /x`, `KUBECONFIG=/x`, …) and the flag
/// to change.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The kubeconfig file does not exist.
    #[error("cannot read {origin}: no such file")]
    Missing {
        /// Where the kubeconfig came from.
        origin: String,
    },
    /// The kubeconfig path is a directory.
    #[error("cannot read {origin}: it is a directory, not a kubeconfig file")]
    Directory {
        /// Where the kubeconfig came from.
        origin: String,
    },
    /// The kubeconfig file exists but cannot be read.
    #[error("cannot read {origin}: {reason}")]
    Unreadable {
        /// Where the kubeconfig came from.
        origin: String,
        /// The I/O failure, in words (`permission denied`).
        reason: String,
    },
    /// The kubeconfig file is empty.
    #[error("{origin} is empty: it is not a kubeconfig")]
    Empty {
        /// Where the kubeconfig came from.
        origin: String,
    },
    /// The file is not a kubeconfig (not YAML, another kind, or nothing in it).
    #[error("{origin} is not a kubeconfig: {reason}")]
    NotKubeconfig {
        /// Where the kubeconfig came from.
        origin: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No context given and the file sets none.
    #[error("{origin} sets no current-context: pass {flag}")]
    NoCurrentContext {
        /// Where the kubeconfig came from.
        origin: String,
        /// The context flag (`--remote-context`).
        flag: String,
    },
    /// A context, cluster or user named by flag (or by the context) is not in the file.
    #[error("{subject} is not defined in {origin} ({known})")]
    Unknown {
        /// What is missing and who names it: `--remote-context "x"`, `user "u" of context "c"`.
        subject: String,
        /// Where the kubeconfig came from.
        origin: String,
        /// The entries it does define.
        known: String,
    },
    /// The kubeconfig does not yield a usable configuration (bad URL, bad certificate data).
    #[error("{origin} is not usable: {reason}")]
    Config {
        /// Where the kubeconfig came from.
        origin: String,
        /// kube's reason (its own message, which includes its causes).
        reason: String,
    },
    /// No kubeconfig given or found and not running in a cluster.
    #[error(
        "no cluster configuration found: pass --kubeconfig, set KUBECONFIG or run inside a cluster"
    )]
    Infer(#[source] kube::config::InferConfigError),
    /// The HTTP client could not be built.
    #[error("failed to build a Kubernetes client for the {side} cluster: {reason}")]
    Build {
        /// `local` or `remote`.
        side: &'static str,
        /// kube's reason.
        reason: String,
    },
    /// The API server did not answer: refused, unresolvable, timed out.
    #[error("cannot reach the {side} cluster at {server} ({origin}): {reason}")]
    Unreachable {
        /// `local` or `remote`.
        side: &'static str,
        /// The API server URL.
        server: String,
        /// Where the kubeconfig came from.
        origin: String,
        /// Why, in words (`connection refused`).
        reason: String,
    },
    /// The TLS handshake failed, typically a server certificate the kubeconfig's CA did not sign.
    #[error(
        "TLS handshake with the {side} cluster at {server} failed ({origin}): {reason}{hint}",
        hint = if reason.contains("UnknownIssuer") {
            ": the server's certificate is not signed by the kubeconfig's certificate-authority"
        } else {
            ""
        }
    )]
    Tls {
        /// `local` or `remote`.
        side: &'static str,
        /// The API server URL.
        server: String,
        /// Where the kubeconfig came from.
        origin: String,
        /// The TLS failure.
        reason: String,
    },
    /// The API server rejected the credentials (HTTP 401).
    #[error(
        "the {side} cluster at {server} rejected the credentials of user {user:?} in {origin} (401 Unauthorized): check {flag} or renew the credentials"
    )]
    Unauthorized {
        /// `local` or `remote`.
        side: &'static str,
        /// The API server URL.
        server: String,
        /// Where the kubeconfig came from.
        origin: String,
        /// The kubeconfig user.
        user: String,
        /// The user flag (`--remote-user`).
        flag: String,
    },
}

/// Which cluster to talk to, as kubectl's flags say it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Access {
    /// `--kubeconfig`: a file; else `KUBECONFIG`, `~/.kube/config`, in-cluster.
    pub kubeconfig: Option<PathBuf>,
    /// `--context`.
    pub context: Option<String>,
    /// `--cluster`.
    pub cluster: Option<String>,
    /// `--user`.
    pub user: Option<String>,
    /// The prefix of the flags these values came from, so errors name them: `""` for
    /// `--kubeconfig`/`--context`, `"remote-"` for `--remote-kubeconfig`/`--remote-context`.
    pub flag_prefix: &'static str,
}

/// Where the kubeconfig is read from.
enum Origin {
    /// A flag or a single `KUBECONFIG` path.
    File { path: PathBuf, label: String },
    /// Several `KUBECONFIG` paths, merged.
    Merged { label: String },
    /// No kubeconfig: in-cluster or nothing.
    Infer,
}

impl Origin {
    fn label(&self) -> String {
        match self {
            Origin::File { label, .. } | Origin::Merged { label } => label.clone(),
            Origin::Infer => "the in-cluster configuration".into(),
        }
    }
}

impl Access {
    fn flag(&self, name: &str) -> String {
        format!("--{}{name}", self.flag_prefix)
    }

    fn side(&self) -> &'static str {
        if self.flag_prefix.is_empty() {
            "local"
        } else {
            "remote"
        }
    }

    /// Where the kubeconfig comes from: the flag, then `KUBECONFIG`, then `~/.kube/config`.
    fn origin(&self) -> Result<Origin, ClientError> {
        if let Some(path) = &self.kubeconfig {
            return Ok(Origin::File {
                label: format!("{} {}", self.flag("kubeconfig"), path.display()),
                path: path.clone(),
            });
        }
        let selected = self.context.is_some() || self.cluster.is_some() || self.user.is_some();
        if let Some(value) = std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
            let paths: Vec<PathBuf> = std::env::split_paths(&value)
                .filter(|p| !p.as_os_str().is_empty())
                .collect();
            let label = format!("KUBECONFIG={}", value.to_string_lossy());
            return Ok(match <[PathBuf; 1]>::try_from(paths) {
                Ok([path]) => Origin::File { path, label },
                Err(_) => Origin::Merged { label },
            });
        }
        let default = std::env::var_os("HOME").map(|home| Path::new(&home).join(".kube/config"));
        match default {
            Some(path) if path.exists() || selected => Ok(Origin::File {
                label: format!("the default kubeconfig {}", path.display()),
                path,
            }),
            _ if selected => Err(ClientError::Missing {
                origin: "the default kubeconfig ~/.kube/config".into(),
            }),
            _ => Ok(Origin::Infer),
        }
    }

    /// Resolves the flags into a client configuration.
    ///
    /// # Errors
    /// [`ClientError`] naming the file, flag or entry at fault.
    pub async fn config(&self) -> Result<Config, ClientError> {
        let origin = self.origin()?;
        let kubeconfig = match &origin {
            Origin::File { path, label } => read(path, label)?,
            Origin::Merged { label } => {
                Kubeconfig::read().map_err(|e| ClientError::NotKubeconfig {
                    origin: label.clone(),
                    reason: e.to_string(),
                })?
            }
            Origin::Infer => return Config::infer().await.map_err(ClientError::Infer),
        };
        let label = origin.label();
        self.check_selection(&kubeconfig, &label)?;
        let options = KubeConfigOptions {
            context: self.context.clone(),
            cluster: self.cluster.clone(),
            user: self.user.clone(),
        };
        Config::from_custom_kubeconfig(kubeconfig, &options)
            .await
            .map_err(|e| ClientError::Config {
                origin: label,
                reason: e.to_string(),
            })
    }

    /// The context, cluster and user the flags (or the file) select must exist: kube would
    /// say only "failed to load current context".
    fn check_selection(&self, kc: &Kubeconfig, origin: &str) -> Result<(), ClientError> {
        let unknown = |subject: String, names: Vec<&str>, kind: &str| {
            let known = if names.is_empty() {
                format!("it defines no {kind}s")
            } else {
                format!("{kind}s: {}", names.join(", "))
            };
            ClientError::Unknown {
                subject,
                origin: origin.to_string(),
                known,
            }
        };
        let contexts: Vec<&str> = kc.contexts.iter().map(|c| c.name.as_str()).collect();
        let (context_name, what) = match (&self.context, &kc.current_context) {
            (Some(c), _) => (c.clone(), format!("{} {c:?}", self.flag("context"))),
            (None, Some(c)) if !c.is_empty() => (c.clone(), format!("current-context {c:?}")),
            (None, _) => {
                return Err(ClientError::NoCurrentContext {
                    origin: origin.to_string(),
                    flag: self.flag("context"),
                });
            }
        };
        let context = kc
            .contexts
            .iter()
            .find(|c| c.name == context_name)
            .ok_or_else(|| unknown(what, contexts, "context"))?;
        let context = context.context.clone().unwrap_or_default();
        let clusters: Vec<&str> = kc.clusters.iter().map(|c| c.name.as_str()).collect();
        let (cluster, what) = match &self.cluster {
            Some(c) => (c.clone(), format!("{} {c:?}", self.flag("cluster"))),
            None => (
                context.cluster.clone(),
                format!("cluster {:?} of context {context_name:?}", context.cluster),
            ),
        };
        if !clusters.contains(&cluster.as_str()) {
            return Err(unknown(what, clusters, "cluster"));
        }
        let users: Vec<&str> = kc.auth_infos.iter().map(|u| u.name.as_str()).collect();
        let (user, what) = match (&self.user, &context.user) {
            (Some(u), _) => (Some(u.clone()), format!("{} {u:?}", self.flag("user"))),
            (None, u) => (
                u.clone(),
                format!(
                    "user {:?} of context {context_name:?}",
                    u.as_deref().unwrap_or("")
                ),
            ),
        };
        match user {
            Some(user) if !user.is_empty() && !users.contains(&user.as_str()) => {
                Err(unknown(what, users, "user"))
            }
            _ => Ok(()),
        }
    }

    /// A client for the cluster, not contacted yet.
    ///
    /// # Errors
    /// As [`Access::config`], or when the client cannot be built.
    pub async fn client(&self) -> Result<(Client, Config), ClientError> {
        let config = self.config().await?;
        let build_error = |e: kube::Error| ClientError::Build {
            side: self.side(),
            reason: api_error::render(&e),
        };
        // Without LIQOCTL_API_REQUESTS the client is kube's own stack, untouched.
        let client = match request_counter(self.side()) {
            None => Client::try_from(config.clone()).map_err(build_error)?,
            Some(count) => kube::client::ClientBuilder::try_from(config.clone())
                .map_err(build_error)?
                .with_layer(&CountLayer(count))
                .build(),
        };
        Ok((client, config))
    }

    /// A client for the cluster, after one request (`GET /version`) proved the server is
    /// reachable, its certificate trusted and the credentials accepted: each failure gets its
    /// own message naming the flags, instead of surfacing later inside an unrelated step.
    ///
    /// # Errors
    /// As [`Access::client`], plus [`ClientError::Unreachable`], [`ClientError::Tls`] and
    /// [`ClientError::Unauthorized`].
    pub async fn connect(&self) -> Result<(Client, Config), ClientError> {
        let (client, config) = self.client().await?;
        let Err(err) = client.apiserver_version().await else {
            return Ok((client, config));
        };
        let server = config.cluster_url.to_string();
        let server = server.trim_end_matches('/').to_string();
        let origin = self.origin().map(|o| o.label()).unwrap_or_default();
        let side = self.side();
        match api_error::classify(&err) {
            Cause::Unreachable(reason) => Err(ClientError::Unreachable {
                side,
                server,
                origin,
                reason,
            }),
            Cause::Tls(reason) => Err(ClientError::Tls {
                side,
                server,
                origin,
                reason,
            }),
            Cause::Unauthorized(_) => Err(ClientError::Unauthorized {
                side,
                server,
                origin,
                user: self.user_name().await.unwrap_or_default(),
                flag: self.flag("user"),
            }),
            // The server answered and knows who we are: RBAC is checked per request later,
            // and a cluster may well deny /version to a restricted user.
            _ => Ok((client, config)),
        }
    }

    /// The kubeconfig user the flags select, for messages.
    async fn user_name(&self) -> Option<String> {
        if let Some(user) = &self.user {
            return Some(user.clone());
        }
        let kc = match self.origin().ok()? {
            Origin::File { path, .. } => Kubeconfig::read_from(path).ok()?,
            Origin::Merged { .. } => Kubeconfig::read().ok()?,
            Origin::Infer => return Some("the pod's service account".into()),
        };
        let context = self.context.clone().or(kc.current_context.clone())?;
        kc.contexts
            .into_iter()
            .find(|c| c.name == context)?
            .context?
            .user
    }
}

/// Reads a kubeconfig file, telling a missing file, a directory, an empty file and a file that
/// is not a kubeconfig apart.
fn read(path: &Path, origin: &str) -> Result<Kubeconfig, ClientError> {
    let origin = origin.to_string();
    let text = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ClientError::Missing { origin });
        }
        Err(_) if path.is_dir() => return Err(ClientError::Directory { origin }),
        Err(e) => {
            return Err(ClientError::Unreadable {
                origin,
                reason: api_error::io_reason(&e),
            });
        }
    };
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(ClientError::Empty { origin });
    }
    // read_from (not from_yaml) so relative certificate paths resolve against the file's
    // directory, as kubectl does.
    let kc = Kubeconfig::read_from(path).map_err(|e| ClientError::NotKubeconfig {
        origin: origin.clone(),
        reason: match e {
            kube::config::KubeconfigError::Parse(e) => format!("invalid YAML: {e}"),
            other => other.to_string(),
        },
    })?;
    if let Some(kind) = kc
        .kind
        .as_deref()
        .filter(|k| !k.is_empty() && *k != "Config")
    {
        return Err(ClientError::NotKubeconfig {
            origin,
            reason: format!("it is a {kind}, not a Config"),
        });
    }
    if kc.clusters.is_empty() && kc.contexts.is_empty() && kc.auth_infos.is_empty() {
        return Err(ClientError::NotKubeconfig {
            origin,
            reason: "it defines no clusters, users or contexts".into(),
        });
    }
    Ok(kc)
}

/// The environment variable naming the file liqoctl appends its API-request counts to.
pub const REQUESTS_ENV: &str = "LIQOCTL_API_REQUESTS";

/// Requests sent by the clients [`Access::client`] built, per side (`local`, `remote`).
static REQUESTS: [(&str, AtomicU64); 2] =
    [("local", AtomicU64::new(0)), ("remote", AtomicU64::new(0))];

/// The counter of `side`, or `None` when counting is off ([`REQUESTS_ENV`] unset or empty).
fn request_counter(side: &str) -> Option<&'static AtomicU64> {
    static ON: OnceLock<bool> = OnceLock::new();
    let on = *ON.get_or_init(|| std::env::var_os(REQUESTS_ENV).is_some_and(|v| !v.is_empty()));
    on.then(|| REQUESTS.iter().find(|(s, _)| *s == side).map(|(_, n)| n))
        .flatten()
}

/// The API requests each side's clients have sent so far: `[("local", n), ("remote", m)]`,
/// all zero unless [`REQUESTS_ENV`] is set. A request kube retries internally (HTTP 429/503)
/// counts once.
pub fn requests() -> Vec<(&'static str, u64)> {
    REQUESTS
        .iter()
        .map(|(side, n)| (*side, n.load(Ordering::Relaxed)))
        .collect()
}

/// Appends `local=<n> remote=<m>` to the file [`REQUESTS_ENV`] names; nothing when it is
/// unset. Best effort: a benchmark aid must not change the command's outcome.
pub fn append_request_counts() {
    let Some(path) = std::env::var_os(REQUESTS_ENV).filter(|v| !v.is_empty()) else {
        return;
    };
    let line: Vec<String> = requests().iter().map(|(s, n)| format!("{s}={n}")).collect();
    let _ = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| writeln!(f, "{}", line.join(" ")));
}

/// Wraps a client's service stack so each request it sends bumps a counter.
#[derive(Debug, Clone, Copy)]
struct CountLayer(&'static AtomicU64);

impl<S> tower::Layer<S> for CountLayer {
    type Service = Counted<S>;

    fn layer(&self, inner: S) -> Counted<S> {
        Counted {
            inner,
            count: self.0,
        }
    }
}

/// A service counting the requests it passes on.
#[derive(Debug, Clone)]
struct Counted<S> {
    inner: S,
    count: &'static AtomicU64,
}

impl<S: tower::Service<R>, R> tower::Service<R> for Counted<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> S::Future {
        self.count.fetch_add(1, Ordering::Relaxed);
        self.inner.call(request)
    }
}

/// Whether two configurations reach the same API server: liqoctl refuses to peer a cluster
/// with itself (the cluster-ID check catches the same cluster behind two addresses).
pub fn same_endpoint(a: &Config, b: &Config) -> bool {
    a.cluster_url == b.cluster_url
}

#[cfg(test)]
mod tests {
    use super::*;

    const KUBECONFIG: &str = "apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:6443
users:
- name: u
  user:
    token: t
contexts:
- name: ctx
  context:
    cluster: c
    user: u
current-context: ctx
";

    fn file(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("liqo-kube-client-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn remote(path: &Path) -> Access {
        Access {
            kubeconfig: Some(path.to_path_buf()),
            flag_prefix: "remote-",
            ..Default::default()
        }
    }

    async fn error(access: Access) -> String {
        access.config().await.unwrap_err().to_string()
    }

    #[tokio::test]
    async fn each_bad_kubeconfig_names_the_flag_and_what_is_wrong() {
        let missing = std::env::temp_dir().join("liqo-kube-client-missing/none");
        assert_eq!(
            error(remote(&missing)).await,
            format!(
                "cannot read --remote-kubeconfig {}: no such file",
                missing.display()
            )
        );
        let dir = std::env::temp_dir();
        assert_eq!(
            error(remote(&dir)).await,
            format!(
                "cannot read --remote-kubeconfig {}: it is a directory, not a kubeconfig file",
                dir.display()
            )
        );
        let empty = file("empty", "\n");
        assert!(
            error(remote(&empty))
                .await
                .ends_with("is empty: it is not a kubeconfig")
        );
        let yaml = file("yaml", "this: is: not: yaml");
        assert!(
            error(remote(&yaml))
                .await
                .contains("is not a kubeconfig: invalid YAML")
        );
        let cm = file(
            "cm",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
        );
        assert!(
            error(remote(&cm))
                .await
                .ends_with("is not a kubeconfig: it is a ConfigMap, not a Config")
        );
        let other = file("other", "foo: bar\n");
        assert!(
            error(remote(&other))
                .await
                .ends_with("it defines no clusters, users or contexts")
        );
    }

    #[tokio::test]
    async fn unknown_entries_name_the_flag_and_list_what_exists() {
        let path = file("good", KUBECONFIG);
        let mut access = remote(&path);
        access.context = Some("nope".into());
        assert_eq!(
            error(access.clone()).await,
            format!(
                "--remote-context \"nope\" is not defined in --remote-kubeconfig {} (contexts: ctx)",
                path.display()
            )
        );
        access.context = None;
        access.user = Some("bob".into());
        assert!(
            error(access.clone())
                .await
                .starts_with("--remote-user \"bob\" is not defined in --remote-kubeconfig")
        );
        access.user = None;
        access.cluster = Some("k".into());
        assert!(error(access).await.ends_with("(clusters: c)"));
        let dangling = file("dangling", &KUBECONFIG.replace("user: u", "user: gone"));
        assert!(
            error(remote(&dangling)).await.starts_with(
                "user \"gone\" of context \"ctx\" is not defined in --remote-kubeconfig"
            )
        );
        let no_current = file("nocurrent", &KUBECONFIG.replace("current-context: ctx", ""));
        assert!(
            error(remote(&no_current))
                .await
                .ends_with("sets no current-context: pass --remote-context")
        );
        let local = Access {
            kubeconfig: Some(path.clone()),
            context: Some("x".into()),
            ..Default::default()
        };
        assert!(error(local).await.starts_with("--context \"x\""));
    }

    #[tokio::test]
    async fn a_good_kubeconfig_resolves() {
        let path = file("ok", KUBECONFIG);
        let config = remote(&path).config().await.unwrap();
        assert_eq!(config.cluster_url.to_string(), "https://127.0.0.1:6443/");
    }

    /// Answers every request at once with the request itself.
    struct Echo;

    impl tower::Service<u8> for Echo {
        type Response = u8;
        type Error = ();
        type Future = std::future::Ready<Result<u8, ()>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), ()>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, request: u8) -> Self::Future {
            std::future::ready(Ok(request))
        }
    }

    #[tokio::test]
    async fn the_count_layer_counts_each_request_and_passes_it_on() {
        use tower::{Layer as _, Service as _};
        static COUNT: AtomicU64 = AtomicU64::new(0);
        let mut service = CountLayer(&COUNT).layer(Echo);
        for request in 1..=3 {
            assert_eq!(service.call(request).await, Ok(request));
        }
        assert_eq!(COUNT.load(Ordering::Relaxed), 3);
    }
}
