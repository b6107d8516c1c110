package dev.imgsearch.preprocess;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes NumPy .npy files (format 1.0, C order) so that Java outputs can be compared with Python ones. */
public final class Npy {

    private Npy() {
    }

    /** A little-endian float32 array. */
    public static void write(Path path, float[] data, int... shape) throws IOException {
        checkShape(data.length, shape);
        ByteBuffer body = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        body.asFloatBuffer().put(data);
        write(path, "<f4", shape, body.array());
    }

    /** A uint8 array. */
    public static void write(Path path, byte[] data, int... shape) throws IOException {
        checkShape(data.length, shape);
        write(path, "|u1", shape, data);
    }

    private static void write(Path path, String descr, int[] shape, byte[] body) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            dims.append(d).append(", ");
        }
        String tuple = shape.length == 1 ? "(" + shape[0] + ",)" : "(" + dims.substring(0, dims.length() - 2) + ")";
        StringBuilder header = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': "
                + tuple + ", }");
        // magic (6) + version (2) + header length (2) + header must be a multiple of 64, the header ending in \n.
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        byte[] headerBytes = header.toString().getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = Files.newOutputStream(path)) {
            out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                    (byte) headerBytes.length, (byte) (headerBytes.length >> 8)});
            out.write(headerBytes);
            out.write(body);
        }
    }

    private static void checkShape(int length, int[] shape) {
        long product = 1;
        for (int d : shape) {
            product *= d;
        }
        if (shape.length == 0 || product != length) {
            throw new IllegalArgumentException("shape does not match " + length + " elements");
        }
    }
}
