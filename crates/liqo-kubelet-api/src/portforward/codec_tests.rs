//! The SPDY codec against bytes moby/spdystream wrote, and its own output read back.

use bytes::{Bytes, BytesMut};

use super::dictionary;
use super::spdy::{self, Frame, HeaderDecoder, HeaderEncoder, Headers};

/// What moby/spdystream v0.5.1's framer wrote for: SYN_STREAM 1 (error, port 8080, request 0),
/// SYN_STREAM 3 (data, same), DATA 3 "hello", DATA 3 FIN, PING 1, RST_STREAM 3 CANCEL,
/// GOAWAY 3. The second header block decodes only in the first one's zlib context.
const SPDYSTREAM_FRAMES: &str = "\
800300010000003e0000000100000000000078f9e3c6a7c202253a703a2b294a4dcc851625aca9a0808614cb45e0\
1c60616061c0c0c0c0590489c64c50f2663400000000ffff800300010000001800000003000000000000c2aa1954\
0e2512d60b000000ffff000000030000000568656c6c6f0000000301000000800300060000000400000001800300\
0300000008000000030000000580030007000000080000000300000000";

fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

fn headers(pairs: &[(&str, &str)]) -> Headers {
    pairs
        .iter()
        .map(|(n, v)| ((*n).to_string(), (*v).to_string()))
        .collect()
}

fn sorted(mut headers: Headers) -> Headers {
    headers.sort();
    headers
}

async fn read_all(mut bytes: &[u8]) -> Vec<Frame> {
    let mut decoder = HeaderDecoder::new();
    let mut frames = Vec::new();
    while let Some(frame) = spdy::read_frame(&mut bytes, &mut decoder).await.unwrap() {
        frames.push(frame);
    }
    frames
}

#[test]
fn the_dictionary_is_spdy3s() {
    assert_eq!(dictionary::DICTIONARY.len(), 1423);
    assert!(dictionary::DICTIONARY.starts_with(b"\0\0\0\x07options\0\0\0\x04head"));
    assert!(dictionary::DICTIONARY.ends_with(b"charset=iso-8859-1,utf-,*,enq=0."));
}

#[tokio::test]
async fn frames_spdystream_wrote_are_read() {
    let frames = read_all(&unhex(SPDYSTREAM_FRAMES)).await;
    let Frame::SynStream {
        stream: 1,
        headers: error,
        fin: false,
        ..
    } = &frames[0]
    else {
        panic!("not the error stream: {:?}", frames[0])
    };
    let expected = [
        ("port", "8080"),
        ("requestid", "0"),
        ("streamtype", "error"),
    ];
    assert_eq!(sorted(error.clone()), headers(&expected));
    let Frame::SynStream {
        stream: 3,
        headers: data,
        ..
    } = &frames[1]
    else {
        panic!("not the data stream: {:?}", frames[1])
    };
    assert_eq!(spdy::header(data, "streamtype"), Some("data"));
    assert_eq!(
        frames[2..],
        [
            Frame::Data {
                stream: 3,
                fin: false,
                data: Bytes::from("hello")
            },
            Frame::Data {
                stream: 3,
                fin: true,
                data: Bytes::new()
            },
            Frame::Ping(1),
            Frame::RstStream {
                stream: 3,
                status: spdy::CANCEL
            },
            Frame::GoAway {
                last_good: 3,
                status: 0
            },
        ]
    );
}

#[tokio::test]
async fn every_frame_survives_a_round_trip_in_one_zlib_context() {
    let frames = vec![
        Frame::SynStream {
            stream: 1,
            associated: 0,
            priority: 2,
            fin: false,
            headers: headers(&[("streamtype", "error"), ("port", "80"), ("requestid", "0")]),
        },
        Frame::SynStream {
            stream: 3,
            associated: 0,
            priority: 0,
            fin: true,
            headers: headers(&[("streamtype", "data"), ("port", "80"), ("requestid", "0")]),
        },
        Frame::SynReply {
            stream: 3,
            fin: false,
            headers: Vec::new(),
        },
        Frame::Headers {
            stream: 3,
            fin: true,
            headers: headers(&[("x", "1"), ("x", "2")]),
        },
        Frame::Data {
            stream: 3,
            fin: true,
            data: Bytes::from(vec![7; 70_000]),
        },
        Frame::RstStream {
            stream: 5,
            status: spdy::PROTOCOL_ERROR,
        },
        Frame::Settings(vec![
            (spdy::SETTINGS_INITIAL_WINDOW_SIZE, 1 << 20),
            (4, 100),
        ]),
        Frame::Ping(2),
        Frame::GoAway {
            last_good: 7,
            status: 1,
        },
        Frame::WindowUpdate {
            stream: 0,
            delta: 65_536,
        },
    ];
    let mut encoder = HeaderEncoder::new();
    let mut wire = BytesMut::new();
    for frame in &frames {
        spdy::encode(frame, &mut encoder, &mut wire).unwrap();
    }
    let mut read = read_all(&wire).await;
    // Values of one name travel NUL-joined and come back as separate pairs.
    if let Frame::Headers { headers, .. } = &mut read[3] {
        assert_eq!(*headers, self::headers(&[("x", "1"), ("x", "2")]));
    }
    assert_eq!(read, frames);
}
