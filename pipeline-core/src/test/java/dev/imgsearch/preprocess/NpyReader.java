package dev.imgsearch.preprocess;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the .npy arrays (format 1.0, C order, uint8 or little-endian float32) that the Python side writes. */
record NpyReader(String descr, int[] shape, byte[] body) {

    private static final Pattern DESCR = Pattern.compile("'descr': '([^']+)'");
    private static final Pattern SHAPE = Pattern.compile("'shape': \\(([^)]*)\\)");

    static NpyReader read(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        byte[] magic = in.readNBytes(8);
        if (magic.length != 8 || (magic[0] & 0xFF) != 0x93 || magic[1] != 'N' || magic[6] != 1) {
            throw new IOException("not a version 1 .npy file");
        }
        int headerLength = in.readUnsignedByte() | (in.readUnsignedByte() << 8);
        String header = new String(in.readNBytes(headerLength), StandardCharsets.US_ASCII);
        Matcher descr = DESCR.matcher(header);
        Matcher shape = SHAPE.matcher(header);
        if (!descr.find() || !shape.find() || header.contains("'fortran_order': True")) {
            throw new IOException("unsupported .npy header: " + header);
        }
        int[] dims = Arrays.stream(shape.group(1).split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
        return new NpyReader(descr.group(1), dims, in.readAllBytes());
    }

    byte[] uint8() {
        if (!descr.equals("|u1")) {
            throw new IllegalStateException("array is " + descr + ", not uint8");
        }
        return body;
    }

    float[] float32() {
        if (!descr.equals("<f4")) {
            throw new IllegalStateException("array is " + descr + ", not little-endian float32");
        }
        float[] values = new float[body.length / 4];
        ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }
}
