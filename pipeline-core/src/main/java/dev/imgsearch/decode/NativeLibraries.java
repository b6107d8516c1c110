package dev.imgsearch.decode;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/** Binds a class's native methods to the first of a library's names that loads, by JNA's direct mapping. */
final class NativeLibraries {

    private NativeLibraries() {
    }

    /**
     * Registers {@code bound}'s native methods with the first of {@code names} that loads.
     *
     * @return null when one did, else why none did (each name's first line of error), for the one log line and error
     *         that follow
     */
    static String register(Class<?> bound, String... names) {
        StringBuilder reasons = new StringBuilder();
        for (String name : names) {
            try {
                Native.register(bound, NativeLibrary.getInstance(name));
                return null;
            } catch (LinkageError e) {
                String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
                reasons.append(reasons.isEmpty() ? "" : "; ").append(message);
            }
        }
        return reasons.toString();
    }
}
