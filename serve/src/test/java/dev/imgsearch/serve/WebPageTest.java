package dev.imgsearch.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.record.EmbeddingRecord;
import dev.imgsearch.record.RecordIds;
import dev.imgsearch.source.SourceOptions;
import dev.imgsearch.source.hub.FakeHub;
import dev.imgsearch.store.MetadataSchema;
import dev.imgsearch.store.OpenMode;
import dev.imgsearch.store.VectorRecord;
import dev.imgsearch.store.lucene.LuceneIndexSettings;
import dev.imgsearch.store.lucene.LuceneVectorStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page in headless Chromium: a text query shows a grid, an upload shows results, a click shows similar
 * images, and the URL keeps the query so the back button and shared links work.
 */
class WebPageTest {

    private static ServeFixture fixture;
    private static SearchServer server;
    private static HeadlessChromium chromium;
    private static FakeHub hub;
    private static LuceneVectorStore hubStore;
    private static SearchServer hubServer;
    private static WebDriver driver;
    private static String base;

    @BeforeAll
    static void start() throws IOException {
        fixture = ServeFixture.get();
        server = fixture.start(fixture.config());
        base = "http://127.0.0.1:" + server.port();
        chromium = HeadlessChromium.start();
        driver = chromium.driver;
        startHubSourced();
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    /**
     * A server over a store whose images came from a Hugging Face repository (the stand-in Hub), with no image root:
     * every thumbnail is read back from the Hub.
     */
    private static void startHubSourced() throws IOException {
        hub = new FakeHub();
        Map<String, Path> files = new LinkedHashMap<>();
        List<VectorRecord> records = new ArrayList<>();
        for (Map.Entry<String, Path> image : fixture.images.entrySet()) {
            String name = "data/" + ServeFixture.SAMPLE_IMAGES.toRealPath().relativize(image.getValue().toRealPath());
            files.put(name, image.getValue());
            VectorRecord local = fixture.store.get(image.getKey()).orElseThrow();
            Map<String, Object> meta = local.metadata();
            String uri = "hf://datasets/acme/samples@main/" + name;
            records.add(VectorRecord.of(new EmbeddingRecord(RecordIds.forUri(uri), uri,
                    ((Long) meta.get(MetadataSchema.WIDTH)).intValue(), ((Long) meta.get(MetadataSchema.HEIGHT)).intValue(),
                    (String) meta.get(MetadataSchema.SHA256), (String) meta.get(MetadataSchema.MODEL), local.vector(),
                    (String) meta.get(MetadataSchema.CAPTION))));
        }
        hub.publish("acme/samples", "main", files);
        hubStore = LuceneVectorStore.open(Files.createTempDirectory("imgsearch-hub-index"), OpenMode.CREATE_OR_WRITE,
                LuceneIndexSettings.DEFAULT,
                LuceneVectorStore.DEFAULT_SEARCH_CANDIDATES);
        hubStore.upsert(records);
        hubServer = new SearchServer(ServerConfig.local(List.of()), hubStore,
                CompletableFuture.completedFuture(fixture.model), SourceOptions.builder().hfEndpoint(hub.endpoint()).build())
                .start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (hubServer != null) {
            hubServer.stop();
        }
        if (hubStore != null) {
            hubStore.close();
        }
        if (hub != null) {
            hub.close();
        }
        if (chromium != null) {
            chromium.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void textQueryShowsAGridAndLivesInTheUrl() {
        driver.get(base + "/");
        WebElement query = waitFor(By.id("query"));
        query.sendKeys("a bird with wide wings", Keys.ENTER);
        List<WebElement> cards = waitForResults();
        assertEquals(Math.min(24, fixture.images.size()), cards.size(), "one page of the grid");
        assertTrue(driver.getCurrentUrl().contains("q=a+bird+with+wide+wings"), driver.getCurrentUrl());
        WebElement first = cards.get(0);
        assertTrue(first.findElement(By.cssSelector(".score")).getText().matches("-?[0-9]\\.[0-9]{3}"));
        assertFalse(first.findElement(By.cssSelector(".caption")).getText().isBlank());
        waitUntilImagesLoaded();
        assertTrue(driver.findElement(By.id("status")).getText().startsWith("Results 1–"));

        driver.get(base + "/?q=" + "birthday+cake");
        waitForResults();
        assertEquals("birthday cake", driver.findElement(By.id("query")).getDomProperty("value"),
                "a shared link restores the query");
    }

    @Test
    void uploadingAnImageShowsItsResultsFirstItself() throws IOException {
        driver.get(base + "/");
        String cakeId = fixture.idOf("cake");
        WebElement input = waitFor(By.id("file-input"));
        input.sendKeys(fixture.images.get(cakeId).toRealPath().toString());
        List<WebElement> cards = waitForResults();
        assertEquals(cakeId, cards.get(0).getDomAttribute("data-id"), "the uploaded image itself ranks first");
        assertTrue(driver.getCurrentUrl().contains("image=upload"));
        assertTrue(driver.findElement(By.id("query-banner")).isDisplayed());
        waitUntilImagesLoaded();
    }

    @Test
    void clickingAResultShowsSimilarImagesAndBackReturns() {
        driver.get(base + "/?q=" + "a+calculator");
        List<String> before = gridIds();
        String clicked = before.get(1);
        driver.findElement(By.cssSelector("#results .result[data-id='" + clicked + "'] button.thumb")).click();
        wait(20).until(ExpectedConditions.urlContains("similar=" + clicked));
        List<String> similar = gridIds();
        assertFalse(similar.isEmpty());
        assertFalse(similar.contains(clicked), "more-like-this leaves the clicked image out");
        assertTrue(driver.findElement(By.id("query-title")).getText().contains("like this"));
        waitUntilImagesLoaded();

        driver.navigate().back();
        wait(20).until(ExpectedConditions.urlContains("q=a+calculator"));
        // The URL changes before the popstate handler re-renders, so wait for the text results to come back.
        wait(30).until(d -> before.equals(gridIds()));
        assertEquals("a calculator", driver.findElement(By.id("query")).getDomProperty("value"));
    }

    @Test
    void aTestModelIsAnnouncedOnThePage() {
        driver.get(base + "/");
        WebElement warning = new WebDriverWait(driver, Duration.ofSeconds(20))
                .until(ExpectedConditions.visibilityOfElementLocated(By.id("model-warning")));
        assertEquals(OpsRoutes.TEST_MODEL_WARNING, warning.getText());
    }

    @Test
        void imagesFromAHuggingFaceDatasetAreShown() {
        driver.get("http://127.0.0.1:" + hubServer.port() + "/?q=a+calculator");
        List<WebElement> cards = waitForResults();
        assertEquals(Math.min(24, fixture.images.size()), cards.size());
        waitUntilImagesLoaded();
    }

    @Test
    void errorsFromTheApiAreShownToTheUser() {
        driver.get(base + "/?q=cat&filter=colour%3Dred");
        WebElement error = new WebDriverWait(driver, Duration.ofSeconds(20))
                .until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
        assertTrue(error.getText().contains("unknown metadata field 'colour'"), error.getText());
    }

    private static WebDriverWait wait(int seconds) {
        return (WebDriverWait) new WebDriverWait(driver, Duration.ofSeconds(seconds))
                .ignoring(StaleElementReferenceException.class);
    }

    /** The ids in the grid once a search has finished rendering (re-read if a render replaces them meanwhile). */
    private static List<String> gridIds() {
        return wait(30).until(d -> {
            if (!d.findElement(By.id("status")).getText().startsWith("Results")) {
                return null;
            }
            List<String> ids = d.findElements(By.cssSelector("#results .result")).stream()
                    .map(card -> card.getDomAttribute("data-id")).toList();
            return ids.isEmpty() ? null : ids;
        });
    }

    private static WebElement waitFor(By by) {
        return new WebDriverWait(driver, Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(by));
    }

    private static List<WebElement> waitForResults() {
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> {
            String status = d.findElement(By.id("status")).getText();
            return status.startsWith("Results") && !d.findElements(By.cssSelector("#results .result")).isEmpty();
        });
        return driver.findElements(By.cssSelector("#results .result"));
    }

    /** Every thumbnail in the grid has loaded real pixels. */
    private static void waitUntilImagesLoaded() {
        chromium.waitUntilImagesLoaded("#results img");
    }
}
