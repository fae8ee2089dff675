//! SPDY/3.1 framing as kubectl's spdystream speaks it: 8-byte frame heads (a control bit,
//! version 3 and a type, or a 31-bit stream id), and name/value header blocks compressed with
//! zlib from the SPDY/3 dictionary, one zlib context per direction for the whole connection
//! (each block ends with a sync flush, so it decodes alone once the earlier ones have).

use bytes::{BufMut, Bytes, BytesMut};
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress};
use tokio::io::{AsyncRead, AsyncReadExt};

use super::dictionary::DICTIONARY;

/// The only version spoken.
const VERSION: u32 = 3;
/// The last frame on a stream from its sender (half-close).
pub(super) const FLAG_FIN: u8 = 0x01;
/// Stream ids and window deltas are 31 bits.
const ID_MASK: u32 = 0x7fff_ffff;
/// What a frame's 24-bit length allows.
const MAX_PAYLOAD: usize = 0x00ff_ffff;
/// A decoded header block larger than this is a protocol error (kubectl's are ~100 bytes).
const MAX_HEADER_BLOCK: usize = 1 << 20;
/// The window each stream and the session start with (SPDY/3.1).
pub(super) const INITIAL_WINDOW: i64 = 65_536;
/// The SETTINGS id that changes every stream's initial window.
pub(super) const SETTINGS_INITIAL_WINDOW_SIZE: u32 = 7;
/// RST_STREAM statuses sent.
pub(super) const PROTOCOL_ERROR: u32 = 1;
pub(super) const REFUSED_STREAM: u32 = 3;
pub(super) const CANCEL: u32 = 5;

const SYN_STREAM: u32 = 1;
const SYN_REPLY: u32 = 2;
const RST_STREAM: u32 = 3;
const SETTINGS: u32 = 4;
const PING: u32 = 6;
const GOAWAY: u32 = 7;
const HEADERS: u32 = 8;
const WINDOW_UPDATE: u32 = 9;

/// Header names (lowercase) and values, in order.
pub(super) type Headers = Vec<(String, String)>;

/// One frame, its header block decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Frame {
    Data {
        stream: u32,
        fin: bool,
        data: Bytes,
    },
    SynStream {
        stream: u32,
        associated: u32,
        priority: u8,
        fin: bool,
        headers: Headers,
    },
    SynReply {
        stream: u32,
        fin: bool,
        headers: Headers,
    },
    RstStream {
        stream: u32,
        status: u32,
    },
    /// `(id, value)` pairs; the per-entry flags are not kept.
    Settings(Vec<(u32, u32)>),
    Ping(u32),
    GoAway {
        last_good: u32,
        status: u32,
    },
    Headers {
        stream: u32,
        fin: bool,
        headers: Headers,
    },
    WindowUpdate {
        stream: u32,
        delta: u32,
    },
    /// A control frame type not acted on (NOOP, CREDENTIAL, …): skipped, as SPDY allows.
    Other(u16),
}

/// Why the connection cannot go on.
#[derive(Debug, thiserror::Error)]
pub(super) enum SpdyError {
    #[error("SPDY connection failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("malformed SPDY frame: {0}")]
    Malformed(String),
    #[error("SPDY header block does not inflate: {0}")]
    Zlib(String),
}

/// The sending side's zlib context.
pub(super) struct HeaderEncoder(Compress);

impl HeaderEncoder {
    pub(super) fn new() -> Self {
        let mut zlib = Compress::new(Compression::best(), true);
        // Infallible on a fresh stream; a failure would only make blocks larger.
        let _ = zlib.set_dictionary(DICTIONARY);
        Self(zlib)
    }

    /// `headers` as one compressed block, flushed so the peer decodes it at once.
    fn encode(&mut self, headers: &Headers) -> Result<Vec<u8>, SpdyError> {
        let plain = header_block(headers);
        let mut out = Vec::with_capacity(plain.len() + 64);
        let mut consumed = 0;
        loop {
            out.reserve(256);
            let before = self.0.total_in();
            self.0
                .compress_vec(&plain[consumed..], &mut out, FlushCompress::Sync)
                .map_err(|e| SpdyError::Zlib(e.to_string()))?;
            consumed += usize::try_from(self.0.total_in() - before).unwrap_or(0);
            // The flush is complete once all input is in and zlib left room unused.
            if consumed == plain.len() && out.len() < out.capacity() {
                return Ok(out);
            }
        }
    }
}

/// The receiving side's zlib context.
pub(super) struct HeaderDecoder(Decompress);

impl HeaderDecoder {
    pub(super) fn new() -> Self {
        Self(Decompress::new(true))
    }

    fn decode(&mut self, block: &[u8]) -> Result<Headers, SpdyError> {
        let zlib = |e: flate2::DecompressError| SpdyError::Zlib(e.to_string());
        let mut out = Vec::with_capacity(block.len() * 4 + 256);
        let mut consumed = 0;
        loop {
            out.reserve(1024);
            let (before_in, before_out) = (self.0.total_in(), out.len());
            let result = self
                .0
                .decompress_vec(&block[consumed..], &mut out, FlushDecompress::Sync);
            consumed += usize::try_from(self.0.total_in() - before_in).unwrap_or(0);
            match result {
                Ok(_) => {}
                // The first block asks for the dictionary named in its zlib header.
                Err(e) if e.needs_dictionary().is_some() => {
                    self.0.set_dictionary(DICTIONARY).map_err(zlib)?;
                    continue;
                }
                Err(e) => return Err(zlib(e)),
            }
            if out.len() > MAX_HEADER_BLOCK {
                return Err(SpdyError::Malformed("header block over 1 MiB".into()));
            }
            let stalled = consumed == block.len() || out.len() == before_out;
            if stalled && out.len() < out.capacity() {
                return parse_header_block(&out);
            }
        }
    }
}

/// The uncompressed block: a count, then length-prefixed names and values.
fn header_block(headers: &Headers) -> Vec<u8> {
    let mut block = Vec::new();
    block.put_u32(u32::try_from(headers.len()).unwrap_or(u32::MAX));
    for (name, value) in headers {
        for field in [name.to_ascii_lowercase().as_bytes(), value.as_bytes()] {
            block.put_u32(u32::try_from(field.len()).unwrap_or(u32::MAX));
            block.put_slice(field);
        }
    }
    block
}

fn parse_header_block(block: &[u8]) -> Result<Headers, SpdyError> {
    let mut cursor = Cursor(block);
    let count = cursor.u32()?;
    let mut headers = Vec::new();
    for _ in 0..count {
        let name = cursor.field()?.to_ascii_lowercase();
        // A NUL separates the values of one name.
        for value in cursor.field()?.split('\0') {
            headers.push((name.clone(), value.to_string()));
        }
    }
    Ok(headers)
}

/// Reads a frame payload front to back.
struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn u32(&mut self) -> Result<u32, SpdyError> {
        let (head, rest) = self
            .0
            .split_first_chunk::<4>()
            .ok_or_else(|| SpdyError::Malformed("frame shorter than its fields".into()))?;
        self.0 = rest;
        Ok(u32::from_be_bytes(*head))
    }

    fn field(&mut self) -> Result<String, SpdyError> {
        let len = self.u32()? as usize;
        if len > self.0.len() {
            return Err(SpdyError::Malformed("header field past its block".into()));
        }
        let (field, rest) = self.0.split_at(len);
        self.0 = rest;
        String::from_utf8(field.to_vec())
            .map_err(|_| SpdyError::Malformed("header field is not UTF-8".into()))
    }
}

/// The next frame from `r`; `None` when it ends cleanly between frames.
pub(super) async fn read_frame<R: AsyncRead + Unpin>(
    r: &mut R,
    headers: &mut HeaderDecoder,
) -> Result<Option<Frame>, SpdyError> {
    let mut head = [0u8; 8];
    if r.read(&mut head[..1]).await? == 0 {
        return Ok(None);
    }
    r.read_exact(&mut head[1..]).await?;
    let word = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
    let flags = head[4];
    let len = u32::from_be_bytes([0, head[5], head[6], head[7]]) as usize;
    let mut payload = vec![0; len];
    r.read_exact(&mut payload).await?;
    if word & 0x8000_0000 == 0 {
        return Ok(Some(Frame::Data {
            stream: word & ID_MASK,
            fin: flags & FLAG_FIN != 0,
            data: Bytes::from(payload),
        }));
    }
    let version = (word >> 16) & 0x7fff;
    if version != VERSION {
        return Err(SpdyError::Malformed(format!(
            "SPDY version {version} (only 3 is spoken)"
        )));
    }
    control(word & 0xffff, flags, &payload, headers).map(Some)
}

fn control(
    kind: u32,
    flags: u8,
    payload: &[u8],
    headers: &mut HeaderDecoder,
) -> Result<Frame, SpdyError> {
    let mut c = Cursor(payload);
    let fin = flags & FLAG_FIN != 0;
    let frame = match kind {
        SYN_STREAM => {
            let stream = c.u32()? & ID_MASK;
            let associated = c.u32()? & ID_MASK;
            let priority = c.0.first().map_or(0, |p| p >> 5);
            let block = c
                .0
                .get(2..)
                .ok_or_else(|| SpdyError::Malformed("SYN_STREAM shorter than its fields".into()))?;
            Frame::SynStream {
                stream,
                associated,
                priority,
                fin,
                headers: headers.decode(block)?,
            }
        }
        SYN_REPLY => Frame::SynReply {
            stream: c.u32()? & ID_MASK,
            fin,
            headers: headers.decode(c.0)?,
        },
        HEADERS => Frame::Headers {
            stream: c.u32()? & ID_MASK,
            fin,
            headers: headers.decode(c.0)?,
        },
        RST_STREAM => Frame::RstStream {
            stream: c.u32()? & ID_MASK,
            status: c.u32()?,
        },
        SETTINGS => {
            let count = c.u32()?;
            let mut entries = Vec::new();
            for _ in 0..count {
                let id = c.u32()? & 0x00ff_ffff;
                entries.push((id, c.u32()?));
            }
            Frame::Settings(entries)
        }
        PING => Frame::Ping(c.u32()?),
        GOAWAY => Frame::GoAway {
            last_good: c.u32()? & ID_MASK,
            status: c.u32().unwrap_or(0),
        },
        WINDOW_UPDATE => Frame::WindowUpdate {
            stream: c.u32()? & ID_MASK,
            delta: c.u32()? & ID_MASK,
        },
        other => Frame::Other(u16::try_from(other).unwrap_or(u16::MAX)),
    };
    Ok(frame)
}

/// Appends `frame` to `out`, its header block compressed with `headers`.
pub(super) fn encode(
    frame: &Frame,
    headers: &mut HeaderEncoder,
    out: &mut BytesMut,
) -> Result<(), SpdyError> {
    let fin = |f: bool| if f { FLAG_FIN } else { 0 };
    let mut body = BytesMut::new();
    let (kind, flags) = match frame {
        Frame::Data {
            stream,
            fin: f,
            data,
        } => {
            return put_frame(out, stream & ID_MASK, fin(*f), data);
        }
        Frame::SynStream {
            stream,
            associated,
            priority,
            fin: f,
            headers: h,
        } => {
            body.put_u32(stream & ID_MASK);
            body.put_u32(associated & ID_MASK);
            body.put_u8(priority << 5);
            body.put_u8(0);
            body.put_slice(&headers.encode(h)?);
            (SYN_STREAM, fin(*f))
        }
        Frame::SynReply {
            stream,
            fin: f,
            headers: h,
        }
        | Frame::Headers {
            stream,
            fin: f,
            headers: h,
        } => {
            body.put_u32(stream & ID_MASK);
            body.put_slice(&headers.encode(h)?);
            let kind = if matches!(frame, Frame::SynReply { .. }) {
                SYN_REPLY
            } else {
                HEADERS
            };
            (kind, fin(*f))
        }
        Frame::RstStream { stream, status } => {
            body.put_u32(stream & ID_MASK);
            body.put_u32(*status);
            (RST_STREAM, 0)
        }
        Frame::Settings(entries) => {
            body.put_u32(u32::try_from(entries.len()).unwrap_or(u32::MAX));
            for (id, value) in entries {
                body.put_u32(id & 0x00ff_ffff);
                body.put_u32(*value);
            }
            (SETTINGS, 0)
        }
        Frame::Ping(id) => {
            body.put_u32(*id);
            (PING, 0)
        }
        Frame::GoAway { last_good, status } => {
            body.put_u32(last_good & ID_MASK);
            body.put_u32(*status);
            (GOAWAY, 0)
        }
        Frame::WindowUpdate { stream, delta } => {
            body.put_u32(stream & ID_MASK);
            body.put_u32(delta & ID_MASK);
            (WINDOW_UPDATE, 0)
        }
        Frame::Other(kind) => (u32::from(*kind), 0),
    };
    put_frame(out, 0x8000_0000 | (VERSION << 16) | kind, flags, &body)
}

fn put_frame(out: &mut BytesMut, word: u32, flags: u8, payload: &[u8]) -> Result<(), SpdyError> {
    if payload.len() > MAX_PAYLOAD {
        return Err(SpdyError::Malformed(format!(
            "a {}-byte frame is over SPDY's 16 MiB",
            payload.len()
        )));
    }
    out.put_u32(word);
    out.put_u32((u32::from(flags) << 24) | payload.len() as u32);
    out.put_slice(payload);
    Ok(())
}

/// The first value of `name` in `headers`.
pub(super) fn header<'a>(headers: &'a Headers, name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}
