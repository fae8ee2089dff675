# One image with every binary of the project: ghcr.io/liqoctl-rs/liqo:<version>.
# The controller-manager Deployment runs /usr/local/bin/liqo-controller-manager, the gateway
# templates /usr/local/bin/liqo-gateway, the virtual-kubelet Deployment /usr/bin/virtual-kubelet
# (upstream's path, which the VirtualNode template names).
FROM docker.io/library/rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bins \
 && mkdir -p /out \
 && find target/release -maxdepth 1 -type f -executable -name 'liqo*' -exec cp {} /out/ \;

FROM docker.io/library/debian:bookworm-slim
# The gateway configures routes and NAT.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates iproute2 nftables \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/ /usr/local/bin/
COPY --from=build /src/target/release/virtual-kubelet /usr/bin/virtual-kubelet
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/liqo-controller-manager"]
