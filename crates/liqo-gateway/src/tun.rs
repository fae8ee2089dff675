//! The TUN device: `/dev/net/tun` opened with `IFF_VNET_HDR` and TCPv4 segmentation and
//! checksum offloads. The only module of the workspace with `unsafe` code: two ioctls.

#![allow(unsafe_code)]

use std::fs::{File, OpenOptions};
use std::io::{self, IoSlice, Read, Write};
use std::os::fd::AsRawFd;

use nix::libc;

/// `struct ifreq` as TUNSETIFF reads it: a name and the flags (the union's first member).
#[repr(C)]
struct IfReq {
    name: [u8; libc::IFNAMSIZ],
    flags: libc::c_short,
    _pad: [u8; 22],
}

/// Why the TUN device could not be created.
#[derive(Debug, thiserror::Error)]
pub enum TunError {
    /// The interface name does not fit in `IFNAMSIZ`.
    #[error("interface name {0:?} is empty or longer than 15 bytes")]
    Name(String),
    /// `/dev/net/tun` cannot be opened.
    #[error("failed to open /dev/net/tun")]
    Open(#[source] io::Error),
    /// Another process holds a TUN device of that name.
    #[error(
        "interface {0} is in use by another process (is another gateway running in this network namespace?)"
    )]
    Busy(String),
    /// A link of that name exists and is not a TUN device.
    #[error("interface {0} exists and is not a TUN device; delete it or stop what created it")]
    NotTun(String),
    /// Another ioctl failure.
    #[error("failed to {action} {name}")]
    Ioctl {
        /// What failed.
        action: &'static str,
        /// The interface.
        name: String,
        /// The cause.
        #[source]
        source: io::Error,
    },
}

/// An open TUN device. Reads return a [`VNET_HDR_LEN`](crate::segmentation::VNET_HDR_LEN)-byte
/// virtio header then the IP packet; writes take the same. The device disappears when the
/// last handle closes (not persistent), so a killed gateway leaves nothing behind.
#[derive(Debug)]
pub struct Tun {
    file: File,
    name: String,
}

impl Tun {
    /// Creates (attaches to) TUN device `name` with offloads enabled.
    ///
    /// # Errors
    /// [`TunError`]: busy name, existing non-TUN link, missing `/dev/net/tun` or privileges.
    pub fn create(name: &str) -> Result<Self, TunError> {
        if name.is_empty() || name.len() >= libc::IFNAMSIZ {
            return Err(TunError::Name(name.to_string()));
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/net/tun")
            .map_err(TunError::Open)?;
        let mut req = IfReq {
            name: [0; libc::IFNAMSIZ],
            flags: (libc::IFF_TUN | libc::IFF_NO_PI | libc::IFF_VNET_HDR) as libc::c_short,
            _pad: [0; 22],
        };
        req.name[..name.len()].copy_from_slice(name.as_bytes());
        // SAFETY: TUNSETIFF reads and writes a `struct ifreq`, which `IfReq` lays out (40
        // bytes, name then flags); the pointer is valid for the call.
        let rc = unsafe { libc::ioctl(file.as_raw_fd(), libc::TUNSETIFF, &mut req as *mut IfReq) };
        if rc < 0 {
            let err = io::Error::last_os_error();
            return Err(match err.raw_os_error() {
                Some(libc::EBUSY) => TunError::Busy(name.to_string()),
                Some(libc::EINVAL) => TunError::NotTun(name.to_string()),
                _ => TunError::Ioctl {
                    action: "create TUN device",
                    name: name.to_string(),
                    source: err,
                },
            });
        }
        let offloads = libc::TUN_F_CSUM | libc::TUN_F_TSO4;
        // SAFETY: TUNSETOFFLOAD takes an unsigned long by value.
        let rc = unsafe {
            libc::ioctl(
                file.as_raw_fd(),
                libc::TUNSETOFFLOAD,
                libc::c_ulong::from(offloads),
            )
        };
        if rc < 0 {
            // Without offloads the kernel hands over plain packets (still behind a virtio
            // header): slower, but correct.
            tracing::warn!(
                interface = name,
                error = %io::Error::last_os_error(),
                "TUN offloads unavailable, every packet crosses the tunnel on its own"
            );
        }
        Ok(Self {
            file,
            name: name.to_string(),
        })
    }

    /// The interface name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A second handle on the same device, for a reader and a writer thread.
    ///
    /// # Errors
    /// The `dup` failure.
    pub fn try_clone(&self) -> io::Result<Self> {
        Ok(Self {
            file: self.file.try_clone()?,
            name: self.name.clone(),
        })
    }

    /// Reads one packet (virtio header first); blocks until one is there.
    ///
    /// # Errors
    /// The read failure.
    pub fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.file.read(buf)
    }

    /// Writes one packet given in pieces (virtio header first).
    ///
    /// # Errors
    /// The write failure.
    pub fn write(&mut self, parts: &[IoSlice<'_>]) -> io::Result<usize> {
        self.file.write_vectored(parts)
    }
}
