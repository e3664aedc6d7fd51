/// `x * relu6(x + 3) / 6` (MobileNetV3).
public enum HardSwish {
    static func apply(_ v: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { let x = v[i]; v[i] = x * min(max(x + 3, 0), 6) * (1.0 / 6) }
    }

    /// Plain reference.
    public static func reference(_ x: Tensor) -> Tensor {
        Tensor(shape: x.shape, data: x.data.map { $0 * min(max($0 + 3, 0), 6) / 6 })
    }
}

/// `relu6(x + 3) / 6`, the gate of MobileNetV3's squeeze-and-excitation.
public enum HardSigmoid {
    static func apply(_ v: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { v[i] = min(max(v[i] + 3, 0), 6) * (1.0 / 6) }
    }

    /// Plain reference.
    public static func reference(_ x: Tensor) -> Tensor {
        Tensor(shape: x.shape, data: x.data.map { min(max($0 + 3, 0), 6) / 6 })
    }
}
