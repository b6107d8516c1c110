package dev.imgsearch.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A stand-in for the SkyPilot CLI: an executable that records each command line it is run with and exits 0, or 1
 * from a chosen call on (what `sky` does when a launch is refused). No test runs the real `sky`.
 */
public final class FakeSky {

    private final Path dir;

    private FakeSky(Path dir) {
        this.dir = dir;
    }

    public static FakeSky in(Path dir) throws IOException {
        Path script = dir.resolve("sky");
        Files.writeString(script, """
                #!/usr/bin/env bash
                here=$(dirname "$0")
                n=$(( $(cat "$here/count" 2>/dev/null || echo 0) + 1 ))
                echo "$n" > "$here/count"
                printf '%s\\0' "$@" > "$here/call-$n"
                if [ -f "$here/fail-from" ] && [ "$n" -ge "$(cat "$here/fail-from")" ]; then
                  echo "sky: launch refused" >&2
                  exit 1
                fi
                """);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new FakeSky(dir);
    }

    public String path() {
        return dir.resolve("sky").toString();
    }

    /** Makes call {@code n} (from 1) and every later one fail. */
    public void failFrom(int n) throws IOException {
        Files.writeString(dir.resolve("fail-from"), String.valueOf(n));
    }

    /** The argument lists of every call so far, in order. */
    public List<List<String>> calls() throws IOException {
        List<List<String>> calls = new ArrayList<>();
        for (int n = 1; Files.exists(dir.resolve("call-" + n)); n++) {
            // Every argument ends with a NUL, so the last piece is always empty.
            List<String> pieces = Arrays.asList(
                    Files.readString(dir.resolve("call-" + n), StandardCharsets.UTF_8).split("\0", -1));
            calls.add(pieces.subList(0, pieces.size() - 1));
        }
        return calls;
    }
}
