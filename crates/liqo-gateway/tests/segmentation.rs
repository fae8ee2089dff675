//! Segmentation of TSO super-packets, checksum completion, receive coalescing and UDP GSO
//! batching, on hand-built packets.

use liqo_gateway::segmentation::{
    self, Coalescer, F_NEEDS_CSUM, GSO_NONE, GSO_TCPV4, Segments, VNET_HDR_LEN, VnetHdr,
    checksum_add, fold,
};
use liqo_gateway::udp::{Batch, MAX_GSO_BYTES, MAX_GSO_SEGMENTS, gso_batches};

const SRC: [u8; 4] = [10, 243, 0, 5];
const DST: [u8; 4] = [10, 243, 0, 9];
const ACK: u8 = 0x10;
const PSH: u8 = 0x08;

/// An IPv4/TCP packet with a timestamp option; checksums left zero.
fn tcp_packet(seq: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    let tcp_len = 32; // 20 + 12 bytes of options (NOP NOP TS)
    let total = 20 + tcp_len + payload.len();
    let mut p = vec![0u8; total];
    p[0] = 0x45;
    p[2..4].copy_from_slice(&u16::try_from(total).unwrap().to_be_bytes());
    p[4..6].copy_from_slice(&0x1234u16.to_be_bytes());
    p[6] = 0x40; // DF
    p[8] = 64;
    p[9] = 6;
    p[12..16].copy_from_slice(&SRC);
    p[16..20].copy_from_slice(&DST);
    let t = &mut p[20..];
    t[0..2].copy_from_slice(&40000u16.to_be_bytes());
    t[2..4].copy_from_slice(&5201u16.to_be_bytes());
    t[4..8].copy_from_slice(&seq.to_be_bytes());
    t[8..12].copy_from_slice(&777u32.to_be_bytes());
    t[12] = (tcp_len as u8 / 4) << 4;
    t[13] = flags;
    t[14..16].copy_from_slice(&512u16.to_be_bytes());
    t[20..32].copy_from_slice(&[1, 1, 8, 10, 0, 0, 0, 42, 0, 0, 0, 7]);
    t[32..].copy_from_slice(payload);
    p
}

fn payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 251) as u8).collect()
}

/// Whether the IPv4 header and TCP checksums verify.
fn checksums_valid(p: &[u8]) -> bool {
    let ip_ok = fold(checksum_add(0, &p[..20])) == 0xffff;
    let mut pseudo = Vec::new();
    pseudo.extend_from_slice(&p[12..20]);
    pseudo.extend_from_slice(&[0, 6]);
    pseudo.extend_from_slice(&u16::try_from(p.len() - 20).unwrap().to_be_bytes());
    let tcp_ok = fold(checksum_add(checksum_add(0, &pseudo), &p[20..])) == 0xffff;
    ip_ok && tcp_ok
}

fn seq(p: &[u8]) -> u32 {
    u32::from_be_bytes(p[24..28].try_into().unwrap())
}

#[test]
fn checksum_matches_rfc1071_example() {
    // RFC 1071 §3: words 0001 f203 f4f5 f6f7 sum to ddf2.
    let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
    assert_eq!(fold(checksum_add(0, &data)), 0xddf2);
    // Odd lengths pad with zero; splitting at even offsets does not change the sum.
    let odd = [0x12, 0x34, 0x56];
    assert_eq!(fold(checksum_add(0, &odd)), 0x1234 + 0x5600);
    let long = payload(1001);
    assert_eq!(
        fold(checksum_add(checksum_add(0, &long[..400]), &long[400..])),
        fold(checksum_add(0, &long))
    );
}

#[test]
fn a_tso_packet_is_cut_into_valid_mss_segments() {
    let data = payload(3000);
    let mut sp = tcp_packet(1000, ACK | PSH, &data);
    let hdr = VnetHdr {
        flags: F_NEEDS_CSUM,
        gso_type: GSO_TCPV4,
        hdr_len: 52,
        gso_size: 1288,
        csum_start: 20,
        csum_offset: 16,
    };
    let Segments::Tcp(seg) = segmentation::prepare(hdr, &mut sp).unwrap() else {
        panic!("a TCPv4 GSO packet");
    };
    assert_eq!(seg.count(), 3);
    let mut out = vec![0u8; 2000];
    let mut segments = Vec::new();
    for i in 0..seg.count() {
        let n = seg.segment(i, &mut out);
        segments.push(out[..n].to_vec());
    }
    let lens: Vec<usize> = segments.iter().map(Vec::len).collect();
    assert_eq!(lens, [52 + 1288, 52 + 1288, 52 + 424]);
    let seqs: Vec<u32> = segments.iter().map(|s| seq(s)).collect();
    assert_eq!(seqs, [1000, 2288, 3576]);
    let ids: Vec<u16> = segments
        .iter()
        .map(|s| u16::from_be_bytes([s[4], s[5]]))
        .collect();
    assert_eq!(ids, [0x1234, 0x1235, 0x1236]);
    let flags: Vec<u8> = segments.iter().map(|s| s[33]).collect();
    assert_eq!(flags, [ACK, ACK, ACK | PSH], "PSH only on the last");
    for s in &segments {
        assert!(checksums_valid(s));
        assert_eq!(&s[40..52], &sp[40..52], "options copied");
    }
    let joined: Vec<u8> = segments.iter().flat_map(|s| s[52..].to_vec()).collect();
    assert_eq!(joined, data);
}

#[test]
fn a_partial_checksum_is_finished() {
    let mut p = tcp_packet(1, ACK, &payload(99));
    // What the kernel leaves: the folded pseudo-header sum in the checksum field.
    let mut pseudo = Vec::new();
    pseudo.extend_from_slice(&p[12..20]);
    pseudo.extend_from_slice(&[0, 6]);
    pseudo.extend_from_slice(&u16::try_from(p.len() - 20).unwrap().to_be_bytes());
    let partial = fold(checksum_add(0, &pseudo));
    p[36..38].copy_from_slice(&partial.to_be_bytes());
    let ip_csum = !fold(checksum_add(0, &p[..20]));
    p[10..12].copy_from_slice(&ip_csum.to_be_bytes());
    let hdr = VnetHdr {
        flags: F_NEEDS_CSUM,
        gso_type: GSO_NONE,
        csum_start: 20,
        csum_offset: 16,
        ..VnetHdr::default()
    };
    let Segments::Single(done) = segmentation::prepare(hdr, &mut p).unwrap() else {
        panic!("a single packet");
    };
    assert!(checksums_valid(done));
}

#[test]
fn unsupported_gso_types_and_truncated_headers_are_refused() {
    let mut p = tcp_packet(1, ACK, &payload(10));
    let udp_gso = VnetHdr {
        gso_type: 5,
        ..VnetHdr::default()
    };
    assert!(segmentation::prepare(udp_gso, &mut p).is_err());
    let tso = VnetHdr {
        gso_type: GSO_TCPV4,
        gso_size: 100,
        ..VnetHdr::default()
    };
    assert!(segmentation::prepare(tso, &mut p[..30]).is_err());
}

#[test]
fn vnet_header_round_trips() {
    let h = VnetHdr {
        flags: F_NEEDS_CSUM,
        gso_type: GSO_TCPV4,
        hdr_len: 52,
        gso_size: 1288,
        csum_start: 20,
        csum_offset: 16,
    };
    let bytes = h.to_bytes();
    assert_eq!(bytes.len(), VNET_HDR_LEN);
    assert_eq!(VnetHdr::parse(&bytes), Some(h));
    assert_eq!(VnetHdr::parse(&bytes[..9]), None);
}

/// Cuts `data` into `mss` segments starting at sequence `start`.
fn segments(start: u32, mss: usize, data: &[u8], last_flags: u8) -> Vec<Vec<u8>> {
    let chunks: Vec<&[u8]> = data.chunks(mss).collect();
    chunks
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let flags = if i + 1 == chunks.len() {
                last_flags
            } else {
                ACK
            };
            tcp_packet(start + (i * mss) as u32, flags, c)
        })
        .collect()
}

/// Coalesces `packets` and returns each group as the kernel would read it: header and bytes.
fn coalesce(packets: &mut [Vec<u8>]) -> Vec<(VnetHdr, Vec<u8>)> {
    let mut c = Coalescer::default();
    let groups = c.plan(packets.iter().map(Vec::as_slice), 64).to_vec();
    let mut out = Vec::new();
    for (g, _) in groups.iter().enumerate() {
        let members = c.members(g).to_vec();
        let rest: usize = members
            .iter()
            .map(|&m| segmentation::tcp_payload(&packets[m]).len())
            .sum();
        let last_flags = segmentation::tcp_flags(&packets[*members.last().unwrap()]);
        let header = Coalescer::finish(members.len(), &mut packets[members[0]], rest, last_flags);
        let mut bytes = packets[members[0]].clone();
        for &m in &members[1..] {
            bytes.extend_from_slice(segmentation::tcp_payload(&packets[m]));
        }
        out.push((header, bytes));
    }
    out
}

#[test]
fn consecutive_segments_become_one_super_packet() {
    let data = payload(5000);
    let mut packets = segments(1000, 1288, &data, ACK | PSH);
    let groups = coalesce(&mut packets);
    assert_eq!(groups.len(), 1);
    let (h, p) = &groups[0];
    assert_eq!(h.gso_type, GSO_TCPV4);
    assert_eq!(h.flags, F_NEEDS_CSUM);
    assert_eq!(
        (h.gso_size, h.hdr_len, h.csum_start, h.csum_offset),
        (1288, 52, 20, 16)
    );
    assert_eq!(usize::from(u16::from_be_bytes([p[2], p[3]])), p.len());
    assert_eq!(fold(checksum_add(0, &p[..20])), 0xffff, "IP checksum");
    assert_eq!(p[33], ACK | PSH, "the last segment's PSH");
    assert_eq!(&p[52..], &data[..]);
    // Segmenting the super-packet again gives back the original segments.
    let mut again = p.clone();
    let Segments::Tcp(s) = segmentation::prepare(*h, &mut again).unwrap() else {
        panic!("TSO");
    };
    let mut buf = vec![0u8; 2000];
    let n = s.segment(1, &mut buf);
    let original = segments(1000, 1288, &data, ACK | PSH)[1].clone();
    assert!(checksums_valid(&buf[..n]));
    assert_eq!(n, original.len());
    assert_eq!(
        &buf[24..36],
        &original[24..36],
        "same seq, ack, flags, window"
    );
    assert_eq!(&buf[38..n], &original[38..], "same options and data");
}

#[test]
fn gaps_flags_and_other_flows_split_groups() {
    let data = payload(1288 * 4);
    let mut flow = segments(0, 1288, &data, ACK);
    // A gap: segment 2 is missing, so 3 starts a new group.
    let mut gapped = vec![flow[0].clone(), flow[1].clone(), flow[3].clone()];
    let sizes: Vec<usize> = coalesce(&mut gapped).iter().map(|(_, p)| p.len()).collect();
    assert_eq!(sizes, [52 + 2 * 1288, 52 + 1288]);

    // A short segment closes its group.
    let mut short = segments(0, 1288, &payload(1288 + 100), ACK);
    short.push(tcp_packet(1388, ACK, &payload(1288)));
    assert_eq!(coalesce(&mut short).len(), 2);

    // SYN/FIN segments and pure ACKs go alone.
    let mut special = vec![
        tcp_packet(0, 0x02, &[]),
        tcp_packet(1, ACK, &[]),
        tcp_packet(1, ACK | 0x01, &payload(10)),
    ];
    let groups = coalesce(&mut special);
    assert_eq!(groups.len(), 3);
    assert!(groups.iter().all(|(h, _)| *h == VnetHdr::default()));

    // Another flow interleaved: each flow keeps its own group, in order.
    let mut other = flow[1].clone();
    other[23] ^= 1; // destination port
    let mut mixed = vec![flow.remove(0), other, flow.remove(0)];
    let groups = coalesce(&mut mixed);
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0].1.len(), 52 + 2 * 1288);
}

#[test]
fn a_group_never_exceeds_an_ip_packet() {
    let data = payload(1288 * 60);
    let mut packets = segments(0, 1288, &data, ACK);
    let groups = coalesce(&mut packets);
    assert!(groups.len() >= 2);
    assert!(groups.iter().all(|(_, p)| p.len() <= 65535));
    let total: usize = groups.iter().map(|(_, p)| p.len() - 52).sum();
    assert_eq!(total, data.len());
}

#[test]
fn gso_batches_hold_equal_datagrams_and_one_shorter_tail() {
    let mut out = Vec::new();
    gso_batches(&[1372; 50], &mut out);
    let per = MAX_GSO_BYTES / 1372;
    assert_eq!(
        out,
        [
            Batch {
                start: 0,
                len: per * 1372,
                segment: 1372,
                count: per
            },
            Batch {
                start: per * 1372,
                len: (50 - per) * 1372,
                segment: 1372,
                count: 50 - per
            },
        ]
    );
    gso_batches(&[1372, 1372, 500, 1372, 148], &mut out);
    let counts: Vec<usize> = out.iter().map(|b| b.count).collect();
    assert_eq!(counts, [3, 2], "a shorter datagram ends a batch");
    assert_eq!(out[1].start, 1372 * 2 + 500);
    gso_batches(&[100; 200], &mut out);
    assert!(out.iter().all(|b| b.count <= MAX_GSO_SEGMENTS));
    assert_eq!(out.iter().map(|b| b.count).sum::<usize>(), 200);
    gso_batches(&[148, 1372], &mut out);
    assert_eq!(out.len(), 2, "a longer datagram cannot follow");
}
