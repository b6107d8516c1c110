package dev.imgsearch.model;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Zips and digests for tests. */
final class TestFiles {

    private TestFiles() {
    }

    /** Writes a zip whose entries (name to source file) are given in order. */
    static Path zip(Path zip, Map<String, Path> entries) throws IOException {
        try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file)) {
            for (Map.Entry<String, Path> entry : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(entry.getKey()));
                Files.copy(entry.getValue(), out);
                out.closeEntry();
            }
        }
        return zip;
    }

    /** The tiny model's three files under a name prefix ("" for the zip root). */
    static Map<String, Path> tinyModelEntries(String prefix) {
        Path dir = TinyClip.dir();
        return Map.of(
                prefix + "model.pt", dir.resolve("model.pt"),
                prefix + "tokenizer.json", dir.resolve("tokenizer.json"),
                prefix + ModelDescriptor.FILE_NAME, dir.resolve(ModelDescriptor.FILE_NAME));
    }

    static String sha256(byte[] bytes) {
        return hex("SHA-256", bytes);
    }

    static String hex(String algorithm, byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
