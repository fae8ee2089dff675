//! The WireGuard UDP socket with segmentation offload: equal-size datagrams leave in one
//! `sendmsg` (`UDP_SEGMENT`) and arrive coalesced in one `recvmsg` (`UDP_GRO`), so a 64 KiB
//! burst costs one syscall each way instead of ~50.

use std::io::{self, IoSlice, IoSliceMut};
use std::net::{SocketAddr, SocketAddrV4, UdpSocket};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};

use nix::errno::Errno;
use nix::sys::socket::{
    ControlMessage, ControlMessageOwned, MsgFlags, SockaddrIn, recvmsg, sendmsg, setsockopt,
    sockopt,
};

/// Largest UDP payload of one send: 65535 minus the IPv4 and UDP headers.
pub const MAX_GSO_BYTES: usize = 65535 - 20 - 8;
/// Segments per GSO send (the kernel's `UDP_MAX_SEGMENTS` on older kernels).
pub const MAX_GSO_SEGMENTS: usize = 64;
/// Receive buffer: one coalesced burst.
pub const RECV_BUFFER: usize = 65536;
/// Socket buffers: deep enough for bursts of super-packets.
const SOCKET_BUFFER: usize = 8 << 20;

/// One send of [`gso_batches`]: `count` datagrams of `segment` bytes (the last may be shorter)
/// starting at byte `start` of the send buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Batch {
    /// First byte in the buffer.
    pub start: usize,
    /// Total bytes.
    pub len: usize,
    /// Size of every datagram but the last.
    pub segment: usize,
    /// Number of datagrams.
    pub count: usize,
}

/// Splits back-to-back datagrams of lengths `lens` into GSO sends: a run of equal lengths,
/// optionally closed by one shorter datagram, within [`MAX_GSO_BYTES`] and
/// [`MAX_GSO_SEGMENTS`].
pub fn gso_batches(lens: &[usize], out: &mut Vec<Batch>) {
    out.clear();
    let mut start = 0;
    let mut i = 0;
    while i < lens.len() {
        let segment = lens[i];
        let mut batch = Batch {
            start,
            len: segment,
            segment,
            count: 1,
        };
        i += 1;
        while i < lens.len()
            && batch.count < MAX_GSO_SEGMENTS
            && batch.len + lens[i] <= MAX_GSO_BYTES
            && lens[i] <= segment
        {
            batch.len += lens[i];
            batch.count += 1;
            i += 1;
            if lens[i - 1] < segment {
                break; // a shorter datagram ends the batch
            }
        }
        start += batch.len;
        out.push(batch);
    }
}

/// A datagram burst received by [`Udp::recv`].
#[derive(Debug, Clone, Copy)]
pub struct Received {
    /// Bytes in the buffer.
    pub len: usize,
    /// Size of each coalesced datagram (the last may be shorter); `len` if not coalesced.
    pub segment: usize,
    /// Who sent it.
    pub from: SocketAddr,
}

/// The gateway's UDP socket (IPv4).
#[derive(Debug)]
pub struct Udp {
    socket: UdpSocket,
    gso: AtomicBool,
}

impl Udp {
    /// Binds `addr` (port 0: ephemeral) and enables GRO and large buffers.
    ///
    /// # Errors
    /// The bind failure (address in use, privileges).
    pub fn bind(addr: SocketAddrV4) -> io::Result<Self> {
        let socket = UdpSocket::bind(addr)?;
        // Without CAP_NET_ADMIN the sysctl limits apply; best effort either way.
        if setsockopt(&socket, sockopt::RcvBufForce, &SOCKET_BUFFER).is_err() {
            let _ = setsockopt(&socket, sockopt::RcvBuf, &SOCKET_BUFFER);
        }
        if setsockopt(&socket, sockopt::SndBufForce, &SOCKET_BUFFER).is_err() {
            let _ = setsockopt(&socket, sockopt::SndBuf, &SOCKET_BUFFER);
        }
        let gro = setsockopt(&socket, sockopt::UdpGroSegment, &true).is_ok();
        if !gro {
            tracing::info!("UDP GRO unavailable, receiving datagrams one by one");
        }
        Ok(Self {
            socket,
            gso: AtomicBool::new(true),
        })
    }

    /// The bound address.
    ///
    /// # Errors
    /// The `getsockname` failure.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.local_addr()
    }

    /// Receives one datagram or a coalesced burst; blocks.
    ///
    /// # Errors
    /// The receive failure.
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<Received> {
        loop {
            let mut iov = [IoSliceMut::new(buf)];
            let mut cmsg = nix::cmsg_space!(i32);
            let msg = match recvmsg::<SockaddrIn>(
                self.socket.as_raw_fd(),
                &mut iov,
                Some(&mut cmsg),
                MsgFlags::empty(),
            ) {
                Ok(msg) => msg,
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
            };
            let mut segment = msg.bytes;
            if let Ok(cmsgs) = msg.cmsgs() {
                for c in cmsgs {
                    if let ControlMessageOwned::UdpGroSegments(size) = c {
                        segment = usize::try_from(size).unwrap_or(msg.bytes).max(1);
                    }
                }
            }
            let Some(from) = msg.address else { continue };
            return Ok(Received {
                len: msg.bytes,
                segment,
                from: SocketAddr::V4(SocketAddrV4::new(from.ip(), from.port())),
            });
        }
    }

    /// Sends one datagram.
    ///
    /// # Errors
    /// The send failure.
    pub fn send(&self, datagram: &[u8], to: SocketAddr) -> io::Result<()> {
        self.socket.send_to(datagram, to).map(|_| ())
    }

    /// Sends back-to-back datagrams of lengths `lens` from `buf`, batched by `batches`
    /// (scratch space). Falls back to one send per datagram if the kernel refuses GSO.
    ///
    /// # Errors
    /// The first send failure other than a full buffer (dropped, as a NIC would).
    pub fn send_all(
        &self,
        buf: &[u8],
        lens: &[usize],
        to: SocketAddr,
        batches: &mut Vec<Batch>,
    ) -> io::Result<()> {
        let SocketAddr::V4(to4) = to else {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "IPv6 endpoints are not supported",
            ));
        };
        if !self.gso.load(Ordering::Relaxed) {
            return self.send_each(buf, lens, to);
        }
        gso_batches(lens, batches);
        let addr = SockaddrIn::from(to4);
        for b in batches.iter() {
            let data = &buf[b.start..b.start + b.len];
            if b.count == 1 {
                ignore_full(self.socket.send_to(data, to).map(|_| ()))?;
                continue;
            }
            let segment = u16::try_from(b.segment).expect("invariant: datagram below 64 KiB");
            let cmsg = [ControlMessage::UdpGsoSegments(&segment)];
            let iov = [IoSlice::new(data)];
            match sendmsg(
                self.socket.as_raw_fd(),
                &iov,
                &cmsg,
                MsgFlags::empty(),
                Some(&addr),
            ) {
                Ok(_) => {}
                Err(Errno::EIO | Errno::EINVAL | Errno::EOPNOTSUPP) => {
                    tracing::info!("UDP GSO refused by the kernel, sending datagrams one by one");
                    self.gso.store(false, Ordering::Relaxed);
                    return self.send_from(buf, lens, b.start, to);
                }
                Err(e) => ignore_full(Err(e.into()))?,
            }
        }
        Ok(())
    }

    fn send_each(&self, buf: &[u8], lens: &[usize], to: SocketAddr) -> io::Result<()> {
        self.send_from(buf, lens, 0, to)
    }

    /// Sends, one by one, the datagrams that start at or after byte `from`.
    fn send_from(&self, buf: &[u8], lens: &[usize], from: usize, to: SocketAddr) -> io::Result<()> {
        let mut start = 0;
        for &len in lens {
            if start >= from {
                ignore_full(
                    self.socket
                        .send_to(&buf[start..start + len], to)
                        .map(|_| ()),
                )?;
            }
            start += len;
        }
        Ok(())
    }
}

/// A full socket buffer drops the packet, like a full NIC queue; TCP recovers.
fn ignore_full(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(e) if e.raw_os_error() == Some(Errno::ENOBUFS as i32) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(()),
        // The peer's port is closed (ICMP unreachable from an earlier datagram): transient.
        Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => Ok(()),
        other => other,
    }
}
