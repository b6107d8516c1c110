package dev.imgsearch.source.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class HubTokenTest {

    @TempDir
    Path home;

    @Test
    void theTokenIsFoundWhereHuggingFaceHubLooks() throws IOException {
        Path login = home.resolve(".cache/huggingface/token");
        Files.createDirectories(login.getParent());
        Files.writeString(login, "hf_from_login\n");
        Path custom = Files.writeString(home.resolve("custom-token"), "hf_from_path");
        Files.createDirectories(home.resolve("hfhome"));
        Files.writeString(home.resolve("hfhome/token"), "hf_from_hf_home");

        assertEquals("hf_env", HubToken.find(Map.of("HF_TOKEN", "hf_env", "HUGGING_FACE_HUB_TOKEN", "hf_old"), home));
        assertEquals("hf_old", HubToken.find(Map.of("HF_TOKEN", " ", "HUGGING_FACE_HUB_TOKEN", "hf_old"), home));
        assertEquals("hf_from_path", HubToken.find(Map.of("HF_TOKEN_PATH", custom.toString()), home));
        assertEquals("hf_from_hf_home", HubToken.find(Map.of("HF_HOME", home.resolve("hfhome").toString()), home));
        assertEquals("hf_from_login", HubToken.find(Map.of(), home), "what `hf auth login` writes");
        assertEquals(home.resolve("xdg/huggingface/token"),
                HubToken.tokenFile(Map.of("XDG_CACHE_HOME", home.resolve("xdg").toString()), home));
        assertNull(HubToken.find(Map.of("HF_HOME", home.resolve("nowhere").toString()), home));
    }
}
