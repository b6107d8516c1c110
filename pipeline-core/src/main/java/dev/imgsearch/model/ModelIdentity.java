package dev.imgsearch.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Which model made an embedding: its descriptor's name and a SHA-256 digest of the files that define it (the
 * descriptor, the TorchScript file and the tokenizer). Two directories with the same files have the same identity
 * wherever they were unpacked; a re-export under the same name does not. Embed outputs and stores record it, so that
 * vectors of two models are never mixed, even when their names and dimensions agree.
 *
 * @param name   the descriptor's name, for people
 * @param digest lowercase hex SHA-256 over the defining files, for machines
 */
public record ModelIdentity(String name, String digest) implements Serializable {

    public ModelIdentity {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(digest, "digest");
    }

    /** The identity of a model directory (see {@link ModelDescriptor}); reads each of its defining files once. */
    public static ModelIdentity of(Path modelDir) throws IOException {
        ModelDescriptor descriptor = ModelDescriptor.read(modelDir);
        MessageDigest sha256 = sha256();
        byte[] buffer = new byte[1 << 16];
        for (String file : new String[] {ModelDescriptor.FILE_NAME, descriptor.modelFile(), descriptor.tokenizerFile()}) {
            // The name and length go in first, so that moving bytes from one file to the next changes the digest.
            sha256.update((file + "\n" + Files.size(modelDir.resolve(file)) + "\n").getBytes(StandardCharsets.UTF_8));
            try (InputStream in = Files.newInputStream(modelDir.resolve(file))) {
                for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                    sha256.update(buffer, 0, n);
                }
            }
        }
        return new ModelIdentity(descriptor.name(), HexFormat.of().formatHex(sha256.digest()));
    }

    /** Whether both identities name the same model files: the digests agree (names are only for people). */
    public boolean sameModelAs(ModelIdentity other) {
        return other != null && digest.equals(other.digest);
    }

    /** {@code name (sha256 0123456789ab)}: enough of the digest to tell two models apart in a message. */
    @Override
    public String toString() {
        return name + " (sha256 " + digest.substring(0, Math.min(12, digest.length())) + ")";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
