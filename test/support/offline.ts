// Tests talk to loopback only. @apollo/gateway otherwise starts a usage-data exporter on
// construction that probes cloud metadata addresses (169.254.169.254 and friends) and posts
// metrics to Apollo: traffic that leaves the machine, and a warning printed by gcp-metadata.
process.env.APOLLO_TELEMETRY_DISABLED = 'true';
