//! TCP segmentation and receive coalescing for a TUN device with `IFF_VNET_HDR`, pure.
//!
//! With offloads on, the kernel hands the gateway TCP "super-packets" of up to 64 KiB (TSO)
//! and packets whose checksum is left for the device to finish. The gateway cuts them into
//! MTU-sized segments before encryption ([`segment`]), and on the way back glues consecutive
//! decrypted segments of one TCP flow into one super-packet ([`Coalescer`]) so the kernel runs
//! its TCP stack once per 64 KiB instead of once per 1.3 KiB. This is what makes a userspace
//! tunnel fast: per-packet syscalls and stack traversals dominate, not the crypto.

/// Size of `struct virtio_net_hdr` (without `num_buffers`).
pub const VNET_HDR_LEN: usize = 10;

/// `VIRTIO_NET_HDR_F_NEEDS_CSUM`: the checksum from `csum_start` is left to finish.
pub const F_NEEDS_CSUM: u8 = 1;
/// `VIRTIO_NET_HDR_GSO_NONE`.
pub const GSO_NONE: u8 = 0;
/// `VIRTIO_NET_HDR_GSO_TCPV4`.
pub const GSO_TCPV4: u8 = 1;
/// `VIRTIO_NET_HDR_GSO_ECN`, a flag on `gso_type`.
pub const GSO_ECN: u8 = 0x80;

const IPPROTO_TCP: u8 = 6;
const IPV4_MIN_HEADER: usize = 20;
const TCP_MIN_HEADER: usize = 20;
const TCP_CHECKSUM_OFFSET: usize = 16;
const UDP_CHECKSUM_OFFSET: usize = 6;
const TCP_FIN: u8 = 0x01;
const TCP_PSH: u8 = 0x08;
const TCP_ACK: u8 = 0x10;
const TCP_CWR: u8 = 0x80;
const MAX_IP_PACKET: usize = 65535;

/// `struct virtio_net_hdr` in host byte order (legacy virtio, as TUN uses by default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VnetHdr {
    /// `F_*` flags.
    pub flags: u8,
    /// `GSO_*` type, possibly with [`GSO_ECN`].
    pub gso_type: u8,
    /// Length of the headers (a hint only when read from the kernel).
    pub hdr_len: u16,
    /// Payload bytes per segment.
    pub gso_size: u16,
    /// Where checksumming starts (the L4 header).
    pub csum_start: u16,
    /// Offset of the checksum field from `csum_start`.
    pub csum_offset: u16,
}

impl VnetHdr {
    /// Reads the header at the start of `buf`, `None` if too short.
    pub fn parse(buf: &[u8]) -> Option<Self> {
        let b = buf.get(..VNET_HDR_LEN)?;
        let u16_at = |i: usize| u16::from_ne_bytes([b[i], b[i + 1]]);
        Some(Self {
            flags: b[0],
            gso_type: b[1],
            hdr_len: u16_at(2),
            gso_size: u16_at(4),
            csum_start: u16_at(6),
            csum_offset: u16_at(8),
        })
    }

    /// The header as bytes.
    pub fn to_bytes(self) -> [u8; VNET_HDR_LEN] {
        let mut b = [0u8; VNET_HDR_LEN];
        b[0] = self.flags;
        b[1] = self.gso_type;
        b[2..4].copy_from_slice(&self.hdr_len.to_ne_bytes());
        b[4..6].copy_from_slice(&self.gso_size.to_ne_bytes());
        b[6..8].copy_from_slice(&self.csum_start.to_ne_bytes());
        b[8..10].copy_from_slice(&self.csum_offset.to_ne_bytes());
        b
    }
}

/// Why a packet from the TUN device cannot be sent.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OffloadError {
    /// A GSO type the device was not offered (only TCPv4 is).
    #[error("unsupported GSO type {0}")]
    UnsupportedGso(u8),
    /// Headers shorter than they claim, or not IPv4/TCP where TSO needs it.
    #[error("malformed packet for offload")]
    Malformed,
}

// --- Internet checksum -----------------------------------------------------------------------

/// Adds `data` to a ones'-complement running sum (big-endian 16-bit words; an odd last byte is
/// padded with zero). The sum is kept in 64 bits and folded only by [`fold`].
pub fn checksum_add(mut sum: u64, data: &[u8]) -> u64 {
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let word = u64::from_be_bytes(c.try_into().expect("invariant: 8-byte chunk"));
        let (s, carry) = sum.overflowing_add(word);
        sum = s + u64::from(carry);
    }
    let mut rest = chunks.remainder();
    while rest.len() >= 2 {
        sum = add_word(sum, u64::from(u16::from_be_bytes([rest[0], rest[1]])));
        rest = &rest[2..];
    }
    if let [last] = rest {
        sum = add_word(sum, u64::from(*last) << 8);
    }
    sum
}

fn add_word(sum: u64, word: u64) -> u64 {
    let (s, carry) = sum.overflowing_add(word);
    s + u64::from(carry)
}

/// Folds a running sum into 16 bits (not complemented).
pub fn fold(mut sum: u64) -> u16 {
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    u16::try_from(sum).expect("invariant: folded to 16 bits")
}

fn pseudo_header_v4(src: &[u8], dst: &[u8], protocol: u8, length: usize) -> u64 {
    let sum = checksum_add(checksum_add(0, src), dst);
    add_word(add_word(sum, u64::from(protocol)), length as u64)
}

/// Writes a fresh IPv4 header checksum.
fn set_ipv4_checksum(header: &mut [u8]) {
    header[10..12].copy_from_slice(&[0, 0]);
    let csum = !fold(checksum_add(0, header));
    header[10..12].copy_from_slice(&csum.to_be_bytes());
}

/// Finishes a checksum the kernel left partial: the field at `start + offset` holds the
/// pseudo-header sum; sum everything from `start` and store the complement.
///
/// # Errors
/// [`OffloadError::Malformed`] if the offsets fall outside the packet.
pub fn finish_checksum(packet: &mut [u8], start: usize, offset: usize) -> Result<(), OffloadError> {
    let field = start + offset;
    if field + 2 > packet.len() {
        return Err(OffloadError::Malformed);
    }
    let mut csum = !fold(checksum_add(0, &packet[start..]));
    if csum == 0 && offset == UDP_CHECKSUM_OFFSET {
        csum = 0xffff; // zero means "no checksum" in UDP
    }
    packet[field..field + 2].copy_from_slice(&csum.to_be_bytes());
    Ok(())
}

// --- Transmit: segmentation ------------------------------------------------------------------

/// A packet read from the TUN device, ready to be cut into wire-sized packets.
#[derive(Debug)]
pub enum Segments<'a> {
    /// One complete packet (its checksum finished if it was partial).
    Single(&'a [u8]),
    /// A TCPv4 super-packet to cut with [`TcpSegmenter::segment`].
    Tcp(TcpSegmenter<'a>),
}

/// Interprets a packet read from the TUN device (after its [`VnetHdr`]).
///
/// # Errors
/// [`OffloadError`] for GSO types not offered and malformed headers.
pub fn prepare(hdr: VnetHdr, packet: &mut [u8]) -> Result<Segments<'_>, OffloadError> {
    match hdr.gso_type & !GSO_ECN {
        GSO_NONE => {
            if hdr.flags & F_NEEDS_CSUM != 0 {
                finish_checksum(
                    packet,
                    usize::from(hdr.csum_start),
                    usize::from(hdr.csum_offset),
                )?;
            }
            Ok(Segments::Single(packet))
        }
        GSO_TCPV4 => Ok(Segments::Tcp(TcpSegmenter::new(packet, hdr.gso_size)?)),
        other => Err(OffloadError::UnsupportedGso(other)),
    }
}

/// Cuts a TCPv4 super-packet into segments of at most `mss` payload bytes, each with its own
/// IP length, ID and checksum, TCP sequence number, flags and full checksum.
#[derive(Debug)]
pub struct TcpSegmenter<'a> {
    packet: &'a [u8],
    ip_len: usize,
    header_len: usize,
    mss: usize,
}

impl<'a> TcpSegmenter<'a> {
    fn new(packet: &'a [u8], gso_size: u16) -> Result<Self, OffloadError> {
        let (ip_len, tcp_len) = tcpv4_header_lengths(packet).ok_or(OffloadError::Malformed)?;
        let mss = usize::from(gso_size);
        if mss == 0 {
            return Err(OffloadError::Malformed);
        }
        Ok(Self {
            packet,
            ip_len,
            header_len: ip_len + tcp_len,
            mss,
        })
    }

    /// How many segments the packet yields (at least one).
    pub fn count(&self) -> usize {
        (self.packet.len() - self.header_len)
            .div_ceil(self.mss)
            .max(1)
    }

    /// Largest segment, in bytes.
    pub fn max_segment_len(&self) -> usize {
        self.header_len + self.mss.min(self.packet.len() - self.header_len)
    }

    /// Writes segment `index` (< [`Self::count`]) into `out` and returns its length.
    pub fn segment(&self, index: usize, out: &mut [u8]) -> usize {
        let payload_all = &self.packet[self.header_len..];
        let start = (index * self.mss).min(payload_all.len());
        let end = (start + self.mss).min(payload_all.len());
        let payload = &payload_all[start..end];
        let len = self.header_len + payload.len();
        let last = index + 1 >= self.count();
        out[..self.header_len].copy_from_slice(&self.packet[..self.header_len]);
        out[self.header_len..len].copy_from_slice(payload);

        let (ip, tcp) = out[..len].split_at_mut(self.ip_len);
        let total = u16::try_from(len).expect("invariant: segment within an IP packet");
        ip[2..4].copy_from_slice(&total.to_be_bytes());
        let id = u16::from_be_bytes([ip[4], ip[5]]).wrapping_add(index as u16);
        ip[4..6].copy_from_slice(&id.to_be_bytes());
        set_ipv4_checksum(ip);

        let seq = u32::from_be_bytes([tcp[4], tcp[5], tcp[6], tcp[7]]).wrapping_add(start as u32);
        tcp[4..8].copy_from_slice(&seq.to_be_bytes());
        if !last {
            tcp[13] &= !(TCP_FIN | TCP_PSH);
        }
        if index > 0 {
            tcp[13] &= !TCP_CWR;
        }
        tcp[TCP_CHECKSUM_OFFSET..TCP_CHECKSUM_OFFSET + 2].copy_from_slice(&[0, 0]);
        let sum = pseudo_header_v4(&ip[12..16], &ip[16..20], IPPROTO_TCP, tcp.len());
        let csum = !fold(checksum_add(sum, tcp));
        tcp[TCP_CHECKSUM_OFFSET..TCP_CHECKSUM_OFFSET + 2].copy_from_slice(&csum.to_be_bytes());
        len
    }
}

/// IPv4 and TCP header lengths of a TCPv4 packet without fragmentation.
fn tcpv4_header_lengths(packet: &[u8]) -> Option<(usize, usize)> {
    let first = *packet.first()?;
    if first >> 4 != 4 || packet.len() < IPV4_MIN_HEADER {
        return None;
    }
    let ip_len = usize::from(first & 0x0f) * 4;
    if ip_len < IPV4_MIN_HEADER || packet[9] != IPPROTO_TCP {
        return None;
    }
    let tcp = packet.get(ip_len..)?;
    if tcp.len() < TCP_MIN_HEADER {
        return None;
    }
    let tcp_len = usize::from(tcp[12] >> 4) * 4;
    if tcp_len < TCP_MIN_HEADER || tcp.len() < tcp_len {
        return None;
    }
    Some((ip_len, tcp_len))
}

// --- Receive: coalescing ---------------------------------------------------------------------

/// A run of packets to write to the TUN device as one: `first` and `count` index the packets
/// given to [`Coalescer::plan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    /// Index of the first packet.
    pub first: usize,
    /// How many consecutive packets of the flow (not consecutive in the batch) it holds.
    pub count: usize,
}

/// What makes a TCPv4 segment joinable with another: the flow, and every header field that
/// must be equal between the segments of one super-packet (TCP options such as timestamps
/// included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FlowKey {
    addrs: [u8; 8],
    ports: [u8; 4],
    ack: [u8; 4],
    /// TOS, TTL and the DF bit.
    tos_ttl_df: [u8; 3],
    /// Data offset, flags except PSH, and window.
    offset_flags_window: [u8; 4],
    options: [u8; 40],
}

/// A segment that may join a super-packet.
#[derive(Debug)]
struct Joinable {
    key: FlowKey,
    seq: u32,
    payload: usize,
    psh: bool,
}

#[derive(Debug)]
struct Open {
    key: FlowKey,
    group: usize,
    next_seq: u32,
    mss: usize,
    total_len: usize,
    closed: bool,
}

/// Plans how decrypted packets are written to the TUN device: consecutive full-size segments
/// of one TCPv4 flow become one GSO super-packet, everything else goes alone. Reuses its
/// allocations across batches.
#[derive(Debug, Default)]
pub struct Coalescer {
    groups: Vec<Group>,
    members: Vec<Vec<usize>>,
    open: Vec<Open>,
    max_group: usize,
}

impl Coalescer {
    /// Groups `packets` (in arrival order). Afterwards, for each group, call
    /// [`Coalescer::finish`] on its first packet, then write the header, the whole first
    /// packet, and the TCP payload of every other member ([`Coalescer::members`]).
    /// At most `max_group` packets go into one group.
    pub fn plan<'p>(
        &mut self,
        packets: impl IntoIterator<Item = &'p [u8]>,
        max_group: usize,
    ) -> &[Group] {
        self.groups.clear();
        self.open.clear();
        self.max_group = max_group.max(1);
        for m in &mut self.members {
            m.clear();
        }
        for (index, packet) in packets.into_iter().enumerate() {
            let segment = joinable(packet);
            let joined = segment.as_ref().is_some_and(|s| self.try_join(index, s));
            if !joined {
                self.start(index, packet.len(), segment);
            }
        }
        &self.groups
    }

    /// The packet indexes of group `group` (the first included), in sequence order.
    pub fn members(&self, group: usize) -> &[usize] {
        &self.members[group]
    }

    fn try_join(&mut self, index: usize, s: &Joinable) -> bool {
        let Some(open) = self.open.iter_mut().find(|o| o.key == s.key) else {
            return false;
        };
        if open.closed
            || self.groups[open.group].count >= self.max_group
            || s.seq != open.next_seq
            || s.payload == 0
            || s.payload > open.mss
            || open.total_len + s.payload > MAX_IP_PACKET
        {
            // Not a continuation: this flow's group ends, so no later packet overtakes this one.
            open.closed = true;
            return false;
        }
        open.next_seq = s.seq.wrapping_add(s.payload as u32);
        open.total_len += s.payload;
        open.closed = s.payload < open.mss || s.psh;
        self.groups[open.group].count += 1;
        self.members[open.group].push(index);
        true
    }

    fn start(&mut self, index: usize, len: usize, segment: Option<Joinable>) {
        let group = self.groups.len();
        self.groups.push(Group {
            first: index,
            count: 1,
        });
        if self.members.len() <= group {
            self.members.push(Vec::with_capacity(64));
        }
        self.members[group].push(index);
        if let Some(s) = segment {
            // Only the latest group of a flow may grow.
            self.open.retain(|o| o.key != s.key);
            self.open.push(Open {
                key: s.key,
                group,
                next_seq: s.seq.wrapping_add(s.payload as u32),
                mss: s.payload,
                total_len: len,
                closed: s.payload == 0 || s.psh,
            });
        }
    }

    /// Rewrites the first packet of a group of `count` packets to head the super-packet (IP
    /// length and checksum, partial TCP checksum, PSH of the last member) and returns the
    /// virtio header to write before it. `payload_total` sums the members' TCP payloads and
    /// `last_flags` is the TCP flags byte of the last member.
    pub fn finish(count: usize, first: &mut [u8], payload_total: usize, last_flags: u8) -> VnetHdr {
        if count == 1 {
            return VnetHdr::default();
        }
        let (ip_len, tcp_len) =
            tcpv4_header_lengths(first).expect("invariant: grouped packets are TCPv4");
        let header_len = ip_len + tcp_len;
        let mss = first.len() - header_len;
        let total = header_len + payload_total;
        let (ip, tcp) = first.split_at_mut(ip_len);
        ip[2..4].copy_from_slice(
            &u16::try_from(total)
                .expect("invariant: groups stay within an IP packet")
                .to_be_bytes(),
        );
        set_ipv4_checksum(ip);
        tcp[13] |= last_flags & TCP_PSH;
        // A partial checksum holds the folded pseudo-header sum; the kernel adds the rest.
        let pseudo = fold(pseudo_header_v4(
            &ip[12..16],
            &ip[16..20],
            IPPROTO_TCP,
            tcp_len + payload_total,
        ));
        tcp[TCP_CHECKSUM_OFFSET..TCP_CHECKSUM_OFFSET + 2].copy_from_slice(&pseudo.to_be_bytes());
        VnetHdr {
            flags: F_NEEDS_CSUM,
            gso_type: GSO_TCPV4,
            hdr_len: u16::try_from(header_len).expect("invariant: header length"),
            gso_size: u16::try_from(mss).expect("invariant: mss within a packet"),
            csum_start: u16::try_from(ip_len).expect("invariant: header length"),
            csum_offset: TCP_CHECKSUM_OFFSET as u16,
        }
    }
}

/// The TCP payload of a packet (after its IP and TCP headers); empty if not TCPv4.
pub fn tcp_payload(packet: &[u8]) -> &[u8] {
    match tcpv4_header_lengths(packet) {
        Some((ip, tcp)) => &packet[ip + tcp..],
        None => &[],
    }
}

/// The TCP flags byte of a TCPv4 packet (0 if not TCPv4).
pub fn tcp_flags(packet: &[u8]) -> u8 {
    match tcpv4_header_lengths(packet) {
        Some((ip, _)) => packet[ip + 13],
        None => 0,
    }
}

/// A segment that may join a super-packet: IPv4 without options or fragmentation, TCP with ACK
/// and at most PSH besides (SYN, FIN, RST, URG, ECE and CWR go alone), and a valid IP length.
fn joinable(packet: &[u8]) -> Option<Joinable> {
    let (ip_len, tcp_len) = tcpv4_header_lengths(packet)?;
    let total = usize::from(u16::from_be_bytes([packet[2], packet[3]]));
    let fragmented = u16::from_be_bytes([packet[6], packet[7]]) & 0x3fff != 0;
    if ip_len != IPV4_MIN_HEADER || total != packet.len() || fragmented {
        return None;
    }
    let tcp = &packet[ip_len..];
    let flags = tcp[13];
    if flags & !(TCP_ACK | TCP_PSH) != 0 || flags & TCP_ACK == 0 {
        return None;
    }
    let mut options = [0u8; 40];
    options[..tcp_len - TCP_MIN_HEADER].copy_from_slice(&tcp[TCP_MIN_HEADER..tcp_len]);
    let key = FlowKey {
        addrs: packet[12..20].try_into().ok()?,
        ports: tcp[0..4].try_into().ok()?,
        ack: tcp[8..12].try_into().ok()?,
        tos_ttl_df: [packet[1], packet[8], packet[6]],
        offset_flags_window: [tcp[12], flags & !TCP_PSH, tcp[14], tcp[15]],
        options,
    };
    Some(Joinable {
        key,
        seq: u32::from_be_bytes([tcp[4], tcp[5], tcp[6], tcp[7]]),
        payload: packet.len() - ip_len - tcp_len,
        psh: flags & TCP_PSH != 0,
    })
}
