/// Floats copied once into memory of their own that stays put for the life of
/// the object, so C kernels can be given a pointer to them outside a
/// `withUnsafeBufferPointer` scope (an array's storage is only guaranteed
/// inside one).
public final class PinnedFloats: @unchecked Sendable {
    /// The first value; `count` values follow. Never written after `init`.
    public let pointer: UnsafePointer<Float>
    public let count: Int

    /// A pinned copy of `values`.
    public init(_ values: [Float]) {
        let memory = UnsafeMutablePointer<Float>.allocate(capacity: max(1, values.count))
        memory.initialize(from: values, count: values.count)
        pointer = UnsafePointer(memory)
        count = values.count
    }

    deinit { UnsafeMutablePointer(mutating: pointer).deallocate() }
}
