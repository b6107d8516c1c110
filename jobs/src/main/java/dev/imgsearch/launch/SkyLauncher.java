package dev.imgsearch.launch;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Starts managed jobs one after the other with the SkyPilot CLI, or prints the commands it would run. */
public final class SkyLauncher {

    private final String sky;
    private final PrintWriter out;

    /**
     * @param sky  the SkyPilot CLI to run, a name on PATH or a path
     * @param out  where progress and dry-run commands go
     */
    public SkyLauncher(String sky, PrintWriter out) {
        this.sky = sky;
        this.out = out;
    }

    /** Prints each job's {@code sky jobs launch} command, quoted for a POSIX shell, one per line. */
    public void print(List<SkyJob> jobs) {
        jobs.forEach(job -> out.println(ShellWords.join(job.command(sky))));
        out.flush();
    }

    /** Starts the jobs in order, and stops at the first that SkyPilot refuses. */
    public void launch(List<SkyJob> jobs) throws IOException, InterruptedException, SkyLaunchException {
        List<String> started = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            SkyJob job = jobs.get(i);
            out.println("starting " + job.name() + " (" + (i + 1) + " of " + jobs.size() + ")");
            out.flush();
            int exit = run(job.command(sky));
            if (exit != 0) {
                throw new SkyLaunchException("sky jobs launch failed for " + job.name() + " (exit " + exit + "); "
                        + (started.isEmpty() ? "no job was started" : "started: " + String.join(", ", started)),
                        jobs.subList(i, jobs.size()));
            }
            started.add(job.name());
        }
        out.println("started " + started.size() + " jobs; watch them with: sky jobs queue");
        out.flush();
    }

    private int run(List<String> command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).inheritIO().start();
        } catch (IOException e) {
            throw new IOException("cannot run the SkyPilot CLI '" + sky + "' (install it with `pip install skypilot`"
                    + " and set it up with `sky check`, or pass --sky PATH): " + e.getMessage(), e);
        }
        return process.waitFor();
    }
}
