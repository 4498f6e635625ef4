package io.cleave.transport;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Rendezvous (highest random weight) hashing: a key goes to the candidate with the highest
 * {@code mix(key, candidate)} score. When a candidate joins, only the keys it now wins move
 * (about 1/n of them); when one leaves, only its keys move, each to its second choice. No ring
 * to rebuild, and skipping an unhealthy candidate sends its keys to their second choice only.
 */
final class Rendezvous {

    private Rendezvous() {
    }

    /**
     * @param keyHash the key's hash ({@link #hash(byte[], int)})
     * @param candidates non-empty
     * @param hashOf each candidate's stable hash
     * @return the winning candidate
     */
    static <T> T pick(long keyHash, List<T> candidates, ToLongFunction<T> hashOf) {
        T best = null;
        long bestScore = 0;
        for (T c : candidates) {
            long score = mix(keyHash ^ hashOf.applyAsLong(c));
            if (best == null || Long.compareUnsigned(score, bestScore) > 0) {
                best = c;
                bestScore = score;
            }
        }
        return best;
    }

    /** 64-bit FNV-1a of bytes, then mixed. */
    static long hash(byte[] bytes, int length) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < length; i++) {
            h ^= bytes[i] & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    static long hash(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return hash(b, b.length);
    }

    /** MurmurHash3's fmix64 finalizer. */
    static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
