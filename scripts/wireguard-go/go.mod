// Pins the upstream wireguard-go that `make bench-tunnel` builds into .testenv/bin/wireguard-go-latest
// (Debian's wireguard-go is years older and lacks the GSO/GRO batching this one has).
module liqo-bench-wireguard-go

go 1.24

tool golang.zx2c4.com/wireguard

require (
	golang.org/x/crypto v0.37.0 // indirect
	golang.org/x/net v0.39.0 // indirect
	golang.org/x/sys v0.32.0 // indirect
	golang.zx2c4.com/wintun v0.0.0-20230126152724-0fa3db229ce2 // indirect
	golang.zx2c4.com/wireguard v0.0.0-20260522210424-ecfc5a8d5446 // indirect
)
