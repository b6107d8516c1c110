package dev.imgsearch.record;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Deterministic record ids: the same source URI always gets the same id, on any machine and any run. */
public final class RecordIds {

    private RecordIds() {
    }

    /** First 128 bits of SHA-256 of the URI, as 32 lowercase hex characters. */
    public static String forUri(String uri) {
        byte[] digest = sha256(uri.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 16);
    }

    /** Full SHA-256 of the bytes as 64 lowercase hex characters. */
    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256(bytes));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
