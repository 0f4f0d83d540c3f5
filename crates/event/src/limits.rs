//! Limits on the size of an event. Beyond a limit the event is refused with
//! a message naming the limit, rather than running out of memory in the
//! browser or blocking the page for minutes.

/// Most time slots: slot sets are 256-bit masks; 256 slots is a week of
/// 20-minute meetings, far more than any one-day matchmaking event.
pub const MAX_SLOTS: usize = 256;
/// Most tables in one slot.
pub const MAX_TABLES: u32 = 5_000;
/// Most meeting places (slots × tables): bounds the number of meetings
/// and so the timetable's memory (parties × slots).
pub const MAX_MEETING_PLACES: u64 = 20_000;
/// Most parties on one side (enterprises, or research participants).
pub const MAX_PARTIES: usize = 200_000;
/// Most scored candidate pairs.
pub const MAX_CANDIDATES: usize = 2_000_000;
/// Most entries in one of the event's lists (conflicts, forced,
/// excluded, unavailable, limits).
pub const MAX_LIST: usize = 1_000_000;
