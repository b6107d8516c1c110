package dev.imgsearch.model;

import ai.djl.Device;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SharedModelsTest {

    @TempDir
    Path cache;

    @AfterEach
    void closeShared() {
        SharedModels.closeAll();
    }

    @Test
    void everyThreadGetsTheOneModelLoadedForALocationAndDevice() throws Exception {
        ModelLocation location = ModelLocation.parse(TinyClip.dir().toString());
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<ClipModel>> results = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                results.add(pool.submit(() -> SharedModels.get(location, Device.cpu(), new ModelFetcher(cache))));
            }
            ClipModel first = results.get(0).get();
            for (Future<ClipModel> result : results) {
                assertSame(first, result.get());
            }
            assertEquals(64, first.embedTexts(List.of("a photo of a cat"))[0].length);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closeAllReleasesModelsAndTheNextRequestLoadsAgain() throws Exception {
        ModelLocation location = ModelLocation.parse(TinyClip.dir().toString());
        ClipModel before = SharedModels.get(location, Device.cpu(), new ModelFetcher(cache));
        SharedModels.closeAll();
        assertThrows(IllegalStateException.class, () -> before.embedTexts(List.of("x")));
        ClipModel after = SharedModels.get(location, Device.cpu(), new ModelFetcher(cache));
        assertNotSame(before, after);
        assertEquals(64, after.embedTexts(List.of("x"))[0].length);
    }

    @Test
    void aFailedLoadIsNotRemembered() {
        ModelLocation missing = ModelLocation.parse(cache.resolve("nothing-here").toString());
        assertThrows(IOException.class, () -> SharedModels.get(missing, Device.cpu(), new ModelFetcher(cache)));
        assertThrows(IOException.class, () -> SharedModels.get(missing, Device.cpu(), new ModelFetcher(cache)));
    }
}
