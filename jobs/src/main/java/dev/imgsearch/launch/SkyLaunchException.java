package dev.imgsearch.launch;

import java.util.List;

/** SkyPilot refused to start a job; the jobs before it were started, the others were not tried. */
public final class SkyLaunchException extends Exception {

    private final transient List<SkyJob> notStarted;

    SkyLaunchException(String message, List<SkyJob> notStarted) {
        super(message);
        this.notStarted = List.copyOf(notStarted);
    }

    /** The job that failed, then the ones after it. */
    public List<SkyJob> notStarted() {
        return notStarted;
    }
}
