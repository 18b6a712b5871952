//! `marketplace bench`: a mixed read workload against a running server on this machine —
//! product search, category listings, regional (`near`) searches and product pages — with
//! requests, errors, throughput and latency percentiles per kind.
//!
//! Only loopback URLs are accepted, redirects are not followed and no proxy is used, so the
//! benchmark never sends a request to another machine. It stops by itself after
//! `--requests` requests or `--duration-seconds`, whichever comes first.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::{Client, StatusCode, Url};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

use crate::seed::{SEARCH_TERMS, TREE};

/// Options of `marketplace bench`.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// Base URL of a running marketplace server. Only loopback addresses (localhost,
    /// 127.0.0.0/8, ::1) are accepted: this tool loads your own machine, never anyone else's.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=512))]
    pub concurrency: u32,
    /// How many requests to send in all.
    #[arg(long, default_value_t = 5_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub requests: u64,
    /// Stop after this many seconds even if not all requests were sent.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub duration_seconds: u64,
    /// Weights of the request kinds: `search` (full-text `q`), `listing` (category, newest,
    /// price range), `near` (distance from a point) and `detail` (a product page).
    #[arg(long, default_value = "search=40,listing=20,near=20,detail=20", value_parser = parse_mix)]
    pub mix: Mix,
    /// The point of `near` searches, `lat,lon` or a postal code.
    #[arg(long, default_value = "47.99,7.85")]
    pub near: String,
    /// A product for `detail` requests (repeatable); added to the ids of the first listing
    /// page (`GET /v1/products?sort=newest&limit=100`).
    #[arg(long = "product-id")]
    pub product_ids: Vec<Uuid>,
    /// Timeout of one request, in seconds.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout_seconds: u64,
    /// Seed of the random choice of requests.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// The kinds of request of the workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Search,
    Listing,
    Near,
    Detail,
}

impl Kind {
    const ALL: [Kind; 4] = [Kind::Search, Kind::Listing, Kind::Near, Kind::Detail];

    fn name(self) -> &'static str {
        match self {
            Kind::Search => "search",
            Kind::Listing => "listing",
            Kind::Near => "near",
            Kind::Detail => "detail",
        }
    }
}

/// Weights of the request kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mix(Vec<(Kind, u32)>);

fn parse_mix(text: &str) -> Result<Mix, String> {
    let mut weights = Vec::new();
    for part in text
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
    {
        let (name, weight) = part
            .split_once('=')
            .ok_or_else(|| format!("`{part}` is not `kind=weight`"))?;
        let kind = Kind::ALL
            .into_iter()
            .find(|kind| kind.name() == name.trim())
            .ok_or_else(|| format!("unknown kind `{name}` (search, listing, near, detail)"))?;
        let weight: u32 = weight
            .trim()
            .parse()
            .map_err(|_| format!("the weight of `{name}` is not a whole number"))?;
        if weights.iter().any(|(known, _)| *known == kind) {
            return Err(format!("`{name}` appears twice"));
        }
        weights.push((kind, weight));
    }
    if weights.iter().all(|(_, weight)| *weight == 0) {
        return Err("give at least one kind a weight above 0".to_owned());
    }
    Ok(Mix(weights))
}

/// The base URL, if it is an http(s) URL on this machine.
fn loopback_url(text: &str) -> anyhow::Result<Url> {
    let url = Url::parse(text).map_err(|error| anyhow::anyhow!("--url {text}: {error}"))?;
    anyhow::ensure!(
        matches!(url.scheme(), "http" | "https"),
        "--url must be an http:// or https:// URL"
    );
    let host = url.host_str().unwrap_or_default();
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    anyhow::ensure!(
        loopback,
        "--url must point to this machine (localhost, 127.0.0.1 or ::1), not `{host}`: the \
         benchmark only loads your own server"
    );
    Ok(url)
}

/// What the workload draws from, found before it starts.
struct Targets {
    base: Url,
    categories: Vec<String>,
    products: Vec<Uuid>,
    near: String,
}

impl Targets {
    fn url(&self, kind: Kind, rng: &mut StdRng) -> Url {
        let mut url = self.base.clone();
        let path = match kind {
            Kind::Detail => format!(
                "/v1/products/{}",
                self.products[rng.gen_range(0..self.products.len())]
            ),
            _ => "/v1/products".to_owned(),
        };
        url.set_path(&path);
        {
            let mut query = url.query_pairs_mut();
            match kind {
                Kind::Search => {
                    query.append_pair("q", &search_term(rng));
                }
                Kind::Listing => match rng.gen_range(0..3) {
                    0 if !self.categories.is_empty() => {
                        let slug = &self.categories[rng.gen_range(0..self.categories.len())];
                        query
                            .append_pair("category", slug)
                            .append_pair("sort", "price_asc");
                    }
                    1 => {
                        query
                            .append_pair("min_price", "5")
                            .append_pair("max_price", "50")
                            .append_pair("in_stock", "true");
                    }
                    _ => {
                        query.append_pair("sort", "newest");
                    }
                },
                Kind::Near => {
                    query
                        .append_pair("near", &self.near)
                        .append_pair("radius_km", "10")
                        .append_pair("sort", "distance");
                    if rng.gen_bool(0.25) {
                        query.append_pair("q", &search_term(rng));
                    }
                }
                Kind::Detail => {}
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        url
    }
}

/// A search word: a curated term (with typos), or a noun of the seed-bench tree.
fn search_term(rng: &mut StdRng) -> String {
    if rng.gen_bool(0.5) {
        SEARCH_TERMS[rng.gen_range(0..SEARCH_TERMS.len())].to_owned()
    } else {
        let root = &TREE[rng.gen_range(0..TREE.len())];
        let leaf = &root.leaves[rng.gen_range(0..root.leaves.len())];
        let nouns: Vec<&str> = leaf.nouns.split_whitespace().collect();
        nouns[rng.gen_range(0..nouns.len())].to_lowercase()
    }
}

/// One finished request: its kind, how long it took, and its status (`None`: no response).
struct Sample {
    kind: Kind,
    latency: Duration,
    status: Option<StatusCode>,
}

/// Runs the benchmark and prints its report.
pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    let base = loopback_url(&args.url)?;
    let client = Client::builder()
        .timeout(Duration::from_secs(args.timeout_seconds))
        // Never leave this machine: no redirects elsewhere, no proxy from the environment.
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .pool_max_idle_per_host(args.concurrency as usize)
        .build()?;

    let targets = discover(&client, base, &args).await?;
    let mut weights: Vec<(Kind, u32)> = args
        .mix
        .0
        .iter()
        .copied()
        .filter(|(_, weight)| *weight > 0)
        .collect();
    if targets.products.is_empty() && weights.iter().any(|(kind, _)| *kind == Kind::Detail) {
        println!(
            "note: no product ids (the listing gave none and no --product-id was given); \
             `detail` requests are left out"
        );
        weights.retain(|(kind, _)| *kind != Kind::Detail);
    }
    anyhow::ensure!(!weights.is_empty(), "nothing left to request");
    println!(
        "marketplace bench: up to {} requests against {} with {} in flight, at most {} s \
         (mix {}; {} categories, {} product ids)",
        args.requests,
        targets.base,
        args.concurrency,
        args.duration_seconds,
        weights
            .iter()
            .map(|(kind, weight)| format!("{}={weight}", kind.name()))
            .collect::<Vec<_>>()
            .join(","),
        targets.categories.len(),
        targets.products.len()
    );

    let targets = Arc::new(targets);
    let weights = Arc::new(weights);
    let issued = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.duration_seconds);
    let mut tasks = Vec::new();
    for worker in 0..args.concurrency {
        let (client, targets, weights, issued) = (
            client.clone(),
            targets.clone(),
            weights.clone(),
            issued.clone(),
        );
        let requests = args.requests;
        let mut rng = StdRng::seed_from_u64(args.seed.wrapping_add(u64::from(worker)));
        tasks.push(tokio::spawn(async move {
            let total: u32 = weights.iter().map(|(_, weight)| weight).sum();
            let mut samples = Vec::new();
            while issued.fetch_add(1, Ordering::Relaxed) < requests && Instant::now() < deadline {
                let mut draw = rng.gen_range(0..total);
                let mut kind = Kind::Search;
                for (candidate, weight) in weights.iter() {
                    if draw < *weight {
                        kind = *candidate;
                        break;
                    }
                    draw -= weight;
                }
                let url = targets.url(kind, &mut rng);
                let sent = Instant::now();
                let status = match client.get(url).send().await {
                    // The whole body counts: that is what a client waits for.
                    Ok(response) => {
                        let status = response.status();
                        response.bytes().await.ok().map(|_| status)
                    }
                    Err(_) => None,
                };
                samples.push(Sample {
                    kind,
                    latency: sent.elapsed(),
                    status,
                });
            }
            samples
        }));
    }
    let mut samples = Vec::new();
    for task in tasks {
        samples.extend(task.await?);
    }
    let elapsed = started.elapsed();
    print!("{}", report(&samples, elapsed));
    Ok(())
}

/// Finds category slugs and product ids for the workload. A server that cannot be reached
/// stops the benchmark; missing endpoints only leave their targets empty.
async fn discover(client: &Client, base: Url, args: &BenchArgs) -> anyhow::Result<Targets> {
    let mut categories = Vec::new();
    let mut url = base.clone();
    url.set_path("/v1/categories");
    let response = client.get(url.clone()).send().await.map_err(|error| {
        anyhow::anyhow!("cannot reach {url} ({error}); is `marketplace serve` running?")
    })?;
    if response.status().is_success() {
        let tree: Value = response.json().await?;
        fn slugs(nodes: &Value, into: &mut Vec<String>) {
            for node in nodes.as_array().into_iter().flatten() {
                if let Some(slug) = node["slug"].as_str() {
                    into.push(slug.to_owned());
                }
                slugs(&node["children"], into);
            }
        }
        slugs(&tree["items"], &mut categories);
    } else {
        println!(
            "note: GET /v1/categories answered {}; listings go without a category",
            response.status()
        );
    }

    let mut products = args.product_ids.clone();
    let mut url = base.clone();
    url.set_path("/v1/products");
    url.set_query(Some("sort=newest&limit=100"));
    let response = client.get(url).send().await?;
    if response.status().is_success() {
        let page: Value = response.json().await?;
        products.extend(
            page["items"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|item| item["id"].as_str())
                .filter_map(|id| id.parse::<Uuid>().ok()),
        );
    } else {
        println!(
            "note: GET /v1/products answered {}; no product ids from a listing",
            response.status()
        );
    }
    products.sort();
    products.dedup();
    Ok(Targets {
        base,
        categories,
        products,
        near: args.near.clone(),
    })
}

/// The value at percentile `p` (0–100) of sorted values, by nearest rank.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

/// The report table: per kind and in total, requests, errors (non-2xx or no response),
/// throughput over the whole run, and latency percentiles of the answered requests.
fn report(samples: &[Sample], elapsed: Duration) -> String {
    let mut out = String::new();
    let seconds = elapsed.as_secs_f64().max(f64::EPSILON);
    let _ = writeln!(
        out,
        "{:<8} {:>9} {:>7} {:>9} {:>8} {:>8} {:>8} {:>8}",
        "kind", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms"
    );
    let mut line = |name: &str, of: &[&Sample]| {
        let errors = of
            .iter()
            .filter(|sample| !sample.status.is_some_and(|status| status.is_success()))
            .count();
        let mut latencies: Vec<Duration> = of
            .iter()
            .filter(|sample| sample.status.is_some())
            .map(|sample| sample.latency)
            .collect();
        latencies.sort_unstable();
        let _ = writeln!(
            out,
            "{:<8} {:>9} {:>7} {:>9.1} {:>8.1} {:>8.1} {:>8.1} {:>8.1}",
            name,
            of.len(),
            errors,
            of.len() as f64 / seconds,
            millis(percentile(&latencies, 50.0)),
            millis(percentile(&latencies, 95.0)),
            millis(percentile(&latencies, 99.0)),
            millis(latencies.last().copied().unwrap_or_default()),
        );
    };
    for kind in Kind::ALL {
        let of: Vec<&Sample> = samples
            .iter()
            .filter(|sample| sample.kind == kind)
            .collect();
        if !of.is_empty() {
            line(kind.name(), &of);
        }
    }
    let all: Vec<&Sample> = samples.iter().collect();
    line("total", &all);
    let _ = writeln!(out, "elapsed {:.2} s", elapsed.as_secs_f64());

    let mut failures: BTreeMap<(Kind, String), usize> = BTreeMap::new();
    for sample in samples {
        let outcome = match sample.status {
            Some(status) if status.is_success() => continue,
            Some(status) => status.as_u16().to_string(),
            None => "no response".to_owned(),
        };
        *failures.entry((sample.kind, outcome)).or_default() += 1;
    }
    if !failures.is_empty() {
        let listed: Vec<String> = failures
            .iter()
            .map(|((kind, outcome), count)| format!("{} {outcome} ×{count}", kind.name()))
            .collect();
        let _ = writeln!(out, "errors: {}", listed.join(", "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_urls_are_accepted() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:8080/",
            "http://[::1]:8080",
            "https://127.0.0.2",
        ] {
            assert!(loopback_url(ok).is_ok(), "{ok}");
        }
        for refused in [
            "http://example.de",
            "http://10.0.0.1:8080",
            "http://0.0.0.0:8080",
            "ftp://127.0.0.1",
            "not a url",
        ] {
            assert!(loopback_url(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn the_mix_is_parsed_with_clear_errors() {
        assert_eq!(
            parse_mix("search=40, detail=0").unwrap(),
            Mix(vec![(Kind::Search, 40), (Kind::Detail, 0)])
        );
        assert!(parse_mix("search=0").unwrap_err().contains("above 0"));
        assert!(parse_mix("browse=1").unwrap_err().contains("unknown kind"));
        assert!(parse_mix("search=x").is_err());
        assert!(parse_mix("search=1,search=2").is_err());
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let values: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&values, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&values, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&values[..1], 95.0), Duration::from_millis(1));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
    }

    #[test]
    fn the_report_counts_errors_per_kind() {
        let sample = |kind, millis, status: Option<u16>| Sample {
            kind,
            latency: Duration::from_millis(millis),
            status: status.and_then(|code| StatusCode::from_u16(code).ok()),
        };
        let samples = [
            sample(Kind::Search, 10, Some(200)),
            sample(Kind::Search, 30, Some(404)),
            sample(Kind::Detail, 20, None),
        ];
        let text = report(&samples, Duration::from_secs(1));
        assert!(text.contains("search 404 ×1"), "{text}");
        assert!(text.contains("detail no response ×1"), "{text}");
        let total = text.lines().find(|line| line.starts_with("total")).unwrap();
        assert!(total.split_whitespace().nth(2) == Some("2"), "{total}");
    }

    #[test]
    fn urls_are_built_for_every_kind() {
        let targets = Targets {
            base: Url::parse("http://127.0.0.1:8080").unwrap(),
            categories: vec!["bench-lebensmittel".to_owned()],
            products: vec![Uuid::nil()],
            near: "47.99,7.85".to_owned(),
        };
        let mut rng = StdRng::seed_from_u64(7);
        for kind in Kind::ALL {
            for _ in 0..20 {
                let url = targets.url(kind, &mut rng);
                assert_eq!(url.host_str(), Some("127.0.0.1"));
                assert!(url.path().starts_with("/v1/products"), "{url}");
            }
        }
        let detail = targets.url(Kind::Detail, &mut rng);
        assert_eq!(detail.path(), format!("/v1/products/{}", Uuid::nil()));
        assert_eq!(detail.query(), None);
    }
}
