//! `/containerLogs`: the request as the API server forwards `kubectl logs`, and the streamed
//! response.

use futures::StreamExt;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use hyper::{Response, StatusCode};

use crate::server::Body;
use crate::{LogStream, Refusal};

/// Which container's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRequest {
    /// The pod's namespace (the caller's cluster).
    pub namespace: String,
    /// The pod.
    pub pod: String,
    /// The container.
    pub container: String,
    /// How much of it.
    pub options: LogOptions,
}

/// The query of a log request (the names are the kubelet's).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogOptions {
    /// `follow`: keep streaming as the container writes, with no time limit (liqo#2523).
    pub follow: bool,
    /// `previous`: the previous instance of a restarted container.
    pub previous: bool,
    /// `timestamps`: each line prefixed with its time.
    pub timestamps: bool,
    /// `tailLines`: only the last lines.
    pub tail_lines: Option<i64>,
    /// `limitBytes`: at most these many bytes.
    pub limit_bytes: Option<i64>,
    /// `sinceSeconds`: only lines newer than this.
    pub since_seconds: Option<i64>,
    /// `sinceTime` (RFC 3339), as given.
    pub since_time: Option<String>,
}

impl LogRequest {
    /// The request for `namespace/pod/container` with `query`.
    ///
    /// # Errors
    /// 400 naming the query parameter that is not a number or a boolean.
    pub(crate) fn parse(
        namespace: &str,
        pod: &str,
        container: &str,
        query: &str,
    ) -> Result<Self, Refusal> {
        let mut options = LogOptions::default();
        // Decoded: `sinceTime` arrives with its colons percent-encoded.
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            let value = if value.is_empty() {
                "true"
            } else {
                value.as_ref()
            };
            let key = key.as_ref();
            let bad = || {
                Refusal::new(
                    StatusCode::BAD_REQUEST,
                    format!("invalid log option {key}={value}"),
                )
            };
            let flag = || value.parse::<bool>().map_err(|_| bad());
            let number = || value.parse::<i64>().map(Some).map_err(|_| bad());
            match key {
                "follow" => options.follow = flag()?,
                "previous" => options.previous = flag()?,
                "timestamps" => options.timestamps = flag()?,
                "tailLines" => options.tail_lines = number()?,
                "limitBytes" => options.limit_bytes = number()?,
                "sinceSeconds" => options.since_seconds = number()?,
                "sinceTime" => options.since_time = Some(value.to_string()),
                _ => {}
            }
        }
        Ok(Self {
            namespace: namespace.into(),
            pod: pod.into(),
            container: container.into(),
            options,
        })
    }
}

/// `200 text/plain` streaming `log` as it comes.
pub(crate) fn response(log: LogStream) -> Response<Body> {
    let frames = log.map(|chunk| chunk.map(Frame::data));
    Response::builder()
        .header(hyper::header::CONTENT_TYPE, "text/plain")
        .body(BodyExt::boxed_unsync(StreamBody::new(frames)))
        .expect("invariant: static header")
}
