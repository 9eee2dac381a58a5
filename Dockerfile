# syntax=docker/dockerfile:1
# adr-operator: one static binary (musl) on an empty base image, run as a non-root user.
#
#   docker build -t adr-operator:0.1.0 .
#   docker run --rm -v "$PWD/examples:/examples:ro" adr-operator:0.1.0 check /examples
#
# The image serves `adr-operator run` in the cluster (see charts/adr-operator) and runs
# `adr-operator check` / `lint` in CI pipelines.

ARG RUST_VERSION=1.95
ARG ALPINE_VERSION=3.22

# --- build: a static musl binary ---------------------------------------------------------
FROM rust:${RUST_VERSION}-alpine${ALPINE_VERSION} AS build
# ring (TLS, certificates) compiles C and assembly.
RUN apk add --no-cache musl-dev gcc make perl
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY benches ./benches
COPY examples ./examples
# Cache mounts keep the crate registry and the target directory between builds; the binary is
# copied out of the cached target directory, and the build fails unless it is static (no
# "=>" library lines from ldd), since the empty base below has no C library.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin adr-operator \
 && cp target/release/adr-operator /adr-operator \
 && strip /adr-operator \
 && ! ldd /adr-operator 2>/dev/null | grep -q "=>" \
 && /adr-operator --version

# CA certificates for URL sources (spec.openapi.url is https only); an /etc/passwd entry so the
# non-root user has a name.
FROM alpine:${ALPINE_VERSION} AS rootfs
RUN apk add --no-cache ca-certificates \
 && echo "adr-operator:x:65532:65532:adr-operator:/nonexistent:/sbin/nologin" > /etc/passwd.adr \
 && echo "adr-operator:x:65532:" > /etc/group.adr

# --- runtime: nothing but the binary -------------------------------------------------------
FROM scratch
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="adr-operator" \
      org.opencontainers.image.description="Admission webhook, controller and CLI that enforce the NL GOV API Design Rules on OpenAPI documents" \
      org.opencontainers.image.licenses="EUPL-1.2" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=rootfs /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=rootfs /etc/passwd.adr /etc/passwd
COPY --from=rootfs /etc/group.adr /etc/group
COPY --from=build /adr-operator /adr-operator
# The chart runs it with a read-only root filesystem and this (numeric) user.
USER 65532:65532
# 8443: the TLS webhook; 8080: /metrics, /livez, /readyz.
EXPOSE 8443 8080
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
ENTRYPOINT ["/adr-operator"]
CMD ["--help"]
