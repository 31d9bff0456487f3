/// The version printed in reports, summaries and plans.
public enum SeatSweepVersion {
    public static let current = "0.1.0"
}
