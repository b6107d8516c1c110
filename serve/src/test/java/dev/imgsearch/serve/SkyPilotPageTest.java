package dev.imgsearch.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The SkyPilot vector-database example's search page against this server, unchanged: it POSTs
 * {@code {text, n_results: 12}} to {@code /search}, shows each result as {@code <img src="/image/${image_path}">}, and
 * on an error shows the response's {@code detail}. Its script is run in headless Chromium on a page of this server's
 * origin, as the example serves it from its own.
 */
class SkyPilotPageTest {

    /** The example page's markup and search function: the same requests, the same use of the answers. */
    private static final String PAGE = """
            document.documentElement.innerHTML = '<head><title>Image Search</title></head><body>'
                + '<input type="text" id="searchInput"><div id="loading" style="display: none">Searching...</div>'
                + '<div id="results" class="results"></div></body>';
            window.search = async function () {
              const searchInput = document.getElementById('searchInput');
              const loading = document.getElementById('loading');
              const resultsDiv = document.getElementById('results');
              if (!searchInput.value.trim()) return;
              loading.style.display = 'block';
              resultsDiv.innerHTML = '';
              try {
                const response = await fetch('/search', {
                  method: 'POST',
                  headers: {'Content-Type': 'application/json', 'Accept': 'application/json'},
                  body: JSON.stringify({text: searchInput.value.trim(), n_results: 12})
                });
                if (!response.ok) {
                  const errorData = await response.json();
                  throw new Error(errorData.detail || 'Search failed');
                }
                const results = await response.json();
                resultsDiv.innerHTML = results.map(result => `
                  <div class="result">
                    <img src="/image/${result.image_path}" alt="Search result">
                    <p class="similarity-score">Similarity: ${(result.similarity * 100).toFixed(1)}%</p>
                  </div>`).join('');
              } catch (error) {
                resultsDiv.innerHTML = `<p class="error">Error: ${error.message}</p>`;
              } finally {
                loading.style.display = 'none';
              }
            };
            """;

    private static ServeFixture fixture;
    private static SearchServer server;
    private static HeadlessChromium chromium;
    private static Http http;
    private static String base;

    @BeforeAll
    static void start() throws IOException {
        fixture = ServeFixture.get();
        server = fixture.start(fixture.config());
        http = new Http(server.port());
        base = "http://127.0.0.1:" + server.port();
        chromium = HeadlessChromium.start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void theExamplesSearchShowsTwelveResultsAndEveryImageLoads() {
        search("a red bird flying over the sea");
        List<WebElement> results = new WebDriverWait(chromium.driver, Duration.ofSeconds(30))
                .until(d -> {
                    List<WebElement> found = d.findElements(By.cssSelector("#results .result"));
                    return found.isEmpty() ? null : found;
                });
        assertEquals(Math.min(12, fixture.images.size()), results.size());
        for (WebElement result : results) {
            String similarity = result.findElement(By.cssSelector(".similarity-score")).getText();
            assertTrue(similarity.matches("Similarity: -?[0-9]+\\.[0-9]%"), similarity);
        }
        chromium.waitUntilImagesLoaded("#results img");
    }

    @Test
    void theExamplesErrorDisplayReadsDetail() {
        search("a".repeat(ParamParser.MAX_TEXT_CHARS + 1));
        WebElement error = new WebDriverWait(chromium.driver, Duration.ofSeconds(30))
                .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#results .error")));
        assertEquals("Error: text is longer than " + ParamParser.MAX_TEXT_CHARS + " characters", error.getText());
    }

    @Test
    void imagePathsServeTheOriginalBytesAndHealthCountsTheCollection() throws IOException {
        JsonNode results = Http.json(http.postJson("/search", "{\"text\": \"a calculator\", \"n_results\": 3}"));
        for (JsonNode result : results) {
            String id = result.get("image_path").asText();
            HttpResponse<byte[]> image = http.get("/image/" + id);
            assertEquals(200, image.statusCode());
            assertArrayEquals(Files.readAllBytes(fixture.images.get(id)), image.body());
        }
        HttpResponse<byte[]> missing = http.get("/image/0123456789abcdef0123456789abcdef");
        Errors.assertError(missing, 404, "no image with id");
        assertEquals(Http.json(missing).get("error").asText(), Http.json(missing).get("detail").asText());

        JsonNode health = Http.json(http.get("/health"));
        assertEquals("ok", health.get("status").asText());
        assertEquals(fixture.images.size(), health.get("collection_size").asInt());
    }

    /** Opens a page of the server's origin, installs the example's page on it, types the query and searches. */
    private static void search(String text) {
        chromium.driver.get(base + "/health");
        JavascriptExecutor js = (JavascriptExecutor) chromium.driver;
        js.executeScript(PAGE);
        chromium.driver.findElement(By.id("searchInput")).sendKeys(text);
        js.executeScript("search();");
    }
}
