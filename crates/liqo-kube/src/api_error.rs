//! The one renderer of [`kube::Error`] for people: `<reason>: <message>` for API errors (never
//! kube's `Status { … }` Debug dump), and the transport failures told apart: unreachable server,
//! TLS failure, rejected credentials.

use std::error::Error as StdError;

use kube::core::Status;

/// What went wrong with a request, by what the user can do about it.
#[derive(Debug)]
pub enum Cause<'a> {
    /// No answer from the server: refused, unresolvable, timed out. The reason in words.
    Unreachable(String),
    /// The TLS handshake failed (e.g. a server certificate from an unknown CA).
    Tls(String),
    /// HTTP 401: the credentials were rejected.
    Unauthorized(&'a Status),
    /// HTTP 403: the user may not do this; the message names user, verb and resource.
    Forbidden(&'a Status),
    /// Any other answer of the API server.
    Api(&'a Status),
    /// Anything else (bad response body, client-side failure), already rendered.
    Other(String),
}

/// Sorts a kube error into a [`Cause`].
pub fn classify(err: &kube::Error) -> Cause<'_> {
    if let kube::Error::Api(status) = err {
        return match status.code {
            401 => Cause::Unauthorized(status),
            403 => Cause::Forbidden(status),
            _ => Cause::Api(status),
        };
    }
    let transport = matches!(err, kube::Error::HyperError(_) | kube::Error::Service(_));
    // Deepest first: each wrapper repeats its source's text behind its own prefix.
    let causes: Vec<_> = chain(err).collect();
    for cause in causes.into_iter().rev() {
        let text = cause.to_string();
        if is_tls(&text) {
            return Cause::Tls(text);
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            if let Some(inner) = io.get_ref().map(ToString::to_string)
                && is_tls(&inner)
            {
                return Cause::Tls(inner);
            }
            if transport {
                return Cause::Unreachable(io_reason(io));
            }
        }
    }
    if transport {
        // hyper's own failures (connection closed mid-request, …) without an I/O error.
        return Cause::Unreachable(flatten(err));
    }
    Cause::Other(flatten(err))
}

/// One line for people: `Forbidden: <the API server's message>`, `cannot reach the API server:
/// connection refused`, `TLS handshake failed: invalid peer certificate: UnknownIssuer`.
pub fn render(err: &kube::Error) -> String {
    match classify(err) {
        Cause::Unreachable(reason) => format!("cannot reach the API server: {reason}"),
        Cause::Tls(reason) => format!("TLS handshake failed: {reason}"),
        Cause::Unauthorized(s) | Cause::Forbidden(s) | Cause::Api(s) => status(s),
        Cause::Other(text) => text,
    }
}

/// An API status as `<reason>: <message>` (`NotFound: namespaces "x" not found`).
pub fn status(s: &Status) -> String {
    let reason = if s.reason.is_empty() {
        format!("HTTP {}", s.code)
    } else {
        s.reason.clone()
    };
    if s.message.is_empty() || s.message == s.reason {
        reason
    } else {
        format!("{reason}: {}", s.message)
    }
}

/// An I/O failure in words: `connection refused`, not `Connection refused (os error 111)`
/// repeated by each layer that wraps it.
pub fn io_reason(err: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match err.kind() {
        // No better word than the error's own text (DNS failures, rustls alerts…).
        ErrorKind::Other | ErrorKind::InvalidData | ErrorKind::InvalidInput => err
            .get_ref()
            .map_or_else(|| strip_os_code(&err.to_string()), ToString::to_string),
        kind if kind.to_string() == "uncategorized error" => strip_os_code(&err.to_string()),
        kind => kind.to_string(),
    }
}

fn strip_os_code(text: &str) -> String {
    match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => text[..at].to_string(),
        _ => text.to_string(),
    }
}

/// rustls says `invalid peer certificate: …` or names a certificate in its alerts.
fn is_tls(text: &str) -> bool {
    text.contains("invalid peer certificate")
        || text.contains("certificate verify failed")
        || text.starts_with("received fatal alert")
}

/// `err` and its sources.
fn chain<'a>(
    err: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(err), |e: &&'a (dyn StdError + 'static)| (*e).source())
}

/// The chain on one line, each message once: wrappers that repeat their source's text (most
/// do) are not followed by it again.
fn flatten(err: &kube::Error) -> String {
    let mut out: Vec<String> = Vec::new();
    for cause in chain(err) {
        let text = match cause.downcast_ref::<std::io::Error>() {
            Some(io) => io_reason(io),
            None => cause.to_string(),
        };
        if out.last().is_some_and(|prev| prev.contains(&text)) {
            continue;
        }
        out.push(text);
    }
    out.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: u16, reason: &str, message: &str) -> kube::Error {
        kube::Error::Api(Status::failure(message, reason).with_code(code).boxed())
    }

    #[test]
    fn api_errors_render_as_reason_and_message_without_debug_dumps() {
        let forbidden = api(
            403,
            "Forbidden",
            "configmaps \"x\" is forbidden: User \"bob\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"liqo\"",
        );
        assert!(matches!(classify(&forbidden), Cause::Forbidden(_)));
        assert_eq!(
            render(&forbidden),
            "Forbidden: configmaps \"x\" is forbidden: User \"bob\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"liqo\""
        );
        let unauthorized = api(401, "Unauthorized", "Unauthorized");
        assert!(matches!(classify(&unauthorized), Cause::Unauthorized(_)));
        assert_eq!(render(&unauthorized), "Unauthorized");
        assert_eq!(render(&api(500, "", "boom")), "HTTP 500: boom");
        assert!(!render(&api(404, "NotFound", "gone")).contains("Status"));
    }

    #[test]
    fn io_errors_read_as_words() {
        let refused = std::io::Error::from_raw_os_error(111);
        assert_eq!(io_reason(&refused), "connection refused");
        let dns = std::io::Error::other("failed to lookup address information");
        assert_eq!(io_reason(&dns), "failed to lookup address information");
        assert_eq!(strip_os_code("No such file (os error 2)"), "No such file");
    }

    #[test]
    fn transport_errors_are_unreachable_or_tls() {
        let refused = kube::Error::Service(Box::new(std::io::Error::from_raw_os_error(111)));
        assert!(matches!(classify(&refused), Cause::Unreachable(r) if r == "connection refused"));
        let tls = kube::Error::Service(Box::new(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "invalid peer certificate: UnknownIssuer",
        )));
        assert_eq!(
            render(&tls),
            "TLS handshake failed: invalid peer certificate: UnknownIssuer"
        );
    }
}
