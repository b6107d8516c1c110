package dev.imgsearch.jobs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/** Writes files that look like images but are not decodable, each a different way for a decoder to fail. */
public final class BrokenImages {

    private BrokenImages() {
    }

    /** Writes five broken files into {@code dir} and returns their count. */
    public static int writeInto(Path dir, Path anyRealPng) throws IOException {
        Files.createDirectories(dir);
        byte[] real = Files.readAllBytes(anyRealPng);
        Files.write(dir.resolve("truncated.png"), java.util.Arrays.copyOf(real, real.length / 3));
        Files.write(dir.resolve("empty.jpg"), new byte[0]);
        Files.writeString(dir.resolve("notes.png"), "this is a text file with an image extension\n",
                StandardCharsets.UTF_8);
        Files.write(dir.resolve("garbage.gif"), "GIF89a\u0000\u0001garbage".getBytes(StandardCharsets.ISO_8859_1));
        Files.write(dir.resolve("bomb.png"), pngHeaderOnly(30000, 30000));
        return 5;
    }

    /** A PNG whose header claims {@code width x height} pixels: a decoder must refuse it before allocating. */
    public static byte[] pngHeaderOnly(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.write(typeBytes);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
