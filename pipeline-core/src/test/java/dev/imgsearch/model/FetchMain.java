package dev.imgsearch.model;

import java.nio.file.Path;

/** Fetches one model in a separate JVM, for the cross-process cache test; prints the model directory. */
public final class FetchMain {

    private FetchMain() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println(new ModelFetcher(Path.of(args[0])).fetch(ModelLocation.parse(args[1])));
    }
}
