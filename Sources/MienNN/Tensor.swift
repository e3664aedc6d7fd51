/// A dense float32 tensor, row-major. Images are NCHW: `[batch, channels, height, width]`.
public struct Tensor: Sendable, Equatable {
    /// Dimensions, outermost first.
    public private(set) var shape: [Int]
    /// `shape.product` values, row-major.
    public var data: [Float]

    /// A tensor of `shape` holding `data` (whose count must match).
    public init(shape: [Int], data: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(data.count == shape.reduce(1, *), "\(data.count) values do not fill shape \(shape)")
        self.shape = shape
        self.data = data
    }

    /// A tensor of `shape` filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        self.init(shape: shape, data: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// A tensor of `shape` whose values `initializer` writes, every one of
    /// them, into uninitialised memory (no zero-fill first).
    public init(shape: [Int], initializingWith initializer: (UnsafeMutableBufferPointer<Float>) -> Void) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        let count = shape.reduce(1, *)
        self.shape = shape
        self.data = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            initializer(UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
            initialized = count
        }
    }

    /// Number of values.
    public var count: Int { data.count }
    /// Number of dimensions.
    public var rank: Int { shape.count }

    /// The same values under another shape with the same count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, data: data)
    }

    /// Batch, channels, height, width of a rank-4 tensor.
    public var nchw: (n: Int, c: Int, h: Int, w: Int) {
        precondition(rank == 4, "expected an NCHW tensor, got shape \(shape)")
        return (shape[0], shape[1], shape[2], shape[3])
    }

    /// The largest absolute difference to `other` (same shape), for tests and parity checks;
    /// NaN when any difference is NaN (`max` would skip it, and a broken kernel would pass).
    public func maxAbsDifference(_ other: Tensor) -> Float {
        precondition(shape == other.shape, "shapes differ: \(shape) vs \(other.shape)")
        var worst: Float = 0
        for i in 0..<count {
            let difference = abs(data[i] - other.data[i])
            if difference.isNaN { return .nan }
            worst = max(worst, difference)
        }
        return worst
    }

    /// Images `range` of the batch (dimension 0).
    public func batch(_ range: Range<Int>) -> Tensor {
        let per = count / max(shape[0], 1)
        var newShape = shape
        newShape[0] = range.count
        return Tensor(shape: newShape, data: Array(data[(range.lowerBound * per)..<(range.upperBound * per)]))
    }

    /// Stacks tensors of equal shape `[1, ...]` or `[...]` along dimension 0.
    public static func concatenate(_ parts: [Tensor]) -> Tensor {
        guard let first = parts.first else { return Tensor(shape: [0]) }
        var shape = first.shape
        shape[0] = parts.reduce(0) { $0 + $1.shape[0] }
        var data: [Float] = []
        data.reserveCapacity(shape.reduce(1, *))
        for part in parts {
            precondition(Array(part.shape.dropFirst()) == Array(first.shape.dropFirst()), "cannot stack \(part.shape) on \(first.shape)")
            data += part.data
        }
        return Tensor(shape: shape, data: data)
    }
}
