/// A constant-velocity alpha-beta filter over a face box, time-aware.
///
/// State, in the coordinates SORT uses: centre `cx`, `cy` and scale `s`
/// (square root of the area), each with a velocity in units per second, plus
/// the aspect `a` (width over height), which faces barely change and which is
/// only smoothed, without velocity.
///
/// Why alpha-beta and not a Kalman filter: a Kalman filter with constant
/// noise settles to fixed gains anyway; the fixed gains here are that steady
/// state, without a covariance to carry, and the filter stays a few lines that
/// give the same numbers on every machine.
///
/// For a measurement `z` taken `dt` seconds after the last one, per component:
/// ```
/// predicted = p + v * dt
/// r         = z - predicted          (the residual)
/// p         = predicted + alpha * r
/// v         = v + (beta / dt) * r
/// ```
/// The velocity is not updated when `dt` is below `minimumStep` (two samples
/// almost at once say nothing about speed, and `1/dt` would amplify noise).
public struct BoxMotionFilter: Sendable, Equatable, Codable {
    /// Gain on the position residual, 0...1: how much a measurement moves the estimate.
    public var alpha: Double
    /// Gain on the velocity residual, 0...1: how fast the speed follows.
    public var beta: Double
    /// Shortest step (seconds) that updates the velocity.
    public var minimumStep: Double

    /// Estimated centre x, centre y and scale.
    public private(set) var position: SIMD3<Double>
    /// Their velocities, per second.
    public private(set) var velocity: SIMD3<Double>
    /// Estimated aspect (width over height).
    public private(set) var aspect: Double
    /// Time (seconds) of the last measurement.
    public private(set) var time: Double

    /// Starts a filter at its first measurement, at rest.
    ///
    /// - Parameters:
    ///   - box: the first measured box.
    ///   - time: its timestamp, seconds.
    ///   - alpha: position gain (default 0.6: detections are precise, follow them closely).
    ///   - beta: velocity gain (default 0.2).
    ///   - minimumStep: shortest step that updates the velocity (default 1 ms).
    public init(box: FaceBox, time: Double, alpha: Double = 0.6, beta: Double = 0.2, minimumStep: Double = 0.001) {
        self.alpha = alpha
        self.beta = beta
        self.minimumStep = minimumStep
        self.position = SIMD3(box.centerX, box.centerY, box.scale)
        self.velocity = .zero
        self.aspect = box.aspect
        self.time = time
    }

    /// The box the model expects at `time` (extrapolated at constant velocity;
    /// the scale never goes below one pixel). A `time` before the last
    /// measurement gives the last estimate.
    public func predicted(at time: Double) -> FaceBox {
        let dt = max(time - self.time, 0)
        let p = position + velocity * dt
        return FaceBox(centerX: p.x, centerY: p.y, scale: max(p.z, 1), aspect: aspect)
    }

    /// The current estimate, at the time of the last measurement.
    public var estimate: FaceBox { predicted(at: time) }

    /// Folds in a measurement taken at `time`.
    ///
    /// A measurement at or before the last one's time only corrects the
    /// position (no velocity update, no clock going backwards).
    public mutating func update(box: FaceBox, time: Double) {
        let dt = max(time - self.time, 0)
        let z = SIMD3(box.centerX, box.centerY, box.scale)
        let predicted = position + velocity * dt
        let residual = z - predicted
        position = predicted + alpha * residual
        if dt >= minimumStep {
            velocity += (beta / dt) * residual
        }
        aspect += alpha * (box.aspect - aspect)
        self.time = max(time, self.time)
    }
}
