package dev.imgsearch.cli;

/** Turns an exception into the one line a user sees. */
final class Errors {

    private Errors() {
    }

    /** The innermost message that says something, on one line. */
    static String oneLine(Throwable e) {
        Throwable useful = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                useful = t;
                if (!(t instanceof java.util.concurrent.ExecutionException)
                        && !t.getClass().getName().startsWith("org.apache.spark")) {
                    break;
                }
            }
        }
        String message = useful.getMessage() == null ? useful.getClass().getSimpleName() : useful.getMessage();
        return message.lines().findFirst().orElse("").strip();
    }
}
