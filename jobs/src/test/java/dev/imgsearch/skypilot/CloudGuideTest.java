package dev.imgsearch.skypilot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgsearch.cli.Main;
import dev.imgsearch.jobs.TestPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** docs/cloud.md: its commands run as written, and every flag and repository path it names exists. */
class CloudGuideTest {

    private static final Path GUIDE = TestPaths.REPO.resolve("docs/cloud.md");
    /** Flags of other programs the guide names: SkyPilot's and the AWS CLI's. */
    private static final Set<String> OTHER_FLAGS = Set.of("--env", "--env-file", "--secret", "--num-nodes",
            "--endpoint", "--controller", "--expires-in", "--cpus");

    /** The commands of the guide's bash blocks, continuation lines joined. */
    private static List<String> commands() throws IOException {
        List<String> commands = new ArrayList<>();
        boolean inBash = false;
        StringBuilder command = new StringBuilder();
        for (String line : Files.readAllLines(GUIDE)) {
            if (line.startsWith("```")) {
                inBash = line.equals("```bash");
                continue;
            }
            if (!inBash || line.isBlank()) {
                continue;
            }
            command.append(line.strip());
            if (line.endsWith("\\")) {
                command.setLength(command.length() - 1);
            } else {
                commands.add(command.toString().strip());
                command.setLength(0);
            }
        }
        return commands;
    }

    /** The words bash makes of {@code text}, without expanding anything. */
    private static List<String> words(String text) throws IOException, InterruptedException {
        Process bash = new ProcessBuilder("bash", "-c", "set -f; printf '%s\\0' " + text).start();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, bash.waitFor(), text);
        List<String> words = Arrays.asList(out.split("\0", -1));
        return words.subList(0, words.size() - 1);
    }

    private static String value(List<String> words, String flag) {
        return words.get(words.indexOf(flag) + 1);
    }

    @Test
    void everyImgsearchCommandParses() throws Exception {
        int parsed = 0;
        for (String command : commands()) {
            if (command.startsWith("bin/imgsearch ")) {
                List<String> args = words(command.substring("bin/imgsearch ".length()));
                ImgsearchArgs.parse(args);
                parsed++;
            }
        }
        assertTrue(parsed >= 4, "the guide shows the launcher and inspect: " + parsed);
    }

    @Test
    void everySkyCommandUsesATaskAndTheSettingsItDeclares() throws Exception {
        int checked = 0;
        for (String command : commands()) {
            if (!command.startsWith("sky jobs launch ") && !command.startsWith("sky serve up ")) {
                continue;
            }
            List<String> words = words(command);
            String yaml = words.stream().filter(w -> w.endsWith(".yaml")).findFirst().orElseThrow();
            SkyPilotTask task = SkyPilotTask.read(Path.of(yaml).getFileName().toString());
            assertEquals(TestPaths.REPO.resolve(yaml), task.file());
            for (int i = 0; i < words.size() - 1; i++) {
                if (words.get(i).equals("--env")) {
                    String key = words.get(i + 1).split("=")[0];
                    assertTrue(task.envs().containsKey(key), command + ": " + key + " is not in " + yaml);
                } else if (words.get(i).equals("--secret")) {
                    assertTrue(task.secrets().containsKey(words.get(i + 1)), command);
                }
            }
            assertEquals("my-job.env", value(words, "--env-file"), command);
            checked++;
        }
        assertEquals(4, checked, "embed, embed-cluster, build and serve are all shown");
    }

    @Test
    void everyFlagTheGuideNamesExists() throws Exception {
        Set<String> known = new HashSet<>(OTHER_FLAGS);
        collectOptions(new CommandLine(new Main()), known);
        Matcher flag = Pattern.compile("(?<![\\w-])--[a-z][a-z0-9-]*").matcher(Files.readString(GUIDE));
        Set<String> unknown = new HashSet<>();
        while (flag.find()) {
            if (!known.contains(flag.group())) {
                unknown.add(flag.group());
            }
        }
        assertTrue(unknown.isEmpty(), "flags no command has: " + unknown);
    }

    @Test
    void everyRepositoryPathTheGuideNamesExists() throws Exception {
        Matcher path = Pattern.compile("(?<![\\w/.-])((?:config|skypilot|bin|bench|docs)/[A-Za-z0-9_.-]*[A-Za-z0-9_])")
                .matcher(Files.readString(GUIDE));
        int found = 0;
        while (path.find()) {
            assertTrue(Files.exists(TestPaths.REPO.resolve(path.group(1))), path.group(1));
            found++;
        }
        assertTrue(found > 10, "paths found: " + found);
    }

    @Test
    void gpuFiguresAreMarkedAsEstimates() throws Exception {
        String guide = Files.readString(GUIDE);
        assertTrue(guide.contains("No GPU run has been measured yet"));
        assertFalse(guide.lines().filter(l -> l.startsWith("| T4") || l.startsWith("| L4") || l.startsWith("| A10G"))
                .anyMatch(l -> !l.contains("~")), "every GPU figure is an estimate");
    }

    private static void collectOptions(CommandLine command, Set<String> names) {
        command.getCommandSpec().options().forEach(option -> names.addAll(List.of(option.names())));
        command.getSubcommands().values().forEach(sub -> collectOptions(sub, names));
    }
}
