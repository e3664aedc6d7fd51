/// `x >= 0 ? x : slope[c] * x`, one slope per channel (dimension 1).
public enum PReLU {
    /// In place over NCHW planes (`planeSize` = H * W; 1 for a [N, C] matrix).
    static func apply(_ v: UnsafeMutablePointer<Float>, count: Int, slopes: [Float], planeSize: Int) {
        let channels = slopes.count
        slopes.withUnsafeBufferPointer { a in
            var i = 0
            while i < count {
                let c = (i / planeSize) % channels
                let slope = a[c]
                let end = min(count, i + planeSize)
                for j in i..<end { let x = v[j]; v[j] = x >= 0 ? x : slope * x }
                i = end
            }
        }
    }

    /// Plain reference for a tensor whose dimension 1 is the channel.
    public static func reference(_ x: Tensor, slopes: [Float]) -> Tensor {
        let channels = x.shape[1]
        let plane = x.rank > 2 ? x.shape[2...].reduce(1, *) : 1
        var y = x
        for i in 0..<x.count {
            let c = (i / plane) % channels
            if x.data[i] < 0 { y.data[i] = slopes[c] * x.data[i] }
        }
        return y
    }
}
