//! The model file's payload checksum: the same sum as the `.cmx` index file
//! of the matcher (FNV-1a 64 over 8-byte little-endian words in four
//! interleaved lanes, the 0–7 remaining bytes into lane 0 a byte at a
//! time, the lanes and the length folded with FNV-1a into one). Written
//! again here rather than shared because this crate must not depend on the
//! matcher's. Any change confined to one word changes the sum; the lanes let
//! the CPU overlap the multiplications (a 25 MB model sums in a few
//! milliseconds). A check against accidents, not an authenticator.

const PRIME: u64 = 0x0100_0000_01b3;
const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

pub fn checksum(bytes: &[u8]) -> u64 {
    let mut lanes = [OFFSET, OFFSET ^ 1, OFFSET ^ 2, OFFSET ^ 3];
    let mut words = bytes.chunks_exact(8);
    for (i, word) in (&mut words).enumerate() {
        let w = <[u8; 8]>::try_from(word).map_or(0, u64::from_le_bytes);
        let lane = &mut lanes[i % 4];
        *lane = (*lane ^ w).wrapping_mul(PRIME);
    }
    for &b in words.remainder() {
        lanes[0] = (lanes[0] ^ u64::from(b)).wrapping_mul(PRIME);
    }
    let mut h = OFFSET ^ bytes.len() as u64;
    for lane in lanes {
        for b in lane.to_le_bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(PRIME);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_single_bit_change_changes_the_sum() {
        let data: Vec<u8> = (0..77u32).map(|i| (i * 37 % 251) as u8).collect();
        let sum = checksum(&data);
        for i in 0..data.len() {
            for bit in 0..8 {
                let mut bad = data.clone();
                bad[i] ^= 1 << bit;
                assert_ne!(checksum(&bad), sum, "byte {i} bit {bit}");
            }
        }
        for len in 0..data.len() {
            assert_ne!(checksum(&data[..len]), sum, "prefix {len}");
        }
    }

    #[test]
    fn same_value_as_the_index_file_sum() {
        // The `.cmx` sum of these bytes, from the matcher's own test.
        assert_eq!(checksum(b"coopmatch"), 0x6b94_8e56_f77b_b612);
    }
}
