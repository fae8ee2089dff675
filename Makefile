# liqoctl-rs: build, test and demo entry points. A fresh machine needs only Go, Rust and
# root for apt-get: every other dependency is installed from here.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

ROOT        := $(CURDIR)
K8S_MOD_DIR := crates/liqo-testenv/k8s
BIN_DIR     ?= $(ROOT)/.testenv/bin
# The pins the binaries were built from; a change of go.mod/go.sum rebuilds them.
K8S_STAMP   := $(BIN_DIR)/.pins-$(shell cat $(K8S_MOD_DIR)/go.mod $(K8S_MOD_DIR)/go.sum | sha256sum | cut -c1-16)
K8S_PKGS    := k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
               k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
# Debian packages the tests and demo use (binary → package).
DEB_PKGS    := setpriv:util-linux ip:iproute2 update-ca-certificates:ca-certificates nft:nftables ping:iputils-ping tcpdump:tcpdump iperf3:iperf3 wg:wireguard-tools wireguard-go:wireguard-go
DEMO_DIR    ?= $(ROOT)/.testenv/demo

export LIQO_TESTENV_BIN := $(BIN_DIR)

.PHONY: build deps k8s test lint demo bench bench-tunnel clean

build:
	cargo build --workspace --all-targets

## deps: install the Debian packages a fresh machine lacks (only the missing ones).
deps:
	@missing=""; for pair in $(DEB_PKGS); do \
	  command -v "$${pair%%:*}" >/dev/null || missing="$$missing $${pair#*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

## k8s: build etcd and the Kubernetes binaries from the pinned Go modules.
k8s: $(K8S_STAMP)

$(K8S_STAMP): $(K8S_MOD_DIR)/go.mod $(K8S_MOD_DIR)/go.sum
	@mkdir -p $(BIN_DIR)
	@echo "building etcd and Kubernetes $$(grep 'k8s.io/kubernetes v' $(K8S_MOD_DIR)/go.mod | awk '{print $$2}') into $(BIN_DIR)"
	@# A private Go build cache, removed afterwards: it is ~3 GB that nothing reads once the
	@# binaries exist, and CI machines can be short of disk.
	export GOCACHE=$(BIN_DIR)/.gocache; \
	cd $(K8S_MOD_DIR) && go build -trimpath -ldflags='-s -w' -o $(BIN_DIR)/etcd go.etcd.io/etcd/server/v3 && \
	  go build -trimpath -ldflags='-s -w' -o $(BIN_DIR)/ $(K8S_PKGS)
	rm -rf $(BIN_DIR)/.gocache
	@rm -f $(BIN_DIR)/.pins-*
	@touch $@

test: deps k8s
	# The node agent runs the control plane from these binaries.
	@# No incremental artefacts (tens of GB over a session): CI builds once. Override with
	@# CARGO_INCREMENTAL=1 for local edit-test loops.
	CARGO_INCREMENTAL=$${CARGO_INCREMENTAL:-0} cargo build --workspace --bins
	CARGO_INCREMENTAL=$${CARGO_INCREMENTAL:-0} cargo test --workspace --no-fail-fast
	@df -h --output=used,avail $(ROOT) | sed 's/^/disk after tests: /'

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

## demo: two local clusters on a test network with Liqo installed on both, their networks
## connected through the WireGuard gateways, authenticated, a ResourceSlice that becomes a Ready
## virtual node, then its deletion and teardown.
demo: deps k8s
	cargo build -q --workspace --bins
	@target/debug/testenv down --dir $(DEMO_DIR)
	@trap 'target/debug/testenv down --dir $(DEMO_DIR)' EXIT; \
	target/debug/testenv up --dir $(DEMO_DIR) --network --pod-cidr alpha=10.243.0.0/16 --pod-cidr beta=10.244.0.0/16 alpha beta; \
	echo "== cluster alpha: liqoctl install"; \
	target/debug/liqoctl --kubeconfig $(DEMO_DIR)/alpha/kubeconfig install --pod-cidr 10.243.0.0/16 --timeout 2m; \
	echo "== cluster beta: liqoctl install"; \
	target/debug/liqoctl --kubeconfig $(DEMO_DIR)/beta/kubeconfig install --pod-cidr 10.244.0.0/16 --timeout 2m; \
	for c in alpha beta; do \
	  echo "== cluster $$c: kubectl get nodes,pods -A"; \
	  $(BIN_DIR)/kubectl --kubeconfig $(DEMO_DIR)/$$c/kubeconfig get nodes -o wide; \
	  $(BIN_DIR)/kubectl --kubeconfig $(DEMO_DIR)/$$c/kubeconfig get pods -n liqo -o wide; \
	done; \
	echo "== liqoctl network connect (alpha hosts the gateway client, beta the server)"; \
	target/debug/liqoctl --kubeconfig $(DEMO_DIR)/alpha/kubeconfig network connect --remote-kubeconfig $(DEMO_DIR)/beta/kubeconfig --wait; \
	$(BIN_DIR)/kubectl --kubeconfig $(DEMO_DIR)/alpha/kubeconfig get configurations,gatewayclients,connections -A -o wide; \
	$(BIN_DIR)/kubectl --kubeconfig $(DEMO_DIR)/beta/kubeconfig get configurations,gatewayservers,connections -A -o wide; \
	echo "== liqoctl authenticate (alpha consumes from beta)"; \
	target/debug/liqoctl --kubeconfig $(DEMO_DIR)/alpha/kubeconfig authenticate --remote-kubeconfig $(DEMO_DIR)/beta/kubeconfig; \
	$(BIN_DIR)/kubectl --kubeconfig $(DEMO_DIR)/alpha/kubeconfig get foreignclusters,identities -A; \
	$(BIN_DIR)/kubectl --kubeconfig $(DEMO_DIR)/beta/kubeconfig get foreignclusters,tenants -A; \
	beta_id=$$($(BIN_DIR)/kubectl --kubeconfig $(DEMO_DIR)/beta/kubeconfig get configmap -n liqo \
	  -l app.kubernetes.io/name=clusterid-configmap -o jsonpath='{.items[0].data.CLUSTER_ID}'); \
	echo "== liqoctl create resourceslice demo (alpha asks beta for resources: a virtual node)"; \
	target/debug/liqoctl --kubeconfig $(DEMO_DIR)/alpha/kubeconfig create resourceslice demo --remote-cluster-id $$beta_id --cpu 2 --memory 4Gi --timeout 1m; \
	$(BIN_DIR)/kubectl --kubeconfig $(DEMO_DIR)/alpha/kubeconfig wait --for=create node/demo --timeout=60s; \
	$(BIN_DIR)/kubectl --kubeconfig $(DEMO_DIR)/alpha/kubeconfig wait --for=condition=Ready node/demo --timeout=60s; \
	$(BIN_DIR)/kubectl --kubeconfig $(DEMO_DIR)/alpha/kubeconfig get resourceslices.authentication.liqo.io,virtualnodes -A; \
	$(BIN_DIR)/kubectl --kubeconfig $(DEMO_DIR)/alpha/kubeconfig get nodes -l liqo.io/type=virtual-node \
	  -o custom-columns=NAME:.metadata.name,CPU:.status.capacity.cpu,MEMORY:.status.capacity.memory,PODS:.status.capacity.pods; \
	$(BIN_DIR)/kubectl --kubeconfig $(DEMO_DIR)/alpha/kubeconfig get nodes -l liqo.io/type=virtual-node; \
	$(BIN_DIR)/kubectl --kubeconfig $(DEMO_DIR)/beta/kubeconfig get resourceslices.authentication.liqo.io,quotas -A; \
	echo "== liqoctl delete resourceslice demo --wait (the virtual node goes with it)"; \
	target/debug/liqoctl --kubeconfig $(DEMO_DIR)/alpha/kubeconfig delete resourceslice demo --remote-cluster-id $$beta_id --wait --timeout 2m; \
	$(BIN_DIR)/kubectl --kubeconfig $(DEMO_DIR)/alpha/kubeconfig get nodes; \
	echo "== liqoctl version (alpha, remote beta)"; \
	target/debug/liqoctl --kubeconfig $(DEMO_DIR)/alpha/kubeconfig version --remote-kubeconfig $(DEMO_DIR)/beta/kubeconfig; \
	target/debug/testenv status --dir $(DEMO_DIR)

## bench: start-up time and memory of two test clusters; install, network connect and
## authenticate times; controller-manager and gateway memory; create resourceslice → virtual
## Node Ready (p50 of 5) and the virtual kubelet's memory.
bench: deps k8s
	cargo build -q --release -p liqo-testenv --bin testenv
	bash scripts/bench-testenv.sh target/release/testenv
	cargo build -q --workspace --bins
	bash scripts/bench-auth.sh target/debug/testenv target/debug/liqoctl
	bash scripts/bench-offload.sh target/debug/testenv target/debug/liqoctl $(BIN_DIR)/kubectl

WG_MOD_DIR := scripts/wireguard-go
WG_LATEST  := $(BIN_DIR)/wireguard-go-latest

## bench-tunnel: single-flow TCP through liqo-gateway, Debian's wireguard-go, the newest
## upstream wireguard-go (GSO/GRO; pinned in scripts/wireguard-go) and no tunnel.
bench-tunnel: deps $(WG_LATEST)
	cargo build -q --release -p liqo-gateway
	bash scripts/bench-tunnel.sh "$${CARGO_TARGET_DIR:-target}/release/liqo-gateway" $(WG_LATEST)

$(WG_LATEST): $(WG_MOD_DIR)/go.mod $(WG_MOD_DIR)/go.sum
	@mkdir -p $(BIN_DIR)
	@# A private Go build cache, removed afterwards, as for the Kubernetes binaries.
	export GOCACHE=$(BIN_DIR)/.gocache-wireguard-go; \
	cd $(WG_MOD_DIR) && go build -trimpath -ldflags='-s -w' -o $@ golang.zx2c4.com/wireguard
	rm -rf $(BIN_DIR)/.gocache-wireguard-go

clean:
	cargo clean
	rm -rf .testenv
