#if canImport(Glibc)
import Glibc
#endif

/// Keeps the C allocator from handing large buffers back to the kernel after
/// every frame.
///
/// The networks allocate tensors of a few hundred KB to a few MB per layer
/// and frame. glibc serves such sizes with fresh `mmap`s (and, for the
/// per-thread arenas, trims freed heap space), so every frame paid for page
/// faults on zeroed pages: `perf stat` counted 224,000 page faults for one
/// 5-per-second analysis of a 20 s video, and 13% of the CPU time. With large
/// blocks served from the heap and kept there, 10,000 remain. The cost is that
/// the process keeps its peak heap until it exits, which a batch run reaches
/// anyway.
enum AllocatorTuning {
    /// Blocks up to this size come from the heap, not from their own `mmap` (glibc's maximum, 32 MiB).
    static let mmapThreshold: Int32 = 32 << 20
    /// Free space at the top of a heap is returned to the kernel only beyond this.
    static let trimThreshold: Int32 = 1 << 30

    /// Applies the settings; call once, before the first large allocation.
    /// `mallopt` is looked up at run time (Swift's Glibc module leaves out
    /// `malloc.h`); without it (another C library) nothing changes.
    static func apply() {
        #if canImport(Glibc)
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
        // Option numbers from glibc's malloc.h.
        let trimThresholdOption: Int32 = -1, mmapThresholdOption: Int32 = -3
        _ = mallopt(mmapThresholdOption, mmapThreshold)
        _ = mallopt(trimThresholdOption, trimThreshold)
        #endif
    }
}
