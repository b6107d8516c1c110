package dev.imgsearch.model;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The committed tiny random-weight CLIP fixture made by {@code tools/clip_model.py tiny}. */
final class TinyClip {

    private TinyClip() {
    }

    static Path dir() {
        try {
            return Path.of(TinyClip.class.getResource("/tiny-clip/imgsearch-model.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
