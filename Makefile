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

.PHONY: build deps k8s test lint demo bench bench-tunnel docs clean

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

## demo: two local clusters on a test network, Liqo installed on both, `liqoctl peer` (network,
## authentication, a ResourceSlice that becomes a Ready virtual node), `liqoctl offload
## namespace demo`, a Deployment of the demo app that runs on the provider through the virtual
## node, a consumer pod fetching one of its pods through the tunnel (`kubectl exec client --
## liqo-demo get`), `liqoctl info`, then the app removed, `unoffload`, `unpeer` and teardown. Each command
## is printed before it runs; the first that fails stops the demo.
demo: deps k8s
	cargo build -q --workspace --bins
	@target/debug/testenv down --dir $(DEMO_DIR)
	@set -e; export PATH=$(ROOT)/target/debug:$(BIN_DIR):$$PATH; \
	run() { printf '\n$$ %s\n' "$$*"; "$$@"; }; \
	trap 'run testenv down --dir $(DEMO_DIR)' EXIT; \
	mkdir -p $(DEMO_DIR) && cd $(DEMO_DIR); \
	run testenv up --dir . --network --pod-cidr alpha=10.243.0.0/16 --pod-cidr beta=10.244.0.0/16 alpha beta; \
	run liqoctl --kubeconfig alpha/kubeconfig install --pod-cidr 10.243.0.0/16; \
	run liqoctl --kubeconfig beta/kubeconfig install --pod-cidr 10.244.0.0/16; \
	run liqoctl --kubeconfig alpha/kubeconfig peer --remote-kubeconfig beta/kubeconfig; \
	run kubectl --kubeconfig alpha/kubeconfig get nodes; \
	run kubectl --kubeconfig alpha/kubeconfig create namespace demo; \
	run liqoctl --kubeconfig alpha/kubeconfig offload namespace demo --pod-offloading-strategy Remote; \
	run kubectl --kubeconfig alpha/kubeconfig apply -f $(ROOT)/scripts/demo/web.yaml; \
	run kubectl --kubeconfig alpha/kubeconfig -n demo rollout status deployment/web --timeout=90s; \
	run kubectl --kubeconfig alpha/kubeconfig -n demo get pods -o wide; \
	run kubectl --kubeconfig beta/kubeconfig get pods --all-namespaces -l app=web -o wide; \
	run kubectl --kubeconfig alpha/kubeconfig run client --image=ghcr.io/liqoctl-rs/liqo:test --command -- /usr/local/bin/liqo-demo; \
	run kubectl --kubeconfig alpha/kubeconfig wait --for=condition=Ready pod/client --timeout=60s; \
	ip=$$(kubectl --kubeconfig alpha/kubeconfig -n demo get pods -l app=web -o jsonpath='{.items[0].status.podIP}'); \
	run kubectl --kubeconfig alpha/kubeconfig exec client -- liqo-demo get http://$$ip:8080/; echo; \
	run kubectl --kubeconfig alpha/kubeconfig delete pod client --wait; \
	run liqoctl --kubeconfig alpha/kubeconfig info; \
	run kubectl --kubeconfig alpha/kubeconfig -n demo delete deployment web --wait; \
	run liqoctl --kubeconfig alpha/kubeconfig unoffload namespace demo --skip-confirm; \
	run liqoctl --kubeconfig alpha/kubeconfig unpeer --remote-kubeconfig beta/kubeconfig --delete-namespaces --skip-confirm; \
	run kubectl --kubeconfig alpha/kubeconfig get nodes

## bench: start-up time and memory of two test clusters; install, network connect and
## authenticate times; controller-manager and gateway memory; create resourceslice → virtual
## Node Ready (p50 of 5) and the virtual kubelet's memory; peer and unpeer (p50/p90 of 5) and
## the API requests of one peer; 100 demo pods on the local node vs offloaded (time until all
## Ready, ratio) and the virtual kubelet's memory at rest and with them.
bench: deps k8s
	cargo build -q --release -p liqo-testenv --bin testenv
	bash scripts/bench-testenv.sh target/release/testenv
	cargo build -q --workspace --bins
	bash scripts/bench-auth.sh target/debug/testenv target/debug/liqoctl
	bash scripts/bench-offload.sh target/debug/testenv target/debug/liqoctl $(BIN_DIR)/kubectl
	bash scripts/bench-peer.sh target/debug/testenv target/debug/liqoctl
	bash scripts/bench-pods.sh target/debug/testenv target/debug/liqoctl $(BIN_DIR)/kubectl

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

## docs: regenerate docs/reference, docs/man and completions/ from the command tree.
docs:
	cargo build -q --bin liqoctl
	target/debug/liqoctl docs --out .

clean:
	cargo clean
	rm -rf .testenv
