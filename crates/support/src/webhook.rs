//! Calling shops' webhooks: the signature, the refusal of private targets (SSRF), and the
//! HTTP client that does both.

use hmac::{Hmac, Mac};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use sha2::Sha256;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

pub const EVENT_HEADER: &str = "Marketplace-Event";
pub const EVENT_ID_HEADER: &str = "Marketplace-Event-Id";
pub const DELIVERY_HEADER: &str = "Marketplace-Delivery-Id";
pub const TIMESTAMP_HEADER: &str = "Marketplace-Timestamp";
pub const SIGNATURE_HEADER: &str = "Marketplace-Signature";

/// The `Marketplace-Signature` value: `v1=` and the hex HMAC-SHA256, keyed with the
/// webhook's secret, of the timestamp header, a dot and the raw body.
/// (HMAC accepts keys of every length, so the error cannot happen with SHA-256.)
pub fn signature(
    secret: &str,
    timestamp: i64,
    body: &str,
) -> Result<String, hmac::digest::InvalidLength> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    Ok(format!("v1={}", hex::encode(mac.finalize().into_bytes())))
}

/// Whether an address belongs to the public internet: not loopback, private, link-local,
/// shared (CGNAT), documentation, multicast, unspecified or otherwise reserved.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => match ip.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(ip),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (RFC 6598)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    let first = segments[0];
    if first == 0x2002 {
        // 6to4 carries an IPv4 address in bits 16..48.
        let [a, b] = segments[1].to_be_bytes();
        let [c, d] = segments[2].to_be_bytes();
        return is_public_v4(Ipv4Addr::new(a, b, c, d));
    }
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || segments[..6].iter().all(|segment| *segment == 0) // IPv4-compatible (deprecated)
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (first == 0x2001 && segments[1] == 0x0000) // Teredo
        || (first == 0x2001 && segments[1] == 0x0db8) // documentation
        || first == 0x0064) // NAT64 and local-use translation prefixes
}

const NOT_PUBLIC: &str =
    "must be a public host (private, loopback and link-local targets are refused)";

/// Why a webhook URL is refused.
pub fn check_url(url: &str, allow_private: bool) -> Result<reqwest::Url, &'static str> {
    let parsed = reqwest::Url::parse(url).map_err(|_| "must be an absolute http(s) URL")?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err("must be an http or https URL");
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("must not contain credentials");
    }
    let Some(host) = parsed.host_str() else {
        return Err("must name a host");
    };
    if !allow_private {
        // URL parsing has already normalised numeric hosts ("2130706433" is 127.0.0.1).
        let refused = match host.trim_start_matches('[').trim_end_matches(']').parse() {
            Ok(ip) => !is_public(ip),
            Err(_) => {
                let name = host.trim_end_matches('.').to_ascii_lowercase();
                name == "localhost" || name.ends_with(".localhost") || !name.contains('.')
            }
        };
        if refused {
            return Err(NOT_PUBLIC);
        }
    }
    Ok(parsed)
}

/// Resolves host names, refusing any that points to a non-public address, so a name cannot
/// be turned against the internal network after it was registered (DNS rebinding).
struct PublicOnlyResolver;

/// The resolver's refusal, told apart from other connection errors (it is not retried).
#[derive(Debug, thiserror::Error)]
#[error("the host resolves to a non-public address")]
struct NotPublic;

/// Whether a call failed because the resolver refused the target.
pub fn refused_by_resolver(error: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if cause.is::<NotPublic>() {
            return true;
        }
        source = cause.source();
    }
    false
}

/// Why a host name is no target.
#[derive(Debug, thiserror::Error)]
enum Unusable {
    #[error("the host name does not resolve")]
    Unknown(#[source] std::io::Error),
    #[error(transparent)]
    NotPublic(#[from] NotPublic),
}

/// The host's addresses, if it resolves and every one of them is public.
async fn public_addresses(host: &str) -> Result<Vec<SocketAddr>, Unusable> {
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host, 0))
        .await
        .map_err(Unusable::Unknown)?
        .collect();
    if addresses.is_empty() || addresses.iter().any(|address| !is_public(address.ip())) {
        return Err(NotPublic.into());
    }
    Ok(addresses)
}

/// Refuses a URL whose host name resolves to a non-public address (or not at all), so the
/// refusal comes when the webhook is made. IP literals are [`check_url`]'s.
pub async fn check_resolves_publicly(url: &reqwest::Url) -> Result<(), &'static str> {
    let host = url.host_str().unwrap_or_default();
    if host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .is_ok()
    {
        return Ok(());
    }
    match public_addresses(host).await {
        Ok(_) => Ok(()),
        Err(Unusable::Unknown(_)) => Err("the host name does not resolve"),
        Err(Unusable::NotPublic(_)) => Err(NOT_PUBLIC),
    }
}

impl Resolve for PublicOnlyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            match public_addresses(name.as_str()).await {
                Ok(addresses) => Ok(Box::new(addresses.into_iter()) as Addrs),
                Err(Unusable::Unknown(error)) => Err(error.into()),
                Err(Unusable::NotPublic(refusal)) => Err(refusal.into()),
            }
        })
    }
}

/// The HTTP client of webhook deliveries: no redirects (a redirect could point inside),
/// short timeouts, and with `allow_private` off only public addresses.
pub fn client(allow_private: bool) -> Result<reqwest::Client, reqwest::Error> {
    let builder = reqwest::Client::builder()
        // A proxy would resolve the host itself, past the check below.
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .user_agent("Marktplatz-Webhooks/1");
    let builder = if allow_private {
        builder
    } else {
        builder.dns_resolver(Arc::new(PublicOnlyResolver))
    };
    builder.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_covers_timestamp_and_body() {
        // Reference value: printf '1764000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        assert_eq!(
            signature("whsec_test", 1_764_000_000, r#"{"a":1}"#)
                .ok()
                .as_deref(),
            Some("v1=c862972147a4361237a5bcb4f74195e2e5d448641115622fe658a65985c5ae8c")
        );
        assert_ne!(
            signature("whsec_test", 1_764_000_000, r#"{"a":1}"#),
            signature("whsec_test", 1_764_000_001, r#"{"a":1}"#)
        );
        assert_ne!(
            signature("whsec_test", 1_764_000_000, r#"{"a":1}"#),
            signature("whsec_other", 1_764_000_000, r#"{"a":1}"#)
        );
        assert!(signature("k", 1, "b").is_ok_and(|value| value.starts_with("v1=")));
    }

    #[test]
    fn only_public_addresses_are_targets() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::",
            "::7f00:1",
            "2002:c0a8:0101::1",
            "2001:0:4136:e378::1",
            "fec0::1",
        ] {
            let ip: IpAddr = private.parse().expect("an address");
            assert!(!is_public(ip), "{private}");
        }
        for public in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "2002:5db8:d822::1",
        ] {
            let ip: IpAddr = public.parse().expect("an address");
            assert!(is_public(ip), "{public}");
        }
    }

    #[test]
    fn urls_are_checked_before_they_are_stored() {
        assert!(check_url("https://erp.example.de/hook", false).is_ok());
        assert!(check_url("http://127.0.0.1:8080/hook", false).is_err());
        assert!(check_url("http://[::1]/hook", false).is_err());
        assert!(check_url("http://169.254.169.254/latest", false).is_err());
        assert!(check_url("http://localhost/hook", false).is_err());
        assert!(check_url("http://intranet/hook", false).is_err());
        assert!(check_url("ftp://example.de/hook", false).is_err());
        assert!(check_url("https://user:pw@example.de/hook", false).is_err());
        assert!(check_url("http://2130706433/hook", false).is_err());
        assert!(check_url("http://127.0.0.1:8080/hook", true).is_ok());
    }
}
