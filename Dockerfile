# syntax=docker/dockerfile:1
# Multi-stage build of the `marketplace` binary. The sqlx query macros build from the
# committed .sqlx/ data, so no database is needed at build time.

FROM rust:1.95-bookworm AS build
WORKDIR /src
ENV SQLX_OFFLINE=true
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin marketplace \
 && cp target/release/marketplace /usr/local/bin/marketplace

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home marketplace
COPY --from=build /usr/local/bin/marketplace /usr/local/bin/marketplace
USER marketplace
ENV MARKETPLACE_LISTEN=0.0.0.0:8080 \
    MARKETPLACE_LOG_FORMAT=json
EXPOSE 8080
ENTRYPOINT ["marketplace"]
CMD ["serve"]
