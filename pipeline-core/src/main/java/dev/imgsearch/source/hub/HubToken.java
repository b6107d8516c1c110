package dev.imgsearch.source.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The Hugging Face token, found where {@code huggingface_hub} looks: {@code HF_TOKEN}, else the older
 * {@code HUGGING_FACE_HUB_TOKEN}, else the file {@code hf auth login} writes: {@code HF_TOKEN_PATH}, else
 * {@code $HF_HOME/token}, with {@code HF_HOME} defaulting to {@code $XDG_CACHE_HOME/huggingface} and that to
 * {@code ~/.cache/huggingface}. Only {@link HubClient} sends it, and only to the Hub's own host.
 */
public final class HubToken {

    private HubToken() {
    }

    /** The token from this process's environment and home folder, or null. */
    public static String fromEnvironment() {
        return find(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** The token from the given environment and home folder, or null when none is set. */
    static String find(Map<String, String> env, Path home) {
        for (String variable : new String[] {"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"}) {
            String value = env.get(variable);
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        Path file = tokenFile(env, home);
        try {
            String text = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : "";
            return text.isEmpty() ? null : text;
        } catch (IOException e) {
            return null;
        }
    }

    static Path tokenFile(Map<String, String> env, Path home) {
        if (set(env, "HF_TOKEN_PATH")) {
            return Path.of(env.get("HF_TOKEN_PATH"));
        }
        if (set(env, "HF_HOME")) {
            return Path.of(env.get("HF_HOME"), "token");
        }
        Path cache = set(env, "XDG_CACHE_HOME") ? Path.of(env.get("XDG_CACHE_HOME")) : home.resolve(".cache");
        return cache.resolve("huggingface").resolve("token");
    }

    private static boolean set(Map<String, String> env, String name) {
        return env.get(name) != null && !env.get(name).isBlank();
    }
}
