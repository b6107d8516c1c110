package dev.imgsearch.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShellWordsTest {

    @Test
    void plainWordsStayAsTheyAre() {
        assertEquals("sky jobs launch --env INPUT=s3a://bucket/images,more",
                ShellWords.join(List.of("sky", "jobs", "launch", "--env", "INPUT=s3a://bucket/images,more")));
    }

    @Test
    void bashReadsBackTheSameWords() throws IOException, InterruptedException {
        List<String> words = List.of("plain", "two words", "it's", "$HOME", "`date`", "a\"b", "semi;colon", "*",
                "tab\there", "new\nline", "", "%2B", "back\\slash", "!bang");
        Process bash = new ProcessBuilder("bash", "-c", "printf '%s\\0' " + ShellWords.join(words)).start();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, bash.waitFor());
        String[] read = out.split("\0", -1);
        assertEquals(words, Arrays.asList(read).subList(0, read.length - 1));
    }
}
