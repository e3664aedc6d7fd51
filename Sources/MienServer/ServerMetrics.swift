import Foundation
import Hummingbird
import MienJobs
import Prometheus

/// What `GET /metrics` reports, in Prometheus' text format (swift-prometheus):
/// - `mien_http_requests_total{method,route,status}`: requests answered;
/// - `mien_http_request_duration_seconds{method,route}`: their latencies
///   (until the answer's head; a streamed timeline's body is not counted);
/// - `mien_jobs{state}`: jobs in the store, `running`, `finished` (every
///   shard done or dead) or `cancelled`, read from the store at each scrape;
/// - `mien_shards{state}`: shards of jobs not cancelled, `done`, `dead` or
///   `remaining` (pending or running).
///
/// Routes are labelled by their pattern (`/v1/jobs/{id}`), and requests that
/// match no route as `unmatched`, so a client cannot grow the label set.
public final class ServerMetrics: Sendable {
    /// The registry the server's metrics live in (its own: several servers
    /// in one process, as in tests, do not share one).
    let registry = PrometheusCollectorRegistry()

    /// Creates an empty set.
    public init() {}

    /// Counts an answered request.
    func record(method: String, route: String, status: Int, seconds: Double) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(metricName: "mien_http_requests", unitName: "total", helpText: "HTTP requests answered."),
            labels: [("method", method), ("route", route), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(metricName: "mien_http_request_duration", unitName: "seconds",
                                             helpText: "Time to answer a request, until the head of the answer."),
            labels: [("method", method), ("route", route)],
            buckets: Self.buckets
        ).record(.nanoseconds(Int64(seconds * 1e9)))
    }

    static let buckets: [Duration] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
        .map { .nanoseconds(Int64($0 * 1e9)) }

    /// Sets the job and shard gauges from the store's job list.
    func update(jobs: [JobSummary]) {
        var states = ["running": 0, "finished": 0, "cancelled": 0]
        var shards = ["done": 0, "dead": 0, "remaining": 0]
        for job in jobs {
            if job.cancelled {
                states["cancelled", default: 0] += 1
                continue
            }
            states[job.shards > job.done + job.dead ? "running" : "finished", default: 0] += 1
            shards["done", default: 0] += job.done
            shards["dead", default: 0] += job.dead
            shards["remaining", default: 0] += max(0, job.shards - job.done - job.dead)
        }
        for (state, count) in states {
            registry.makeGauge(descriptor: MetricNameDescriptor(metricName: "mien_jobs", unitName: "", helpText: "Jobs in the store by state."),
                               labels: [("state", state)]).set(Double(count))
        }
        for (state, count) in shards {
            registry.makeGauge(descriptor: MetricNameDescriptor(metricName: "mien_shards", unitName: "", helpText: "Shards of jobs not cancelled, by state."),
                               labels: [("state", state)]).set(Double(count))
        }
    }

    /// The exposition text.
    func text() -> String { registry.emitToString() }
}

/// Records every request's status and latency in `ServerMetrics`.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        metrics.record(method: request.method.rawValue, route: context.endpointPath ?? "unmatched",
                       status: response.status.code, seconds: seconds)
        return response
    }
}
